#include "stats_panel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace rs::ui {

StatsPanel::StatsPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* l = new QVBoxLayout(this);
    m_label = new QLabel(tr("Statistics need core/stats (simulator branch)."), this);
    l->addWidget(m_label);
}

void StatsPanel::setSnapshot(const Snapshot&) {}

} // namespace rs::ui

#include "studio/config_compare.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rs::ui {

ConfigCompare::ConfigCompare(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_onlyDiff = new QCheckBox(tr("Only settings that differ"), this);
    layout->addWidget(m_onlyDiff);
    m_table = new QTableWidget(this);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    layout->addWidget(m_table, 1);
    auto* note = new QLabel(
        tr("Highlighted rows differ between the selected runs. Select several runs (Ctrl-click) to compare."), this);
    note->setWordWrap(true);
    layout->addWidget(note);
    connect(m_onlyDiff, &QCheckBox::toggled, this, [this] { rebuild(); });
}

void ConfigCompare::setRuns(const std::vector<std::pair<QString, rs::ml::RunConfig>>& runs,
    const std::vector<std::vector<std::pair<QString, QString>>>& results)
{
    m_runs = runs;
    m_results = results;
    rebuild();
}

void ConfigCompare::setOnlyDifferences(bool on)
{
    m_onlyDiff->setChecked(on);
}

void ConfigCompare::rebuild()
{
    std::vector<QMap<QString, QString>> flat;
    QStringList keys;
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        const rs::ml::RunConfig& config = m_runs[i].second;
        QMap<QString, QString> f;
        if (i < m_results.size())
            for (const auto& [k, v] : m_results[i]) {
                f[k] = v;
                if (!keys.contains(k))
                    keys << k;
            }
        for (const auto& [key, value] : rs::ml::flattenRunConfig(config)) { // the one schema, paths normalised
            const QString k = QString::fromStdString(key);
            f[k] = QString::fromStdString(value);
            if (!keys.contains(k))
                keys << k;
        }
        flat.push_back(f);
    }
    m_differing.clear();
    QStringList same;
    for (const QString& k : keys) {
        bool differs = false;
        for (const auto& f : flat)
            differs = differs || f.value(k, QStringLiteral("–")) != flat.front().value(k, QStringLiteral("–"));
        (differs ? m_differing : same) << k;
    }
    const QStringList rows = m_onlyDiff->isChecked() ? m_differing : m_differing + same;
    m_table->clear();
    m_table->setColumnCount(int(m_runs.size()));
    m_table->setRowCount(int(rows.size()));
    QStringList headers;
    for (const auto& r : m_runs)
        headers << r.first;
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setVerticalHeaderLabels(rows);
    const QColor highlight(0xff, 0xe8, 0xa3);
    for (int r = 0; r < rows.size(); ++r) {
        const bool differs = r < m_differing.size();
        for (int c = 0; c < int(flat.size()); ++c) {
            auto* item = new QTableWidgetItem(flat[std::size_t(c)].value(rows[r], QStringLiteral("–")));
            item->setToolTip(item->text());
            if (differs) {
                item->setBackground(highlight);
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(r, c, item);
        }
    }
    m_table->resizeColumnsToContents();
}

} // namespace rs::ui

#pragma once
/// \file stats_panel.h
/// Statistics of the shown cubes as Qt Charts plots (placeholder until core statistics land).

#include "snapshot.h"

#include <QWidget>

class QLabel;

namespace rs::ui {

class StatsPanel : public QWidget {
    Q_OBJECT

public:
    explicit StatsPanel(QWidget* parent = nullptr);
    void setSnapshot(const Snapshot& snapshot);

private:
    QLabel* m_label = nullptr;
};

} // namespace rs::ui

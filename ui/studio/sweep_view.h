#pragma once
/// \file sweep_view.h
/// The studio's Sweep tab: the runs of one sweep (or, for runs outside sweeps, of the runs
/// folder) as parallel coordinates through their settings and results, whose brushing filters
/// the runs table, and a scatter of one setting against one result (Qt Charts).

#include "studio/parallel_coords_view.h"

#include <QWidget>

class QAbstractAxis;
class QCategoryAxis;
class QChart;
class QChartView;
class QLogValueAxis;
class QScatterSeries;
class QValueAxis;
class QComboBox;
class QLabel;

namespace rs::ui {

class SweepView : public QWidget {
    Q_OBJECT

public:
    explicit SweepView(QWidget* parent = nullptr);

    /// The runs to show: each run's values are its settings (in `settings` order) then its
    /// results (in `results` order). `title` names the group.
    void setRuns(const QString& title, const QStringList& settings, const QStringList& results,
        const std::vector<ParallelRun>& runs);
    QString title() const;
    ParallelCoordsView* parallel() const { return m_parallel; }
    QChart* scatter() const { return m_chart; }
    QComboBox* xChoice() const { return m_x; }
    QComboBox* yChoice() const { return m_y; }
    /// The scatter's points (x, y) as drawn (tests).
    QList<QPointF> scatterPoints() const;

Q_SIGNALS:
    /// The brushed runs changed (nullopt: no brush, every run).
    void brushChanged(const std::optional<QSet<QString>>& runs);

private:
    void rebuildScatter();

    QLabel* m_title = nullptr;
    ParallelCoordsView* m_parallel = nullptr;
    QComboBox* m_x = nullptr;
    QComboBox* m_y = nullptr;
    QChart* m_chart = nullptr;
    QChartView* m_chartView = nullptr;
    // One set of series and axes, reused (the chart's axis items animate; deleting axes under
    // them crashed Qt Charts 6.4).
    QScatterSeries* m_in = nullptr; ///< runs inside the brushes
    QScatterSeries* m_out = nullptr; ///< runs outside them
    QValueAxis* m_xValue = nullptr;
    QLogValueAxis* m_xLog = nullptr;
    QCategoryAxis* m_xCategories = nullptr;
    QAbstractAxis* m_xShown = nullptr;
    QValueAxis* m_yAxis = nullptr;
    QStringList m_settings, m_results;
    std::vector<ParallelRun> m_runs;
};

} // namespace rs::ui

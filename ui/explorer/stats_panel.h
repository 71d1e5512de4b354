#pragma once
/// \file stats_panel.h
/// Statistics of what is shown, as Qt Charts: histogram and log-log Δ²(k) of a chosen cube, and
/// for a run with several redshifts nf(z) and mean δT_b(z). Numbers come from core, computed in
/// the background when the selection changes; each chart exports as PNG and CSV.

#include "explorer/stats_data.h"

#include <QWidget>

#include <optional>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QTabWidget;
class QToolButton;

namespace rs::ui {

class JobRunner;

class StatsPanel : public QWidget {
    Q_OBJECT

public:
    enum class Chart { Histogram, Spectrum, NeutralFraction, MeanTb };

    explicit StatsPanel(QWidget* parent = nullptr);

    /// Shows statistics of the snapshot's cubes (the quantity chosen stays chosen).
    void setSnapshot(const Snapshot& snapshot);
    /// The run whose redshift series nf(z), mean δT_b(z) is drawn (recomputed only for a new run).
    void setRun(const CatalogRun& run);

    QChartView* chartView(Chart c) const;
    void setCurrentChart(Chart c);
    Chart currentChart() const;
    const std::optional<CubeStatistics>& cubeStatistics() const { return m_cubeStats; }
    const std::optional<RunSeries>& series() const { return m_series; }
    JobRunner* cubeJob() const { return m_cubeJob; }
    JobRunner* seriesJob() const { return m_seriesJob; }

    /// Writes a chart as PNG / its numbers as CSV. Throw rs::IoError.
    void exportPng(Chart c, const QString& path);
    void exportCsv(Chart c, const QString& path);

Q_SIGNALS:
    void statusMessage(const QString& text, int timeoutMs);
    void problem(const QString& message, const QString& details);

private:
    void computeCubeStatistics();
    void showCubeStatistics();
    void showSeries();
    void exportWithDialog(bool png);

    QComboBox* m_cubeBox = nullptr;
    QToolButton* m_png = nullptr;
    QToolButton* m_csv = nullptr;
    QLabel* m_note = nullptr;
    QTabWidget* m_tabs = nullptr;
    QChartView* m_views[4] = {};
    JobRunner* m_cubeJob = nullptr;
    JobRunner* m_seriesJob = nullptr;

    Snapshot m_snapshot;
    std::optional<CubeStatistics> m_cubeStats;
    std::optional<RunSeries> m_series;
    QString m_seriesRun;
};

} // namespace rs::ui

#pragma once
/// \file stats_panel.h
/// Statistics of what is shown: PDF with moments, log-log Δ²(k) with error bars (1/Mpc or
/// h/Mpc), the cylindrical P(k⊥, k∥) as a log-colour map and, for x_HI, the bubble size
/// distributions of a chosen cube; for a run with several redshifts nf(z) and mean δT_b(z).
/// Numbers come from core, computed in the background when the selection changes (newest
/// request wins); each chart exports as PNG and CSV.

#include "explorer/stats_data.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QTabWidget;
class QToolButton;

namespace rs::ui {

struct StatsSet;
namespace charts {
class PowerMapView;
}
class JobRunner;

class StatsPanel : public QWidget {
    Q_OBJECT

public:
    enum class Chart { Histogram, Spectrum, NeutralFraction, MeanTb, Cylindrical, Bubbles };

    explicit StatsPanel(QWidget* parent = nullptr);

    /// Shows statistics of the snapshot's cubes (the quantity chosen stays chosen). A lightcone's
    /// (seconds of FFTs over tens of millions of voxels) waits while the panel is hidden and is
    /// computed when it is shown. The computations run as background jobs (lower priority).
    void setSnapshot(const Snapshot& snapshot);
    /// True while the chosen cube's statistics wait for the panel to be shown.
    bool cubeStatisticsDeferred() const { return m_cubeDeferred; }
    /// The run whose redshift series nf(z), mean δT_b(z) is drawn (recomputed only for a new run).
    void setRun(const CatalogRun& run);

    /// The chart view of `c` (Bubbles: the mean free path's; Cylindrical: none, see powerMap).
    QChartView* chartView(Chart c) const;
    QChartView* fofView() const { return m_fofView; }
    charts::PowerMapView* powerMap() const { return m_powerMap; }
    /// Keeps the current cube's statistics and the current run's history in the overlay: Δ²(k),
    /// PDF and bubble charts then draw every kept cube and the current one, nf(z) and ⟨δT_b⟩(z)
    /// every kept run and the current one, the legends naming what differs (run, z, quantity;
    /// the folder between runs of one label). False when nothing is computed yet.
    bool pinCurrent();
    void clearPinned();
    const std::vector<CubeStatistics>& pinned() const { return m_pinned; }
    const std::vector<RunSeries>& pinnedSeries() const { return m_pinnedSeries; }
    /// The P(k⊥, k∥) tab shows P_A / P_B of the current cube (A) and kept cube `pinnedIndex` (B)
    /// as a diverging log-colour map (ratio 1 in the middle); -1 shows P of the current cube. A
    /// note in the map says why when the two cubes' k bins differ. False for an index outside.
    bool setRatioReference(int pinnedIndex);
    int ratioReference() const { return m_ratioRef; }
    QComboBox* ratioBox() const { return m_ratioBox; }
    /// Chooses the snapshot's cube of quantity `q` (as the combo box does) and computes its
    /// statistics; false when the snapshot has none.
    bool chooseCube(Quantity q);
    /// Wavenumbers in h/Mpc (h = 0.68) instead of 1/Mpc in Δ²(k) and P(k⊥, k∥).
    void setPerH(bool on);
    void setCurrentChart(Chart c);
    Chart currentChart() const;
    const std::optional<CubeStatistics>& cubeStatistics() const { return m_cubeStats; }
    const std::optional<RunSeries>& series() const { return m_series; }
    JobRunner* cubeJob() const { return m_cubeJob; }
    JobRunner* seriesJob() const { return m_seriesJob; }

    /// Writes a chart as a figure (axes, ticks, labels with units, legend; the format by the
    /// suffix: PNG at `dpi`, SVG or PDF) / its numbers as CSV. Throw rs::IoError, ParameterError
    /// (unknown suffix, nothing to draw).
    void exportPng(Chart c, const QString& path, int dpi = 200);
    void exportCsv(Chart c, const QString& path);

Q_SIGNALS:
    void statusMessage(const QString& text, int timeoutMs);
    void problem(const QString& message, const QString& details);

protected:
    void showEvent(QShowEvent* e) override;

private:
    void computeCubeStatistics();
    void showCubeStatistics();
    /// `names`: the overlay's legend names, the kept cubes' first.
    void showPowerMap(const std::vector<QString>& names, const SpectrumUnits& units);
    void showSeries();
    int m_figureDpi = 200; ///< the last resolution chosen for PNG figures
    /// The kept runs' histories and the current run's (when not kept), in that order.
    std::vector<const RunSeries*> seriesSet() const;
    /// The kept cubes and the current one (when not kept), with their legend names.
    StatsSet overlaySet() const;
    QWidget* tabOf(Chart c) const;
    void exportWithDialog(bool figure);

    QComboBox* m_cubeBox = nullptr;
    QToolButton* m_png = nullptr;
    QToolButton* m_csv = nullptr;
    QLabel* m_note = nullptr;
    QTabWidget* m_tabs = nullptr;
    QCheckBox* m_perH = nullptr;
    QToolButton* m_pin = nullptr;
    QToolButton* m_unpin = nullptr;
    QChartView* m_views[4] = {};
    QChartView* m_mfpView = nullptr;
    QChartView* m_fofView = nullptr;
    QWidget* m_bubbles = nullptr;
    charts::PowerMapView* m_powerMap = nullptr;
    QWidget* m_cylindrical = nullptr; ///< the P(k⊥, k∥) tab: ratio choice above the map
    QComboBox* m_ratioBox = nullptr;
    int m_ratioRef = -1;
    JobRunner* m_cubeJob = nullptr;
    JobRunner* m_seriesJob = nullptr;

    Snapshot m_snapshot;
    std::optional<CubeStatistics> m_cubeStats;
    std::vector<CubeStatistics> m_pinned;
    std::optional<RunSeries> m_series;
    std::vector<RunSeries> m_pinnedSeries;
    QString m_seriesRun;
    bool m_cubeDeferred = false;
};

} // namespace rs::ui

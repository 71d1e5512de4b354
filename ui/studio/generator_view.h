#pragma once
/// \file generator_view.h
/// The Generator view of the Training studio (generator runs): sliders for z and ζ, a grid of
/// maps drawn by the run's conditional generator that follows them live (the latent noise stays
/// fixed while the sliders move, so the maps morph with the parameters; Resample draws new
/// noise), and the maps' mean Δ²(k) and value PDF overlaid on the run's held-out (test-split)
/// simulated maps nearest in (z, ζ), with the evaluate metrics of that comparison (power ratio,
/// PDF KS, nf, diversity). Maps of the size a run was calibrated at on another dataset
/// (`reionscope-cli calibrate RUN --dataset D`: generator.calibrated_on) are compared with that
/// dataset's held-out maps; a calibration done while the view shows the run (here, with
/// *Calibrate…*, or by the CLI) is drawn anew. Generation runs in the
/// background: a slider move while maps are being drawn is remembered and drawn next (the newest position wins; moves
/// in between are skipped). The grid is repainted as soon as its maps exist; the comparison with the simulations
/// follows as a second background job once the sliders have rested for 150 ms, so it never delays the grid.

#include "ml/generation_metrics.h"
#include "ml/generator.h"
#include "ml/run_folder.h"

#include <QElapsedTimer>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <optional>
#include <tuple>

class QChartView;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace rs::ui {

class JobRunner;
class LatestJob;
class MapGrid;
struct GeneratorCaches;
struct GeneratorDraw;

class GeneratorView : public QWidget {
    Q_OBJECT

public:
    explicit GeneratorView(QWidget* parent = nullptr);
    ~GeneratorView() override;

    /// The run to show (a generator run; others show a note). A new run sets the sliders to the
    /// middle of its training range and draws.
    void setRun(const QString& runDir, const rs::ml::RunConfig& config);
    /// Moves the sliders to (z, ζ) (nearest slider steps) and draws.
    void setParameters(double z, double zeta);
    double z() const;
    double zeta() const;
    /// Maps per draw (1-64).
    void setCount(int n);
    /// Map side in cells (default: the run's training size), snapped to a multiple of 8 in 8-512:
    /// the decoder is convolutional, so larger maps are a larger sky at the training cell size.
    /// The metrics beside compare maps of one size: the training size (the run's dataset) or the
    /// size of the dataset it was calibrated on (that dataset); the curves overlay any size.
    void setMapSize(int side);
    int mapSize() const;
    /// Calibrates the shown run on `datasetPath` in the background (rs::ml::calibrateGeneratorRun:
    /// its training split, at its map size); when done the view draws with the new points and
    /// emits calibrated(). *Calibrate…* asks for the dataset; pressed again while it runs it stops
    /// the calibration, which leaves config.json untouched. Failures (a run still training, not
    /// finished, a dataset of another cell size, an unreadable file) come as problem().
    void calibrateOn(const QString& datasetPath);
    bool isCalibrating() const;
    JobRunner* calibrateJob() const { return m_calibrateJob; }
    QPushButton* calibrateButton() const { return m_calibrate; }
    /// The calibration's progress, outcome or error, below the maps' note.
    QString calibrationStatus() const;
    /// LibTorch threads of the generating job (default 1: a small decoder runs 4× faster on one
    /// thread than on two on a busy 2-core machine; see bench_views).
    void setComputeThreads(int n) { m_threads = n; }

    QSlider* zSlider() const { return m_z; }
    QSlider* zetaSlider() const { return m_zeta; }
    MapGrid* grid() const { return m_grid; }
    MapGrid* simulatedGrid() const { return m_simGrid; }
    QChartView* spectrumView() const { return m_spectrum; }
    QChartView* pdfView() const { return m_pdf; }
    /// The job that draws maps, and the one that then compares them with the simulations.
    JobRunner* job() const;
    JobRunner* compareJob() const;
    /// A comparison with the simulations is waiting for the sliders to rest, or running.
    bool isComparing() const;
    /// The comparison with the nearest held-out maps of the last draw (none without a dataset).
    const std::optional<rs::ml::GenerationGroupMetrics>& metrics() const { return m_metrics; }
    QString metricsText() const;
    QString note() const;
    /// Milliseconds from the last slider move (or setParameters) to the finished repaint of the
    /// grid that shows its maps; negative before the first.
    double lastRedrawMs() const { return m_lastRedrawMs; }
    /// Draws whose maps were shown (a move overtaken by a newer one before it started is never drawn).
    int drawsDone() const { return m_draws; }

Q_SIGNALS:
    /// The grid was repainted with the maps of the newest slider position, `ms` after the move.
    void redrawn(double ms);
    void problem(const QString& message, const QString& details);
    /// A calibration started here finished: `message` says where and how well (core's line).
    void calibrated(const QString& message);

private:
    void request();
    void showMaps(const rs::ml::GeneratedMaps& maps, const QStringList& warnings, double lo, double hi);
    void compare();
    void showDraw(const GeneratorDraw& d, double lo, double hi);
    void updateLabels();

    QString m_run;
    rs::ml::RunConfig m_config;
    std::shared_ptr<GeneratorCaches> m_caches;
    int m_threads = 1;
    bool m_awaitingPaint = false;
    QElapsedTimer m_since;
    double m_lastRedrawMs = -1;
    int m_draws = 0;
    std::uint64_t m_seed = 0;
    std::optional<rs::ml::GenerationGroupMetrics> m_metrics;
    QSlider* m_z = nullptr;
    QSlider* m_zeta = nullptr;
    QLabel* m_zLabel = nullptr;
    QLabel* m_zetaLabel = nullptr;
    QSpinBox* m_count = nullptr;
    QSpinBox* m_size = nullptr;
    QPushButton* m_resample = nullptr;
    QPushButton* m_calibrate = nullptr;
    QLabel* m_calibrateStatus = nullptr;
    JobRunner* m_calibrateJob = nullptr;
    QString m_calibratedRun; ///< the run the last calibration started here was for
    std::uint64_t m_calibrateStartStamp = 0; ///< its config.json's rs::fileChangeStamp then
    QLabel* m_note = nullptr;
    QLabel* m_metricsLabel = nullptr;
    MapGrid* m_grid = nullptr;
    MapGrid* m_simGrid = nullptr;
    QChartView* m_spectrum = nullptr;
    QChartView* m_pdf = nullptr;
    LatestJob* m_latest = nullptr;
    LatestJob* m_compare = nullptr;
    QTimer* m_compareDelay = nullptr;
    std::optional<std::tuple<rs::ml::GeneratedMaps, double, double>> m_toCompare; ///< maps, display range
};

} // namespace rs::ui

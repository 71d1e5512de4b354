#pragma once
/// \file curves_view.h
/// Live training curves as Qt Charts: loss (left) and accuracy / R² / relative MSE (right) of
/// one or several runs, against epoch or optimizer step, train curves smoothed on request with
/// the raw curve still drawn faintly, validation per epoch, an optional logarithmic loss axis,
/// and a readout of the point under the mouse. Redraws are paced (frame_pacer.h): any number of
/// new points within one frame cost one redraw, 25 per second at most and fewer where frames are
/// expensive; only runs whose curves changed are redrawn, and nothing while the view is hidden.
/// Below them, the physics metrics per epoch (PhysicsCurves) of runs that record them.
/// Exports as PNG (all charts) and CSV (every point).

#include "studio/run_curves.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

class QAbstractAxis;
class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QSlider;
class QTimer;

namespace rs::ui {

class FramePacer;
class PhysicsCurves;
class RunsModel;

class CurvesView : public QWidget {
    Q_OBJECT

public:
    enum class XAxis { Epoch, Step };

    explicit CurvesView(RunsModel* model, QWidget* parent = nullptr);

    /// The runs to draw (overlaid, in this order).
    void setRuns(const QStringList& paths);
    QStringList runs() const { return m_paths; }

    void setXAxis(XAxis x);
    XAxis xAxis() const { return m_x; }
    /// Smoothing weight in [0, 0.99]; 0 draws the raw curves only.
    void setSmoothing(double weight);
    double smoothing() const { return m_smoothing; }
    void setLogLoss(bool on);
    bool logLoss() const { return m_log; }

    /// Paces redraws caused by new points with `pacer` (shared with other live widgets, so one
    /// window frame carries all their changes). Without one the view paces itself.
    void setPacer(FramePacer* pacer);
    FramePacer* pacer() const { return m_pacer; }
    /// Schedules a redraw soon (after a change of options; coalesced within one event loop pass).
    void scheduleRefresh();
    /// Updates the series of runs whose curves changed (the widgets repaint as usual).
    void refresh();
    /// Updates done so far (coalescing can be observed).
    int refreshCount() const { return m_refreshes; }

    /// Points drawn for a run's series (the raw curve, after decimation).
    int drawnPoints(const QString& path, RunCurves::Series s) const;
    QChart* lossChart() const;
    QChart* metricChart() const;
    /// The readout of the point under the mouse ("" when none).
    QString readout() const;
    /// Shows the readout for a chart position (what a mouse move does).
    void hoverAt(QChartView* view, QPointF viewPos);
    /// The chart views paint only when told (see HoverChartView): after each change.
    void repaintCharts();
    QChartView* lossView() const { return m_views[0]; }
    QChartView* metricView() const { return m_views[1]; }
    /// The physics curves under the loss and metric charts.
    PhysicsCurves* physics() const { return m_physics; }

    /// The charts as an image (the physics chart, or its explanation, below); their points as CSV.
    /// Throw rs::IoError.
    QImage renderImage();
    void exportPng(const QString& path);
    void exportCsv(const QString& path);
    /// Asks for a file name, then exportPng / exportCsv (the menu and the buttons do this).
    void exportWithDialog(bool png);

protected:
    void showEvent(QShowEvent* e) override;

Q_SIGNALS:
    void statusMessage(const QString& text, int timeoutMs);
    void problem(const QString& message, const QString& details);

private:
    struct RunSeries {
        QString path;
        std::uint64_t revision = ~std::uint64_t(0);
        QLineSeries* raw[RunCurves::SeriesCount] = {};
        QLineSeries* smooth[RunCurves::SeriesCount] = {}; ///< train series only
        int rawPoints[RunCurves::SeriesCount] = {};
    };
    void rebuild();
    void fill(RunSeries& run);
    void updateAxes();

    RunsModel* m_model = nullptr;
    QStringList m_paths;
    std::vector<RunSeries> m_series;
    QWidget* m_charts = nullptr; ///< holds both chart views (one repaint, one window flush)
    QChartView* m_views[2] = {};
    QScatterSeries* m_marker[2] = {};
    PhysicsCurves* m_physics = nullptr;
    QComboBox* m_xBox = nullptr;
    QSlider* m_smoothSlider = nullptr;
    QLabel* m_smoothLabel = nullptr;
    QCheckBox* m_logBox = nullptr;
    QLabel* m_readout = nullptr;
    QLabel* m_empty = nullptr;
    QTimer* m_timer = nullptr; ///< option changes
    FramePacer* m_pacer = nullptr; ///< new points
    FramePacer* m_ownPacer = nullptr;
    XAxis m_x = XAxis::Epoch;
    double m_smoothing = 0.6;
    bool m_log = false;
    bool m_rebuild = true;
    bool m_hiddenChanges = false; ///< curves changed while hidden: redraw when shown
    int m_refreshes = 0;
};

} // namespace rs::ui

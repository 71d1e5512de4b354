#pragma once
/// \file run_curves.h
/// The points of one run's training curves: train loss and metric per reported batch, validation
/// loss and metric per epoch. They come from history.jsonl (a run written by any process) or
/// from live progress reports (a run this window trains); either way each point knows its
/// optimizer step and its fractional epoch, so curves can be drawn against batch or epoch.

#include "ml/run_folder.h"
#include "ml/trainer.h"

#include <QString>

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace rs::ui {

struct CurvePoint {
    double step = 0; ///< optimizer steps since the run began
    double epoch = 0; ///< epochs done: epoch + batch/batches (1.0 = the end of the first epoch)
    double value = 0;
};

/// One physics metric of a run (physics_history.h: "nf_error", "r_k_0.3", ...), per epoch.
struct PhysicsSeries {
    QString name;
    std::vector<CurvePoint> points;
};

class RunCurves {
public:
    enum Series { TrainLoss, TrainMetric, ValLoss, ValMetric, SeriesCount };

    /// A history line; batch and epoch lines add points (epoch lines their physics too), others are ignored.
    void addRecord(const rs::ml::HistoryRecord& r);
    /// Only the physics metrics of an epoch line (a run whose loss curves come from live reports,
    /// which do not carry them).
    void addPhysics(const rs::ml::HistoryRecord& r);
    /// A live report from the trainer.
    void addProgress(const rs::ml::TrainProgress& p);
    void clear();

    const std::vector<CurvePoint>& points(Series s) const { return m_points[std::size_t(s)]; }
    /// The physics metrics, in order of first appearance (empty for runs that record none).
    const std::vector<PhysicsSeries>& physics() const { return m_physics; }
    /// A physics metric's points; nullptr when the run has none of it.
    const std::vector<CurvePoint>* physicsPoints(const QString& name) const;
    /// Points in all series, physics included.
    std::size_t pointCount() const;
    /// Grows by one with every change (views redraw only what changed).
    std::uint64_t revision() const { return m_revision; }

private:
    void add(Series s, std::int64_t step, double epoch, double value);

    std::array<std::vector<CurvePoint>, SeriesCount> m_points;
    std::vector<PhysicsSeries> m_physics;
    std::uint64_t m_revision = 0;
};

/// "train loss", "validation accuracy", ... for a series and the run's metric name.
QString seriesName(RunCurves::Series s, const QString& metric);
/// "accuracy", "R²", "relative MSE" for "accuracy", "r2", "relative_mse".
QString metricLabel(const QString& metric);

/// CSV of several runs' curves: '#' comment lines, a header, then one line per point:
/// run,series,step,epoch,value. Physics metrics follow as series "validation <name>".
QString curvesCsv(const std::vector<std::pair<QString, const RunCurves*>>& runs, const std::vector<QString>& metrics);

} // namespace rs::ui

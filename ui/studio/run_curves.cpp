#include "studio/run_curves.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

double epochPosition(int epoch, std::size_t batch, std::size_t batches)
{
    return double(epoch) + (batches ? double(batch) / double(batches) : 1.0);
}

} // namespace

void RunCurves::add(Series s, std::int64_t step, double epoch, double value)
{
    if (!std::isfinite(value))
        return;
    std::vector<CurvePoint>& v = m_points[std::size_t(s)];
    // An epoch line repeats the last batch report's running mean at the same step, and a run's
    // history may be read again after its live reports: keep one point per step.
    if (!v.empty() && v.back().step >= double(step))
        return;
    v.push_back({double(step), epoch, value});
    ++m_revision;
}

void RunCurves::addRecord(const rs::ml::HistoryRecord& r)
{
    if (r.type != "batch" && r.type != "epoch")
        return;
    const double epoch = r.type == "epoch" ? double(r.epoch) : epochPosition(r.epoch - 1, r.batch, r.batches);
    add(TrainLoss, r.step, epoch, r.trainLoss);
    add(TrainMetric, r.step, epoch, r.trainMetric);
    if (r.type == "epoch") {
        add(ValLoss, r.step, epoch, r.valLoss);
        add(ValMetric, r.step, epoch, r.valMetric);
    }
    addPhysics(r);
}

void RunCurves::addPhysics(const rs::ml::HistoryRecord& r)
{
    if (r.type != "epoch")
        return;
    for (const auto& [name, value] : r.physics) {
        if (!std::isfinite(value))
            continue;
        const QString key = QString::fromStdString(name);
        auto it
            = std::find_if(m_physics.begin(), m_physics.end(), [&](const PhysicsSeries& s) { return s.name == key; });
        if (it == m_physics.end())
            it = m_physics.insert(m_physics.end(), PhysicsSeries {key, {}});
        if (!it->points.empty() && it->points.back().step >= double(r.step))
            continue; // read again (a history re-read after live reports): one point per step
        it->points.push_back({double(r.step), double(r.epoch), value});
        ++m_revision;
    }
}

const std::vector<CurvePoint>* RunCurves::physicsPoints(const QString& name) const
{
    for (const PhysicsSeries& s : m_physics)
        if (s.name == name)
            return &s.points;
    return nullptr;
}

void RunCurves::addProgress(const rs::ml::TrainProgress& p)
{
    const bool epochEnd = p.kind == rs::ml::TrainProgress::Kind::Epoch;
    const double epoch = epochEnd ? double(p.epoch) : epochPosition(p.epoch - 1, p.batch, p.batches);
    add(TrainLoss, p.step, epoch, p.trainLoss);
    add(TrainMetric, p.step, epoch, p.trainMetric);
    if (epochEnd) {
        add(ValLoss, p.step, epoch, p.valLoss);
        add(ValMetric, p.step, epoch, p.valMetric);
    }
}

void RunCurves::clear()
{
    for (auto& v : m_points)
        v.clear();
    m_physics.clear();
    ++m_revision;
}

std::size_t RunCurves::pointCount() const
{
    std::size_t n = 0;
    for (const auto& v : m_points)
        n += v.size();
    for (const PhysicsSeries& s : m_physics)
        n += s.points.size();
    return n;
}

QString metricLabel(const QString& metric)
{
    if (metric == QLatin1String("r2"))
        return QStringLiteral("R²");
    if (metric == QLatin1String("relative_mse"))
        return QStringLiteral("relative MSE");
    if (metric == QLatin1String("pixel_accuracy"))
        return QStringLiteral("pixel accuracy");
    return metric.isEmpty() ? QStringLiteral("metric") : metric;
}

QString seriesName(RunCurves::Series s, const QString& metric)
{
    switch (s) {
    case RunCurves::TrainLoss:
        return QStringLiteral("train loss");
    case RunCurves::TrainMetric:
        return QStringLiteral("train %1").arg(metricLabel(metric));
    case RunCurves::ValLoss:
        return QStringLiteral("validation loss");
    case RunCurves::ValMetric:
        return QStringLiteral("validation %1").arg(metricLabel(metric));
    case RunCurves::SeriesCount:
        break;
    }
    return {};
}

QString curvesCsv(const std::vector<std::pair<QString, const RunCurves*>>& runs, const std::vector<QString>& metrics)
{
    QStringList lines;
    lines << QStringLiteral("# ReionScope training curves")
          << QStringLiteral("# loss: the training objective (cross-entropy, or MSE of standardised values)")
          << QStringLiteral("# train values are running means over the epoch so far; validation values are per epoch")
          << QStringLiteral("# physics metrics (iou_ionized, nf_error, power_ratio_median, r_k_<k in 1/Mpc>, pdf_ks, "
                            "diversity): the validation pass of each epoch")
          << QStringLiteral("run,series,step,epoch,value");
    for (std::size_t r = 0; r < runs.size(); ++r) {
        QString name = runs[r].first;
        name.replace(QLatin1Char(','), QLatin1Char(';'));
        auto put = [&](const QString& series, const std::vector<CurvePoint>& points) {
            for (const CurvePoint& p : points)
                lines << QStringLiteral("%1,%2,%3,%4,%5")
                             .arg(name, series)
                             .arg(qint64(p.step))
                             .arg(p.epoch, 0, 'g', 8)
                             .arg(p.value, 0, 'g', 9);
        };
        for (int s = 0; s < RunCurves::SeriesCount; ++s)
            put(seriesName(RunCurves::Series(s), r < metrics.size() ? metrics[r] : QString()),
                runs[r].second->points(RunCurves::Series(s)));
        for (const PhysicsSeries& s : runs[r].second->physics())
            put(QStringLiteral("validation %1").arg(s.name), s.points);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace rs::ui

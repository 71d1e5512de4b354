#include "studio/run_curves.h"

#include <QStringList>

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
    ++m_revision;
}

std::size_t RunCurves::pointCount() const
{
    std::size_t n = 0;
    for (const auto& v : m_points)
        n += v.size();
    return n;
}

QString metricLabel(const QString& metric)
{
    if (metric == QLatin1String("r2"))
        return QStringLiteral("R²");
    if (metric == QLatin1String("relative_mse"))
        return QStringLiteral("relative MSE");
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
          << QStringLiteral("run,series,step,epoch,value");
    for (std::size_t r = 0; r < runs.size(); ++r) {
        QString name = runs[r].first;
        name.replace(QLatin1Char(','), QLatin1Char(';'));
        for (int s = 0; s < RunCurves::SeriesCount; ++s) {
            const QString series = seriesName(RunCurves::Series(s), r < metrics.size() ? metrics[r] : QString());
            for (const CurvePoint& p : runs[r].second->points(RunCurves::Series(s)))
                lines << QStringLiteral("%1,%2,%3,%4,%5")
                             .arg(name, series)
                             .arg(qint64(p.step))
                             .arg(p.epoch, 0, 'g', 8)
                             .arg(p.value, 0, 'g', 9);
        }
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace rs::ui

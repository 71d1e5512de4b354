#include "vtk/transfer_function.h"

#include <algorithm>
#include <cmath>

namespace rs::ui {

double TransferFunction::opacityAt(double t) const
{
    if (opacity.empty())
        return 0.0;
    if (t <= opacity.front().x())
        return opacity.front().y();
    for (std::size_t i = 1; i < opacity.size(); ++i) {
        if (t <= opacity[i].x()) {
            const QPointF a = opacity[i - 1], b = opacity[i];
            const double f = b.x() > a.x() ? (t - a.x()) / (b.x() - a.x()) : 1.0;
            return a.y() + f * (b.y() - a.y());
        }
    }
    return opacity.back().y();
}

std::vector<QPointF> normalizedRamp(std::vector<QPointF> points)
{
    for (QPointF& p : points)
        p = QPointF(std::clamp(p.x(), 0.0, 1.0), std::clamp(p.y(), 0.0, 1.0));
    std::stable_sort(points.begin(), points.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    if (points.empty() || points.front().x() > 0.0)
        points.insert(points.begin(), QPointF(0.0, points.empty() ? 0.0 : points.front().y()));
    if (points.back().x() < 1.0)
        points.push_back(QPointF(1.0, points.back().y()));
    return points;
}

std::vector<TransferPreset> transferPresets(Quantity q)
{
    switch (q) {
    case Quantity::Density:
        return {{QStringLiteral("Overdense filaments"), ColormapId::Viridis, {{0, 0}, {0.3, 0}, {0.55, 0.04}, {1, 0.6}},
                    5.0},
            {QStringLiteral("Whole field"), ColormapId::Viridis, {{0, 0.02}, {1, 0.3}}, 4.0},
            {QStringLiteral("Voids"), ColormapId::Viridis, {{0, 0.5}, {0.15, 0.1}, {0.3, 0}, {1, 0}}, 4.0}};
    case Quantity::NeutralFraction:
        return {
            {QStringLiteral("Neutral gas (bubbles clear)"), ColormapId::Ionization, {{0, 0}, {0.4, 0}, {1, 0.08}}, 0},
            {QStringLiteral("Ionized bubbles"), ColormapId::Ionization, {{0, 0.3}, {0.5, 0.02}, {1, 0}}, 0}};
    case Quantity::BrightnessTemperature:
        return {{QStringLiteral("Bright 21cm signal"), ColormapId::Inferno, {{0, 0}, {0.15, 0}, {1, 0.4}}, 0},
            {QStringLiteral("Emission and absorption"), ColormapId::CoolWarm,
                {{0, 0.4}, {0.45, 0}, {0.55, 0}, {1, 0.4}}, 0}};
    default: // other fields (temperatures, x_e, ...): a plain ramp
        break;
    }
    return {{QStringLiteral("Linear ramp"), ColormapId::Viridis, {{0, 0}, {1, 0.3}}, 0}};
}

TransferFunction makeTransfer(const TransferPreset& preset, const SummaryStats& stats)
{
    TransferFunction tf;
    tf.colormap = preset.colormap;
    SummaryStats s = stats;
    if (preset.stdClip > 0 && std::isfinite(s.std))
        s.max = std::min(s.max, s.mean + preset.stdClip * s.std);
    tf.range = displayRange(s, preset.colormap);
    tf.opacity = normalizedRamp(preset.opacity);
    return tf;
}

} // namespace rs::ui

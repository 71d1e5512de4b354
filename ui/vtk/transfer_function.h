#pragma once
/// \file transfer_function.h
/// Volume transfer functions: a colour map over a value range and an opacity ramp (piecewise
/// linear through control points), with presets suited to each quantity.

#include "cube/cube_stats.h"
#include "cube/quantity.h"
#include "vtk/colormap.h"

#include <QPointF>
#include <QString>

#include <vector>

namespace rs::ui {

struct TransferFunction {
    ColormapId colormap = ColormapId::Viridis;
    DisplayRange range;
    /// Opacity control points (x: position in the range, 0 = lo, 1 = hi; y: opacity 0–1), sorted
    /// by x, first at x = 0 and last at x = 1.
    std::vector<QPointF> opacity;

    bool operator==(const TransferFunction&) const = default;
    /// Opacity at a range position t (linear between points).
    double opacityAt(double t) const;
};

struct TransferPreset {
    QString name;
    ColormapId colormap = ColormapId::Viridis;
    std::vector<QPointF> opacity;
    /// How the range follows the cube: full [min, max], or [min, mean + k·std] (density's tail).
    double stdClip = 0; ///< 0: full range; k > 0: hi = min(max, mean + k·std)
};

/// The presets for a quantity, the first being the default.
std::vector<TransferPreset> transferPresets(Quantity q);
/// A preset applied to a cube with these statistics.
TransferFunction makeTransfer(const TransferPreset& preset, const SummaryStats& stats);

/// Keeps an opacity ramp valid: sorted, clamped to [0, 1], end points at x = 0 and x = 1.
std::vector<QPointF> normalizedRamp(std::vector<QPointF> points);

} // namespace rs::ui

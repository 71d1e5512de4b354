#pragma once
#include "explorer/snapshot.h"

#include <QJsonObject>

#include <cstddef>

/// Slider step → rendered slices on n^3 cubes, in the default layout: the Explorer's three linked
/// panels (δ | x_HI | δT_b) in a 1600×1000 main window; and, for reference, one panel with a
/// 600×600 canvas. Per axis: the synchronous render time of every panel the step changes, the time
/// until the frames are on screen, and a frame-only baseline (re-render without a change)
/// measured in the same run.
QJsonObject benchSlices(std::size_t n, int steps);

/// δ, x_HI and δT_b cubes of n^3 derived from one synthetic δT_b field (bench::syntheticTb).
rs::ui::Snapshot syntheticSnapshot(std::size_t n);

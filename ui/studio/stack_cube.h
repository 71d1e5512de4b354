#pragma once
/// \file stack_cube.h
/// A stack of 2D samples as a cube (axis 0 = sample), so the Explorer's linked slice panels can
/// show and step through test samples, reconstructions or translations.

#include "explorer/snapshot.h"

#include <optional>
#include <vector>

namespace rs::ui {

class LinkedSlicesView;

/// `count` samples of rows × cols (`values` one after the other) with pixel `cell` as a cube of
/// `q`, its colour range from `range`, titled `caption` (rich text).
LoadedCube stackCube(const std::vector<float>& values, std::size_t count, std::size_t rows, std::size_t cols,
    double cell, Quantity q, std::optional<double> z, const SummaryStats& range, const QString& caption);

/// Shows `cubes` in `view`, panel i the i-th cube. (LinkedSlicesView::setSnapshot keeps what
/// each panel showed by quantity, which picks the same cube for an input and its reconstruction,
/// or a prediction and its truth, of one quantity.)
void showCubesInOrder(LinkedSlicesView* view, std::vector<LoadedCube> cubes);

} // namespace rs::ui

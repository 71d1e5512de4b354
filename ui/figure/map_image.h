#pragma once
/// \file map_image.h
/// A 2D map of values as an image through a colour map: one pixel per value (row-major, row 0 at
/// the top), [lo, hi] spread over the map's 256 colours with values outside clamped to its ends,
/// non-finite values magenta. Map figures and the Studio's map grids colour values alike with it.

#include "figure/colormap.h"

#include <QImage>

#include <cstddef>

namespace rs::figure {

/// cols × rows image of `values` (rows × cols floats). hi ≤ lo is taken as [lo, lo + 1]. Nothing throws.
QImage mapImage(const float* values, std::size_t rows, std::size_t cols, ColormapId id, double lo, double hi);

} // namespace rs::figure

#pragma once
/// \file palette.h
/// The colours every chart draws its series with (matplotlib's "tab10" order, so overlays look
/// as scientists expect from their notebooks), and the pen a series is drawn with.

#include <QColor>
#include <QPen>

#include <cstddef>

namespace rs::figure {

/// The i-th series colour (cycles through ten).
QColor seriesColor(std::size_t i);

/// The pen a series of `color` is drawn with.
QPen seriesPen(const QColor& color, double width = 1.8);

} // namespace rs::figure

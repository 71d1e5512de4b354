#pragma once
/// \file palette.h
/// The series colours and pens of every chart: figure/palette.h (reionscope_figure, shared with
/// exported figures), named in rs::ui::charts.

#include "figure/palette.h"

namespace rs::ui::charts {

using figure::seriesColor;
using figure::seriesPen;

} // namespace rs::ui::charts

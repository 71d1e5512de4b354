#pragma once
/// \file colormap.h
/// The shared colour maps (figure/colormap.h, reionscope_figure) as VTK lookup tables and colour
/// transfer functions for slices and volumes. The maps' names are brought into rs::ui so views
/// write ColormapId, colormapColor, displayRange, ... as before.

#include "figure/colormap.h"

#include <vtkSmartPointer.h>

class vtkLookupTable;
class vtkColorTransferFunction;

namespace rs::ui {

using figure::allColormaps;
using figure::colormapColor;
using figure::colormapFromKey;
using figure::ColormapId;
using figure::colormapKey;
using figure::colormapName;
using figure::colormapStrip;
using figure::colormapTable;
using figure::defaultColormap;
using figure::displayRange;
using figure::DisplayRange;
using figure::isDiverging;
using figure::kEoRHighMk;
using figure::kEoRLowMk;
using figure::Rgb8;

/// A 256-entry lookup table over [lo, hi]; values outside clamp to the end colours, NaN is
/// drawn magenta so missing data stands out.
vtkSmartPointer<vtkLookupTable> makeLookupTable(ColormapId id, double lo, double hi);
/// A colour transfer function over [lo, hi] with `points` samples of the map (for volumes).
vtkSmartPointer<vtkColorTransferFunction> makeColorFunction(ColormapId id, double lo, double hi, int points = 32);

} // namespace rs::ui

#include "vtk/colormap.h"

#include <vtkColorTransferFunction.h>
#include <vtkLookupTable.h>

#include <algorithm>

namespace rs::ui {

vtkSmartPointer<vtkLookupTable> makeLookupTable(ColormapId id, double lo, double hi)
{
    auto lut = vtkSmartPointer<vtkLookupTable>::New();
    lut->SetNumberOfTableValues(256);
    lut->SetTableRange(lo, hi > lo ? hi : lo + 1.0);
    const auto& table = colormapTable(id);
    for (int i = 0; i < 256; ++i) {
        const Rgb8& c = table[std::size_t(i)];
        lut->SetTableValue(i, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, 1.0);
    }
    lut->SetNanColor(1.0, 0.0, 1.0, 1.0);
    lut->SetUseBelowRangeColor(false);
    lut->SetUseAboveRangeColor(false);
    lut->BuildSpecialColors();
    return lut;
}

vtkSmartPointer<vtkColorTransferFunction> makeColorFunction(ColormapId id, double lo, double hi, int points)
{
    auto f = vtkSmartPointer<vtkColorTransferFunction>::New();
    const double span = hi > lo ? hi - lo : 1.0;
    points = std::max(points, 2);
    for (int i = 0; i < points; ++i) {
        const double t = double(i) / (points - 1);
        const QColor c = colormapColor(id, t);
        f->AddRGBPoint(lo + t * span, c.redF(), c.greenF(), c.blueF());
    }
    f->ClampingOn();
    return f;
}

} // namespace rs::ui

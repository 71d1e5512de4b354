#include "vtk/halo_points.h"

#include "vtk/colormap.h"

#include <vtkActor.h>
#include <vtkFloatArray.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPointGaussianMapper.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkProperty.h>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

// Solid discs with a darker rim instead of the mapper's default Gaussian blobs: haloes read as
// distinct objects over the volume. offsetVCVSOutput runs over [-1, 1] across the splat.
constexpr const char* kDiscShader = "//VTK::Color::Impl\n"
                                    "float r2 = dot(offsetVCVSOutput.xy, offsetVCVSOutput.xy);\n"
                                    "if (r2 > 1.0) { discard; }\n"
                                    "float rim = r2 > 0.7 ? 0.55 : 1.0;\n"
                                    "ambientColor *= rim;\n"
                                    "diffuseColor *= rim;\n";

} // namespace

vtkSmartPointer<vtkActor> makeHaloActor(
    const std::vector<std::array<double, 3>>& positions, const std::vector<double>& masses, double minRadius)
{
    const std::size_t n = std::min(positions.size(), masses.size());
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetNumberOfPoints(vtkIdType(n));
    auto radius = vtkSmartPointer<vtkFloatArray>::New();
    radius->SetName("radius");
    radius->SetNumberOfValues(vtkIdType(n));
    auto logMass = vtkSmartPointer<vtkFloatArray>::New();
    logMass->SetName("log10_mass");
    logMass->SetNumberOfValues(vtkIdType(n));
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (std::size_t i = 0; i < n; ++i)
        if (masses[i] > 0) {
            lo = std::min(lo, std::log10(masses[i]));
            hi = std::max(hi, std::log10(masses[i]));
        }
    if (!(hi >= lo))
        lo = hi = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& p = positions[i];
        points->SetPoint(vtkIdType(i), p[2], p[1], p[0]);
        const double lm = masses[i] > 0 ? std::log10(masses[i]) : lo;
        logMass->SetValue(vtkIdType(i), float(lm));
        radius->SetValue(vtkIdType(i), float(minRadius * std::pow(10.0, (lm - lo) / 3.0)));
    }
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->GetPointData()->AddArray(radius);
    poly->GetPointData()->AddArray(logMass);

    auto mapper = vtkSmartPointer<vtkPointGaussianMapper>::New();
    mapper->SetInputData(poly);
    mapper->SetScaleArray("radius");
    mapper->SetScaleFactor(1.0);
    mapper->EmissiveOff();
    mapper->SetSplatShaderCode(kDiscShader);
    mapper->SetScalarModeToUsePointFieldData();
    mapper->SelectColorArray("log10_mass");
    mapper->SetLookupTable(makeLookupTable(ColormapId::CoolWarm, lo, hi > lo ? hi : lo + 1.0));
    mapper->SetScalarRange(lo, hi > lo ? hi : lo + 1.0);
    mapper->ScalarVisibilityOn();
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetAmbient(0.6);
    actor->GetProperty()->SetDiffuse(0.4);
    return actor;
}

} // namespace rs::ui

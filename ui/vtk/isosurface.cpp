#include "vtk/isosurface.h"

#include "util/error.h"

#include <vtkFloatArray.h>
#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>

namespace rs::ui {

vtkSmartPointer<vtkImageData> wrapCube(const Cube& cube)
{
    const Shape& n = cube.shape();
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(int(n[2]), int(n[1]), int(n[0]));
    image->SetSpacing(cube.cellSize(2), cube.cellSize(1), cube.cellSize(0));
    image->SetOrigin(0.5 * cube.cellSize(2), 0.5 * cube.cellSize(1), 0.5 * cube.cellSize(0));
    auto scalars = vtkSmartPointer<vtkFloatArray>::New();
    scalars->SetName("values");
    // save = 1: VTK never frees or writes these voxels; the caller keeps the cube alive.
    scalars->SetArray(const_cast<float*>(cube.data()), vtkIdType(cube.voxelCount()), 1);
    image->GetPointData()->SetScalars(scalars);
    return image;
}

vtkSmartPointer<vtkPolyData> extractIsosurface(const Cube& cube, double level, const StopToken& stop)
{
    stop.throwIfStopped();
    auto edges = vtkSmartPointer<vtkFlyingEdges3D>::New();
    edges->SetInputData(wrapCube(cube));
    edges->SetNumberOfContours(1);
    edges->SetValue(0, level);
    edges->ComputeNormalsOn();
    edges->ComputeGradientsOff();
    edges->ComputeScalarsOff();
    edges->Update();
    stop.throwIfStopped();
    auto out = vtkSmartPointer<vtkPolyData>::New();
    out->ShallowCopy(edges->GetOutput());
    return out;
}

} // namespace rs::ui

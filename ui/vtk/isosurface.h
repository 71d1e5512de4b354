#pragma once
/// \file isosurface.h
/// The x_HI = 0.5 surface (edges of ionized bubbles) of a cube, extracted with VTK's flying edges,
/// in the volume view's world coordinates (Mpc; VTK x, y, z = cube axes 2, 1, 0).

#include "cube/cube.h"
#include "util/progress.h"

#include <vtkSmartPointer.h>

class vtkImageData;
class vtkPolyData;

namespace rs::ui {

/// Wraps a cube's voxels (no copy) as VTK image data: dims (n2, n1, n0), spacing the cell sizes,
/// origin at the first voxel's centre. The cube must outlive the image (keep a Cube copy).
vtkSmartPointer<vtkImageData> wrapCube(const Cube& cube);

/// Triangles of the surface value == level, with normals. Runs on any thread (its own pipeline);
/// throws CancelledError when stopped before it starts.
vtkSmartPointer<vtkPolyData> extractIsosurface(const Cube& cube, double level, const StopToken& stop);

} // namespace rs::ui

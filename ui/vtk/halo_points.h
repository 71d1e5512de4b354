#pragma once
/// \file halo_points.h
/// Haloes drawn as round points in the volume view: one splat per halo at its comoving position,
/// its radius growing as M^(1/3) (as a virial radius does) and its colour running with log10 M.

#include <vtkSmartPointer.h>

#include <array>
#include <vector>

class vtkActor;

namespace rs::ui {

/// The actor for haloes at `positions` (comoving Mpc along the cube's axes 0, 1, 2; VTK's world x
/// is cube axis 2, as the volume's) with `masses` [Msun]. The lightest halo gets a radius of
/// `minRadius` Mpc, a 1000× heavier one ten times that. Colours: cool → warm over log10 M.
vtkSmartPointer<vtkActor> makeHaloActor(
    const std::vector<std::array<double, 3>>& positions, const std::vector<double>& masses, double minRadius);

} // namespace rs::ui

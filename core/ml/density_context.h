#pragma once
/// \file density_context.h
/// The 3D context a 2D translation model sees beside a density slice. Ionization in the
/// excursion-set picture depends on the density smoothed in 3D over spheres of radius R (up to
/// tens of Mpc), which one slice cannot show: a slice's neighbours above and below count as much
/// as those beside it. So every density cube is also smoothed in 3D (FFT, the simulator's sharp-k
/// filter) at a few radii, and the slices of those smoothed cubes travel with the density slice
/// as extra input channels, in datasets and when translating whole cubes. No LibTorch here.

#include "cube/cube.h"

#include <vector>

namespace rs::ml {

/// The radii [comoving Mpc] of the context channels paired datasets store by default: 1.5 to
/// 25 in steps of ~1.5 (1.5, 2.25, 3.4, 5, 7.5, 11, 17, 25). Measured on 64³/96 Mpc data: these
/// eight gave +0.5 % validation pixel accuracy over four (2.5, 5, 10, 20) at equal epochs.
std::vector<double> defaultContextRadii();

/// `density` smoothed in 3D with a sharp-k filter (modes with k·R·0.413566994 > 1 dropped, as
/// the simulator and classic 21cmFAST's HII_FILTER 1 do) at each radius, in order; periodic.
/// The cubes keep the input's grid and metadata. Throws ParameterError for a non-cubic grid, a
/// radius ≤ 0, or fewer than 2 cells per side; FormatError naming the cube's file for NaN/Inf.
std::vector<Cube> densityContext(const Cube& density, const std::vector<double>& radiiMpc, int threads = 1);

} // namespace rs::ml

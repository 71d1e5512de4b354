#pragma once
/// \file lightcone_compare.h
/// Comparing two lightcones: whether they share a grid (shape, box and line-of-sight redshifts),
/// their voxel-by-voxel difference, and the comoving distance of each line-of-sight slice (the
/// file's own distances, or the run's cosmology when a lightcone carries none).

#include "cube/cube.h"

#include <string>
#include <vector>

namespace rs {

/// Why `a` and `b` cannot be subtracted voxel by voxel: "" when both are lightcones (kind
/// Lightcone with an axis) of the same shape, box (within 1e-6 relative) and per-slice redshifts
/// (within 1e-6), else one sentence naming what differs ("shapes differ: 32 x 32 x 309 vs ...").
std::string lightconeGridMismatch(const Cube& a, const Cube& b);

/// a − b voxel by voxel, with a's metadata (kind, axis, quantity). Throws ParameterError carrying
/// lightconeGridMismatch's sentence when the grids differ.
Cube lightconeDifference(const Cube& a, const Cube& b);

/// Comoving distance [Mpc] of each slice along a lightcone's line of sight: the axis's own
/// distances when it has one per slice, else D_C(z) of each slice's redshift in the cosmology of
/// the cube's parameters. Empty for a cube that is not a lightcone. Throws ParameterError when a
/// redshift lies outside the distance table (z > 200).
std::vector<double> lineOfSightDistances(const Cube& lightcone);

} // namespace rs

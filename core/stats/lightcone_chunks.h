#pragma once
/// \file lightcone_chunks.h
/// Statistics of a lightcone (line of sight = last axis, redshift growing along it) in chunks
/// along the line of sight: the spherically averaged Δ²(k) of each chunk (classic convention,
/// each chunk treated as periodic, as tools21cm does for lightcone chunks) against the redshift
/// of the chunk's centre. Also the comoving-distance ↔ redshift relation it needs.

#include "stats/power_spectrum.h"

#include <optional>
#include <vector>

namespace rs {

/// Flat ΛCDM (radiation neglected). Defaults: classic 21cmFAST's and the simulator's cosmology.
struct DistanceCosmology {
    double h = 0.68;
    double omegaM = 0.31;
    /// H(z) [km/s/Mpc].
    double hubble(double z) const;
    /// Comoving distance to z [Mpc]. Throws ParameterError for z < 0 or z > 1100.
    double comovingDistance(double z) const;
    /// The z at comoving distance d [Mpc] (inverse of comovingDistance, bisection).
    double redshiftAt(double distanceMpc) const;
};

struct LightconeChunk {
    std::size_t firstCell = 0, cells = 0; ///< along the line of sight
    std::optional<double> redshift; ///< of the chunk's centre (when the lightcone's first slice's z is known)
    PowerSpectrum spectrum;
};

/// Splits `lightcone` along axis 2 into whole chunks of `chunkCells` cells (a rest shorter than
/// that is left out) and gives each chunk's Δ²(k) (bins: 0 classic, N log). The cube's redshift is
/// taken as that of its first slice (py21cmfast's lightcones: the lowest z). Throws ParameterError
/// when chunkCells is 0 or longer than the line of sight; FormatError for NaN/Inf voxels.
std::vector<LightconeChunk> lightconeChunks(
    const Cube& lightcone, std::size_t chunkCells, int bins = 0, const DistanceCosmology& cosmology = {});

} // namespace rs

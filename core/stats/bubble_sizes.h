#pragma once
/// \file bubble_sizes.h
/// Ionized-region ("bubble") size distributions of a neutral-fraction cube, the two measures of
/// the literature (as tools21cm): a cell is ionized when x_HI < threshold (0.5 by default).
/// - Mean free path (Mesinger & Furlanetto 2007): rays from random points of random ionized
///   cells in random isotropic directions, each to the first neutral cell it enters (periodic
///   box, exact cell traversal); the distribution of ray lengths R is given as R dP/dR on log
///   bins, and its mean. For one sphere of radius R this mean is 3R/4 (the mean distance from a
///   uniform interior point to the surface along a uniform direction).
/// - Friends of friends: connected ionized regions (cells sharing a face, periodic), with their
///   volumes; a single sphere is one region of its volume.

#include "cube/cube.h"
#include "util/progress.h"

#include <cstdint>
#include <vector>

namespace rs {

struct MfpOptions {
    std::size_t rays = 1000000;
    std::uint64_t seed = 1;
    double threshold = 0.5;
    int bins = 40; ///< log bins of R from a quarter of the smallest cell to maxLength
    double maxLength = 0; ///< longest ray [Mpc]; 0: the largest box side. Longer rays are dropped
    int threads = 0; ///< 0: hardware threads (the result does not depend on it)
};

struct MeanFreePath {
    std::vector<double> r; ///< bin centres (geometric) [Mpc]
    std::vector<double> rdPdR; ///< R dP/dR = dP/d ln R of each bin (fraction of rays per unit ln R)
    double mean = 0; ///< mean ray length [Mpc] (NaN when no ray ended)
    std::size_t rays = 0; ///< rays cast
    std::size_t truncated = 0; ///< rays that met no neutral cell within maxLength (not in r, mean)
    std::size_t shortRays = 0; ///< ended rays shorter than the first bin (in mean, not in r)
};

/// Mean free path distribution of `xhi` (any shape; cells may be non-cubic). No ionized cell:
/// an empty result (rays = 0). Throws ParameterError for an empty cube, rays = 0, bins < 1 or a
/// threshold outside (0, 1]; CancelledError when stopped.
MeanFreePath meanFreePath(const Cube& xhi, const MfpOptions& options = {}, const StopToken& stop = {});

struct FofRegions {
    std::vector<double> volumes; ///< every connected ionized region's volume [Mpc³], largest first
    double largest = 0; ///< largest volume [Mpc³] (0 without ionized cells)
    double ionizedVolume = 0; ///< total ionized volume [Mpc³]
    std::vector<double> v; ///< log-bin centres of the volume distribution [Mpc³]
    std::vector<double> vdPdV; ///< V dP/dV: fraction of the ionized volume per unit ln V in regions of volume V
};

/// Friends-of-friends regions of `xhi` (6-connected, periodic). Throws ParameterError for an
/// empty cube or a threshold outside (0, 1].
FofRegions friendsOfFriends(const Cube& xhi, double threshold = 0.5);

} // namespace rs

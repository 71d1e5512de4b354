#pragma once
/// \file param_grid.h
/// A sweep of the built-in simulator over a grid of parameters (seeds × ζ or f_esc × T_vir or
/// M_min × R_max), expanded into points in one fixed order, so that a cluster job array can split
/// the list with rs::Shard and every point is simulated exactly once.

#include "sim/simulation_params.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rs {

struct SimulationSweep {
    SimulationParams base; ///< grid, box, redshifts, filter, cosmology, threads...
    std::vector<std::uint64_t> seeds; ///< at least one
    std::vector<double> zetas; ///< ionizing efficiencies, or
    std::vector<double> fescs; ///< escape fractions (exactly one of the two lists is non-empty)
    std::vector<double> tvirs; ///< minimum virial temperatures [K], or
    std::vector<double> mmins; ///< minimum source masses [Msun] (both empty: base's M_min)
    std::vector<double> rmaxs; ///< mean free paths [Mpc] (empty: base's R_max)
};

struct SweepPoint {
    std::size_t index = 0; ///< position in the whole sweep
    std::string label; ///< folder name: "zeta20_seed1", "fesc0.1_tvir5e+04_seed3", ...
    SimulationParams params;
};

/// Every point of the sweep: for each seed, each ζ (f_esc), each T_vir (M_min), each R_max. The
/// label names the source parameter and the seed always, T_vir/M_min and R_max when they take
/// more than one value. Throws ParameterError when a list is empty or names a value twice (a
/// point would be done twice), when both ζ and f_esc or both T_vir and M_min are given, or when a
/// point's parameters are invalid (SimulationParams::validate, checked for every point before any
/// work).
std::vector<SweepPoint> expandSweep(const SimulationSweep& sweep);

/// Parses a seed list: "3", "1,4,9", "1-3", "1-3,10-12". Throws ParameterError("seeds", ...) for
/// anything else, a descending range or a seed listed twice.
std::vector<std::uint64_t> parseSeedList(const std::string& text);

} // namespace rs

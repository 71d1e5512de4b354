#pragma once
/// \file sim_sources.h
/// Dataset sources straight from the built-in simulator over a parameter grid (redshifts × ζ ×
/// seeds, or with the v2 source model redshifts × F_ESC10 × seeds). One set of initial conditions
/// per seed serves every z and ζ of that seed; the seed is the realization key, so a split by
/// simulation keeps each seed's cubes together. No LibTorch.

#include "ml/dataset.h"
#include "sim/simulation_params.h"

#include <vector>

namespace rs::ml {

struct SimulationGrid {
    SimulationParams base; ///< grid size, box, astrophysics; redshifts/zeta/seed are overridden
    std::vector<double> redshifts;
    std::vector<double> zetas; ///< constant sources (base.sources Constant)
    /// v2 source model (base.sources ParkV2): the F_ESC10 values; base.park holds the others.
    std::vector<double> fescs;
    std::vector<std::uint64_t> seeds;
};

/// One source per (seed, z, ζ), in that order; each load() simulates lazily (the cubes of all ζ
/// at one (seed, z) are made in one pass and handed out one by one). With the v2 source model one
/// source per (seed, F_ESC10, z): each (seed, F_ESC10) runs one history from base.park.zStart down
/// to the lowest z and keeps the cubes of every z of the grid until the next one starts; the cubes
/// carry f_esc = F_ESC10 and ζ = N_γ f_*10 F_ESC10 (the labels). The sampled quantity is set
/// by DatasetBuildOptions::quantity via `quantity`; `target` (paired datasets) sets each
/// source's loadTarget to the cube of that quantity. Throws ParameterError for an empty grid or
/// invalid simulation parameters (checked before any work).
std::vector<DatasetSource> sourcesFromSimulator(
    const SimulationGrid& grid, Quantity quantity, std::optional<Quantity> target = std::nullopt);

/// sourcesFromSimulator with δT_b's velocity terms (classic delta_T_v3) chosen by name, as
/// `dataset build --velocities` and the studio's dataset panel offer them: "off", "on", or "both"
/// (every source twice, without and then with them; the two get their own ids). Overrides
/// grid.base.velocities. Throws ParameterError("velocities", ...) for another name.
std::vector<DatasetSource> sourcesFromSimulator(const SimulationGrid& grid, Quantity quantity,
    const std::string& velocities, std::optional<Quantity> target = std::nullopt);

} // namespace rs::ml

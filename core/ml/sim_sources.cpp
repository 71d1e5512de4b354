#include "ml/sim_sources.h"

#include "sim/simulator.h"
#include "util/error.h"

#include <map>
#include <memory>

namespace rs::ml {

namespace {

/// Shared by the sources of one grid: the current seed's simulator and the current (seed, z)'s
/// cubes for every ζ. buildDataset loads sources in order, so each is simulated once.
struct SimCache {
    SimulationGrid grid;
    std::uint64_t seed = 0;
    double z = -1;
    std::unique_ptr<Simulator> sim;
    std::vector<SimulatedRedshift> results;

    const SimulatedRedshift& get(std::uint64_t s, double zz, std::size_t zetaIndex)
    {
        if (!sim || s != seed) {
            sim.reset();
            results.clear();
            SimulationParams p = grid.base;
            p.seed = s;
            p.redshifts = grid.redshifts;
            p.zeta = grid.zetas.front();
            sim = std::make_unique<Simulator>(p);
            seed = s;
            z = -1;
        }
        if (results.empty() || zz != z) {
            results = sim->ionize(zz, grid.zetas);
            z = zz;
        }
        return results.at(zetaIndex);
    }
};

} // namespace

namespace {

const Cube& cubeOf(const SimulatedRedshift& r, Quantity q)
{
    return q == Quantity::Density        ? r.density
        : q == Quantity::NeutralFraction ? r.neutralFraction
                                         : r.brightnessTemperature;
}

} // namespace

std::vector<DatasetSource> sourcesFromSimulator(
    const SimulationGrid& grid, Quantity quantity, std::optional<Quantity> target)
{
    if (grid.redshifts.empty() || grid.zetas.empty() || grid.seeds.empty())
        throw ParameterError("grid", "needs at least one redshift, one zeta and one seed");
    SimulationParams check = grid.base;
    check.redshifts = grid.redshifts;
    for (double zeta : grid.zetas) {
        check.zeta = zeta;
        check.validate();
    }
    auto cache = std::make_shared<SimCache>();
    cache->grid = grid;
    std::vector<DatasetSource> out;
    for (std::uint64_t seed : grid.seeds)
        for (double z : grid.redshifts)
            for (std::size_t k = 0; k < grid.zetas.size(); ++k) {
                DatasetSource s;
                char buf[128];
                std::snprintf(buf, sizeof buf, "sim:N%zu_L%g_z%g_zeta%g_seed%llu%s", grid.base.dim, grid.base.boxMpc, z,
                    grid.zetas[k], static_cast<unsigned long long>(seed), grid.base.velocities ? "_vel" : "");
                s.id = buf;
                s.group = "seed=" + std::to_string(seed);
                s.load = [cache, seed, z, k, quantity]() -> std::pair<Cube, std::optional<Cube>> {
                    const SimulatedRedshift& r = cache->get(seed, z, k);
                    return {cubeOf(r, quantity), r.neutralFraction};
                };
                if (target)
                    s.loadTarget = [cache, seed, z, k, q = *target]() { return cubeOf(cache->get(seed, z, k), q); };
                out.push_back(std::move(s));
            }
    return out;
}

} // namespace rs::ml

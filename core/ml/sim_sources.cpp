#include "ml/sim_sources.h"

#include "sim/simulator.h"
#include "util/error.h"

#include <map>
#include <memory>

namespace rs::ml {

namespace {

/// Shared by the sources of one grid. Constant ζ: the current seed's simulator and the current
/// (seed, z)'s cubes for every ζ. v2: the current (seed, F_ESC10)'s history, every z of the grid.
/// buildDataset loads sources in order, so each is simulated once.
struct SimCache {
    SimulationGrid grid;
    std::uint64_t seed = 0;
    double z = -1;
    std::unique_ptr<Simulator> sim;
    std::vector<SimulatedRedshift> results;
    std::optional<std::pair<std::uint64_t, std::size_t>> history; ///< (seed, F_ESC10 index) of `byRedshift`
    std::map<double, SimulatedRedshift> byRedshift;

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

    /// The v2 cubes at zz of seed s and the grid's fescIndex-th F_ESC10: one history from the start
    /// redshift down to the grid's lowest z, run when (s, fescIndex) changes.
    const SimulatedRedshift& getV2(std::uint64_t s, double zz, std::size_t fescIndex)
    {
        const std::pair<std::uint64_t, std::size_t> key {s, fescIndex};
        if (history != key) {
            byRedshift.clear();
            history.reset();
            simulateEach(paramsV2(grid, s, fescIndex), [this](SimulatedRedshift&& r) {
                const double at = r.z;
                byRedshift.emplace(at, std::move(r));
            });
            history = key;
        }
        return byRedshift.at(zz);
    }

    static SimulationParams paramsV2(const SimulationGrid& g, std::uint64_t s, std::size_t fescIndex)
    {
        SimulationParams p = g.base;
        p.sources = SourceModel::ParkV2;
        p.zeta.reset();
        p.fesc.reset();
        p.park.fEsc10 = g.fescs.at(fescIndex);
        p.seed = s;
        p.redshifts = g.redshifts;
        return p;
    }
};

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
    const bool v2 = grid.base.sources == SourceModel::ParkV2;
    const std::vector<double>& points = v2 ? grid.fescs : grid.zetas;
    if (grid.redshifts.empty() || points.empty() || grid.seeds.empty())
        throw ParameterError("grid",
            v2 ? "needs at least one redshift, one F_ESC10 and one seed"
               : "needs at least one redshift, one zeta and one seed");
    for (std::size_t k = 0; k < points.size(); ++k) {
        SimulationParams check = v2 ? SimCache::paramsV2(grid, grid.seeds.front(), k) : grid.base;
        check.redshifts = grid.redshifts;
        if (!v2)
            check.zeta = points[k];
        check.validate();
    }
    auto cache = std::make_shared<SimCache>();
    cache->grid = grid;
    auto getter = [cache, v2](std::uint64_t seed, double z, std::size_t k) -> const SimulatedRedshift& {
        return v2 ? cache->getV2(seed, z, k) : cache->get(seed, z, k);
    };
    std::vector<DatasetSource> out;
    auto add = [&](std::uint64_t seed, double z, std::size_t k) {
        DatasetSource s;
        char buf[160];
        std::snprintf(buf, sizeof buf, "sim:N%zu_L%g_z%g_%s%g_seed%llu%s", grid.base.dim, grid.base.boxMpc, z,
            v2 ? "v2_fesc10_" : "zeta", points[k], static_cast<unsigned long long>(seed),
            grid.base.velocities ? "_vel" : "");
        s.id = buf;
        s.group = "seed=" + std::to_string(seed);
        s.load = [getter, seed, z, k, quantity]() -> std::pair<Cube, std::optional<Cube>> {
            const SimulatedRedshift& r = getter(seed, z, k);
            return {cubeOf(r, quantity), r.neutralFraction};
        };
        if (target)
            s.loadTarget = [getter, seed, z, k, q = *target]() { return cubeOf(getter(seed, z, k), q); };
        out.push_back(std::move(s));
    };
    // Constant ζ: (seed, z, ζ), all ζ of one (seed, z) from one filter pass. v2: (seed, F_ESC10, z),
    // every z of one history in a row.
    for (std::uint64_t seed : grid.seeds)
        for (std::size_t a = 0; a < (v2 ? points.size() : grid.redshifts.size()); ++a)
            for (std::size_t b = 0; b < (v2 ? grid.redshifts.size() : points.size()); ++b)
                v2 ? add(seed, grid.redshifts[b], a) : add(seed, grid.redshifts[a], b);
    return out;
}

std::vector<DatasetSource> sourcesFromSimulator(
    const SimulationGrid& grid, Quantity quantity, const std::string& velocities, std::optional<Quantity> target)
{
    if (velocities != "off" && velocities != "on" && velocities != "both")
        throw ParameterError("velocities", "'" + velocities + "' is not one of off, on, both");
    SimulationGrid g = grid;
    g.base.velocities = velocities == "on";
    std::vector<DatasetSource> out = sourcesFromSimulator(g, quantity, target);
    if (velocities == "both") {
        g.base.velocities = true;
        for (DatasetSource& s : sourcesFromSimulator(g, quantity, target))
            out.push_back(std::move(s));
    }
    return out;
}

} // namespace rs::ml

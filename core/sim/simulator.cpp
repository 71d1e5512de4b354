#include "sim/simulator.h"

#include "numerics/fft_grid.h"
#include "sim/brightness.h"
#include "sim/cosmology.h"
#include "sim/initial_conditions.h"
#include "sim/ionization.h"
#include "sim/reionization_history.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace rs {

namespace {

class Stopwatch {
public:
    explicit Stopwatch(double* sink)
        : m_sink(sink)
        , m_start(std::chrono::steady_clock::now())
    { }
    ~Stopwatch()
    {
        if (m_sink)
            *m_sink += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

private:
    double* m_sink;
    std::chrono::steady_clock::time_point m_start;
};

double* slot(SimulationTimings* t, double SimulationTimings::*member)
{
    return t ? &(t->*member) : nullptr;
}

double meanOf(const Cube& c)
{
    double sum = 0;
    const float* d = c.data();
    const std::size_t n = c.voxelCount();
    for (std::size_t i = 0; i < n; ++i)
        sum += d[i];
    return sum / double(n);
}

/// The v2 history up to z on one density cube: earlier steps use it scaled by linear growth,
/// D(z')/D(z) (δ ≥ −1), since a single cube carries no history of its own.
Cube historyOnFixedDensity(const Cube& density, double z, const SimulationParams& params,
    const LinearCosmology& cosmology, const fft::Plans& plans, const ProgressFn& progress, const StopToken& stop)
{
    ReionizationHistory history(params, cosmology, plans);
    const std::vector<double> zs = ReionizationHistory::schedule(params.park, {z});
    Cube scaled = density;
    Cube out;
    for (std::size_t i = 0; i < zs.size(); ++i) {
        const float ratio = float(cosmology.growth(zs[i]) / cosmology.growth(z));
        const float* src = density.data();
        float* dst = scaled.mutableData();
        for (std::size_t c = 0; c < density.voxelCount(); ++c)
            dst[c] = std::max(-1.0f + 1e-6f, src[c] * ratio);
        out = history.step(
            scaled, zs[i], subProgress(progress, double(i) / zs.size(), double(i + 1) / zs.size()), stop);
    }
    return out;
}

} // namespace

struct Simulator::State {
    std::unique_ptr<fft::Plans> plans;
    std::unique_ptr<InitialConditions> ic;
    bool released = false;
    std::optional<double> cachedZ;
    Cube cachedDensity;
};

Simulator::Simulator(
    const SimulationParams& params, const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
    : m_params(params)
{
    m_params.validate();
    Stopwatch watch(slot(timings, &SimulationTimings::initialConditions));
    m_cosmology = std::make_unique<LinearCosmology>(m_params.cosmology);
    m_state = std::make_unique<State>();
    m_state->plans = std::make_unique<fft::Plans>(m_params.dim, m_params.threadCount());
    m_state->ic = std::make_unique<InitialConditions>(m_params, *m_cosmology, *m_state->plans, progress, stop);
}

Simulator::~Simulator() = default;

Cube Simulator::density(double z, const StopToken& stop, SimulationTimings* timings)
{
    if (!(z >= 0) || !std::isfinite(z))
        throw ParameterError("z", "redshift must be ≥ 0");
    if (m_state->cachedZ && *m_state->cachedZ == z)
        return m_state->cachedDensity;
    if (m_state->released)
        throw Error("simulator: the displacement fields were released; density(z) for a new z is no longer possible");
    Stopwatch watch(slot(timings, &SimulationTimings::evolution));
    m_state->cachedDensity = Cube(); // free the previous one first (a caller's copy still holds it)
    m_state->cachedZ.reset();
    Cube d = m_state->ic->evolvedDensity(z, stop);
    m_state->cachedZ = z;
    m_state->cachedDensity = d;
    return d;
}

void Simulator::releaseDisplacements()
{
    // InitialConditions keeps ψ; rebuilding just the velocity part is not possible, so keep the
    // velocity gradient field by moving it out first.
    m_state->released = true;
    m_state->cachedZ.reset();
    m_state->cachedDensity = Cube();
    m_state->ic->releaseDisplacements();
}

std::size_t Simulator::bytes() const
{
    return m_state->ic->bytes();
}

std::vector<SimulatedRedshift> Simulator::ionize(double z, const std::vector<double>& zetas, const ProgressFn& progress,
    const StopToken& stop, SimulationTimings* timings)
{
    const Cube d = density(z, stop, timings);
    return ionize(d, z, zetas, progress, stop, timings);
}

SimulatedRedshift Simulator::ionize(
    double z, const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
{
    return ionize(z, std::vector<double> {m_params.effectiveZeta()}, progress, stop, timings).front();
}

std::vector<SimulatedRedshift> Simulator::ionize(const Cube& density, double z, const std::vector<double>& zetas,
    const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
{
    if (!(z >= 0) || !std::isfinite(z))
        throw ParameterError("z", "redshift must be ≥ 0");
    if (density.empty() || density.shape() != Shape {m_params.dim, m_params.dim, m_params.dim})
        throw ParameterError(
            "density", "needs the simulator's own " + std::to_string(m_params.dim) + "^3 density cube");
    if (m_params.sources == SourceModel::ParkV2)
        throw ParameterError("sources", "the v2 source model needs its history: use simulate()/simulateEach()");
    std::vector<Cube> xh;
    {
        Stopwatch watch(slot(timings, &SimulationTimings::ionization));
        xh = rs::ionize(
            density, z, zetas, m_params, *m_cosmology, *m_state->plans, subProgress(progress, 0.0, 0.95), stop);
    }
    stop.throwIfStopped();
    Stopwatch watch(slot(timings, &SimulationTimings::brightness));
    const Cube gradient = m_params.velocities ? m_state->ic->velocityGradient(z) : Cube();
    std::vector<SimulatedRedshift> out = assembleResults(density, xh, z, zetas, m_params, gradient);
    if (progress)
        progress(1.0, "done");
    return out;
}

std::vector<SimulatedRedshift> assembleResults(const Cube& density, const std::vector<Cube>& xh, double z,
    const std::vector<double>& zetas, const SimulationParams& params, const Cube& gradient, const Parameters& extra)
{
    std::vector<SimulatedRedshift> out;
    for (std::size_t q = 0; q < zetas.size(); ++q) {
        SimulatedRedshift r;
        r.z = z;
        r.neutralFraction = xh[q];
        r.brightnessTemperature
            = brightnessTemperature(density, xh[q], z, params.cosmology, gradient, params.threadCount());
        r.density = density;
        r.nf = meanOf(r.neutralFraction);
        r.meanTb = meanOf(r.brightnessTemperature);

        SimulationParams p = params;
        p.zeta = zetas[q];
        Parameters meta = p.toParameters();
        if (params.fesc && !params.zeta) { // keep the escape-fraction view of ζ
            meta[param::fesc] = zetas[q] / (params.nGamma * params.fStar);
            meta[param::fstar] = params.fStar;
            meta["n_gamma"] = params.nGamma;
        }
        if (params.tVir)
            meta["m_min_at_z"] = params.minimumMass(z);
        for (const auto& [key, value] : extra)
            meta[key] = value;
        auto stamp = [&](Cube& c, bool withNf) {
            CubeMetadata& m = c.metadata();
            m.redshift = z;
            m.sourceFormat = "simulator";
            m.sourcePath.clear();
            m.sourceDataset.clear();
            m.parameters = meta;
            if (withNf)
                m.parameters[param::nf] = r.nf;
        };
        stamp(r.density, false);
        stamp(r.neutralFraction, true);
        stamp(r.brightnessTemperature, true);
        if (!gradient.empty())
            r.brightnessTemperature.metadata().parameters[param::velocityAxis] = std::int64_t(3);
        r.brightnessTemperature.metadata().parameters["mean_tb"] = r.meanTb;
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<SimulatedRedshift> ionizeDensity(const Cube& density, double z, const std::vector<double>& zetas,
    SimulationParams params, const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
{
    const Shape s = density.shape();
    if (density.empty() || s[0] != s[1] || s[1] != s[2])
        throw ParameterError("density", "needs a cube with N^3 cells (equal sides)");
    const auto box = density.boxLength();
    if (!(box[0] > 0) || std::abs(box[1] / box[0] - 1) > 1e-6 || std::abs(box[2] / box[0] - 1) > 1e-6)
        throw ParameterError("density", "needs a box of equal side lengths");
    params.dim = s[0];
    params.boxMpc = box[0];
    params.redshifts = {z};
    params.validate();
    const LinearCosmology cosmology(params.cosmology);
    const fft::Plans plans(params.dim, params.threadCount());
    std::vector<Cube> xh;
    {
        Stopwatch watch(slot(timings, &SimulationTimings::ionization));
        if (params.sources == SourceModel::ParkV2)
            xh = {historyOnFixedDensity(density, z, params, cosmology, plans, progress, stop)};
        else
            xh = rs::ionize(density, z, zetas, params, cosmology, plans, subProgress(progress, 0.0, 0.95), stop);
    }
    stop.throwIfStopped();
    Stopwatch watch(slot(timings, &SimulationTimings::brightness));
    const Cube gradient = params.velocities ? linearVelocityGradient(density, z, cosmology, plans) : Cube();
    auto out = assembleResults(density, xh, z, zetas, params, gradient);
    if (progress)
        progress(1.0, "done");
    return out;
}

void Simulator::simulateHistory(const SimulationParams& params, const std::function<void(SimulatedRedshift&&)>& sink,
    const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
{
    Simulator sim(params, subProgress(progress, 0.0, 0.1), stop, timings);
    ReionizationHistory history(sim.m_params, *sim.m_cosmology, *sim.m_state->plans);
    const std::vector<double> zs = ReionizationHistory::schedule(params.park, params.redshifts);
    for (std::size_t i = 0; i < zs.size(); ++i) {
        const double z = zs[i];
        const Cube density = sim.density(z, stop, timings);
        Cube xh;
        {
            Stopwatch watch(slot(timings, &SimulationTimings::ionization));
            xh = history.step(
                density, z, subProgress(progress, 0.1 + 0.9 * i / zs.size(), 0.1 + 0.9 * (i + 1) / zs.size()), stop);
        }
        if (std::find(params.redshifts.begin(), params.redshifts.end(), z) == params.redshifts.end())
            continue;
        history.releaseBuffers(); // the outputs' room (the next step makes them again)
        Stopwatch watch(slot(timings, &SimulationTimings::brightness));
        const Cube gradient = params.velocities ? sim.m_state->ic->velocityGradient(z) : Cube();
        auto results = assembleResults(density, {xh}, z, {params.effectiveZeta()}, params, gradient);
        sink(std::move(results.front()));
    }
    if (progress)
        progress(1.0, "simulation done");
}

void simulateEach(const SimulationParams& params, const std::function<void(SimulatedRedshift&&)>& sink,
    const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
{
    params.validate();
    if (params.sources == SourceModel::ParkV2) {
        Simulator::simulateHistory(params, sink, progress, stop, timings);
        return;
    }
    const std::size_t nz = params.redshifts.size();
    // Progress budget: initial conditions 10 %, each redshift an equal share of the rest.
    Simulator sim(params, subProgress(progress, 0.0, 0.1), stop, timings);
    // Memory: with few redshifts, evolve them all first and drop the three displacement fields
    // before ionizing (peak ≈ 4-5 cubes for one z); with many, keep the displacements instead of
    // many densities.
    const bool evolveFirst = nz <= 3;
    std::vector<Cube> densities(nz);
    if (evolveFirst) {
        for (std::size_t i = 0; i < nz; ++i)
            densities[i] = sim.density(params.redshifts[i], stop, timings);
        sim.releaseDisplacements();
    }
    for (std::size_t i = 0; i < nz; ++i) {
        const double begin = 0.1 + 0.9 * double(i) / double(nz);
        const double end = 0.1 + 0.9 * double(i + 1) / double(nz);
        const double z = params.redshifts[i];
        Cube density = evolveFirst ? std::move(densities[i]) : sim.density(z, stop, timings);
        densities[i] = Cube();
        auto results
            = sim.ionize(density, z, {params.effectiveZeta()}, subProgress(progress, begin, end), stop, timings);
        density = Cube();
        sink(std::move(results.front()));
    }
    if (progress)
        progress(1.0, "simulation done");
}

std::vector<SimulatedRedshift> simulate(
    const SimulationParams& params, const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings)
{
    std::vector<SimulatedRedshift> out;
    simulateEach(
        params, [&](SimulatedRedshift&& r) { out.push_back(std::move(r)); }, progress, stop, timings);
    return out;
}

} // namespace rs

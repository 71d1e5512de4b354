#pragma once
/// \file simulator.h
/// The built-in semi-numerical reionization simulator: Gaussian initial conditions, Zel'dovich
/// evolution to each redshift, excursion-set ionization and 21cm brightness temperature (the
/// classic 21cmFAST v1/v2 method, see ../shared/ref/reionization-physics.md and the headers
/// cosmology.h, initial_conditions.h, ionization.h, brightness.h for the details).
///
/// Quick use: `auto zs = rs::simulate(params);`. To run many ζ on one set of initial conditions
/// (demo grids, ML datasets), keep a Simulator and call ionize(z, {ζ1, ζ2, ...}): the filter pass
/// over all radii is shared, each extra ζ costs one threshold pass per radius.

#include "cube/cube.h"
#include "sim/simulation_params.h"
#include "util/progress.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace rs {

class LinearCosmology;

/// The three cubes of one redshift and one ζ, with their box means. Cubes carry full metadata
/// (sourceFormat "simulator", SimulationParams::toParameters() with this ζ; x_HI and δT_b also nf,
/// δT_b with velocities velocity_axis = 3).
struct SimulatedRedshift {
    double z = 0;
    Cube density, neutralFraction, brightnessTemperature;
    double nf = 0; ///< box mean of x_HI
    double meanTb = 0; ///< box mean of δT_b [mK]
};

/// Wall-clock seconds spent per stage (accumulated over calls).
struct SimulationTimings {
    double initialConditions = 0;
    double evolution = 0;
    double ionization = 0;
    double brightness = 0;
    double total() const { return initialConditions + evolution + ionization + brightness; }
};

class Simulator {
public:
    /// Validates the parameters (ParameterError before any work) and draws the initial
    /// conditions. Throws CancelledError when stopped.
    explicit Simulator(const SimulationParams& params, const ProgressFn& progress = {}, const StopToken& stop = {},
        SimulationTimings* timings = nullptr);
    ~Simulator();
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    const SimulationParams& params() const { return m_params; }
    const LinearCosmology& cosmology() const { return *m_cosmology; }

    /// The evolved density at z (the most recent one is cached). Throws ParameterError for z < 0,
    /// Error after releaseDisplacements(), CancelledError.
    Cube density(double z, const StopToken& stop = {}, SimulationTimings* timings = nullptr);

    /// The three cubes at z for each ζ of `zetas` (in order), sharing one pass over the radii.
    /// Throws ParameterError (ζ ≤ 0, z < 0), CancelledError.
    std::vector<SimulatedRedshift> ionize(double z, const std::vector<double>& zetas, const ProgressFn& progress = {},
        const StopToken& stop = {}, SimulationTimings* timings = nullptr);
    /// Same for the parameters' own ζ.
    SimulatedRedshift ionize(
        double z, const ProgressFn& progress = {}, const StopToken& stop = {}, SimulationTimings* timings = nullptr);
    /// Same on a density cube made earlier by density(z) (after releaseDisplacements()).
    std::vector<SimulatedRedshift> ionize(const Cube& density, double z, const std::vector<double>& zetas,
        const ProgressFn& progress = {}, const StopToken& stop = {}, SimulationTimings* timings = nullptr);

    /// Frees the displacement fields (keeps what velocities need) to lower the memory peak once
    /// every density that will be used has been made.
    void releaseDisplacements();

    /// Bytes held by the initial conditions.
    std::size_t bytes() const;

    /// The v2 source model's run: a history from params.park.zStart down (ReionizationHistory),
    /// each requested z handed to `sink` from high to low z. Throws as simulateEach().
    static void simulateHistory(const SimulationParams& params, const std::function<void(SimulatedRedshift&&)>& sink,
        const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings);

private:
    struct State;
    SimulationParams m_params;
    std::unique_ptr<LinearCosmology> m_cosmology;
    std::unique_ptr<State> m_state;
};

/// The three cubes for each ζ from a density cube `density` (x_HI by ionize(), δT_b, metadata with
/// `params` and `extra`); `gradient` ((dv/dr)/H) may be empty. Throws ParameterError for mismatched
/// shapes.
std::vector<SimulatedRedshift> assembleResults(const Cube& density, const std::vector<Cube>& xh, double z,
    const std::vector<double>& zetas, const SimulationParams& params, const Cube& gradient = {},
    const Parameters& extra = {});

/// Ionizes a given density contrast cube (any N³ cube of equal sides, e.g. 21cmFAST's
/// updated_smoothed_deltax) at z with the simulator's ionization and δT_b; the grid (dim, box) is the
/// cube's, the other parameters come from `params`. With params.velocities the line-of-sight gradient
/// is the linear-theory one of this density. Throws ParameterError (a cube that is not N³, bad
/// parameters), CancelledError.
std::vector<SimulatedRedshift> ionizeDensity(const Cube& density, double z, const std::vector<double>& zetas,
    SimulationParams params, const ProgressFn& progress = {}, const StopToken& stop = {},
    SimulationTimings* timings = nullptr);

/// Runs the simulation and hands each redshift to `sink` as soon as it is done, in the order of
/// params.redshifts (with the v2 source model: from high to low z, since it evolves a history), keeping memory bounded
/// (at most a few cubes besides what the sink keeps). Throws ParameterError (before any work), CancelledError, and
/// whatever `sink` throws.
void simulateEach(const SimulationParams& params, const std::function<void(SimulatedRedshift&&)>& sink,
    const ProgressFn& progress = {}, const StopToken& stop = {}, SimulationTimings* timings = nullptr);

/// Runs the whole simulation: the same initial conditions evolved to every redshift of `params`,
/// in the order given. Throws ParameterError (before any work), CancelledError.
std::vector<SimulatedRedshift> simulate(const SimulationParams& params, const ProgressFn& progress = {},
    const StopToken& stop = {}, SimulationTimings* timings = nullptr);

} // namespace rs

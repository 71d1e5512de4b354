#pragma once
/// \file reionization_history.h
/// Ionization with the 21cmFAST v2 source model (sources_v2.h), stepped from high to low redshift as
/// classic 21cmFAST's driver does: each step runs the excursion set of ionization.h with the
/// conditional photon budget of ParkSourceModel (normalised to its Sheth–Tormen mean) and, with
/// recombinations, the criterion ζ f ≥ 1 + n_rec (n_rec: recombinations per baryon accumulated in
/// each cell, filtered like the density); a newly ionized cell records the photoionization rate Γ12
/// of the largest radius that ionizes it and adds rate(z_eff, Γ12) |dt/dz| Δz to n_rec (only such
/// fully ionized cells recombine: partially ionized ones have no Γ12).

#include "cube/cube.h"
#include "numerics/fft_grid.h"
#include "sim/cosmology.h"
#include "sim/simulation_params.h"
#include "util/progress.h"

#include <memory>
#include <optional>
#include <vector>

namespace rs {

class RecombinationTable;

class ReionizationHistory {
public:
    /// Throws ParameterError unless params.sources is ParkV2.
    ReionizationHistory(const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans);
    ~ReionizationHistory();

    /// Advances the history to z (below the previous step's z) on this step's evolved density and
    /// returns x_HI. Throws ParameterError (z not below the previous step, wrong grid),
    /// CancelledError.
    Cube step(const Cube& density, double z, const ProgressFn& progress = {}, const StopToken& stop = {});

    /// Frees the grids that steps keep between calls (4 padded N³ grids); the next step makes them
    /// again. For the moments between steps where memory is needed elsewhere (writing outputs).
    void releaseBuffers();

    /// The redshifts a history visits to reach every z of `targets`: zStart, zStart − zStep, ...,
    /// with each target inserted, from high to low, ending at the lowest target.
    static std::vector<double> schedule(const ParkSources& park, std::vector<double> targets);

private:
    SimulationParams m_params;
    const LinearCosmology* m_cosmology;
    const fft::Plans* m_plans;
    std::size_t m_n;
    std::optional<double> m_previousZ;
    std::vector<float> m_nrec; ///< recombinations per baryon, accumulated
    bool m_nrecNonzero = false; ///< whether any cell of m_nrec is non-zero yet
    std::unique_ptr<RecombinationTable> m_rates;
    fft::Grid m_deltaK, m_work, m_nrecK, m_nrecWork; ///< the step's working grids, kept between steps

    /// Recombinations per baryon over a step Δz (|dt/dz| `dtdz` [s]) of a fully ionized cell at
    /// overdensity δ with Γ12 `gamma12`.
    float recombinationsOver(float delta, float gamma12, double z, double dtdz, double dz) const;
};

} // namespace rs

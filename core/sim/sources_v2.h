#pragma once
/// \file sources_v2.h
/// The Park et al. (2019) source model of classic 21cmFAST v2 and the sub-grid recombinations of
/// Sobacchi & Mesinger (2014), as physics formulas (no grids):
/// - a halo of mass M holds stars with probability exp(−M_turn/M) (duty cycle) and emits
///   N_γ f_*(M) f_esc(M) ionizing photons per baryon, f_*(M) = min(1, f_*10 (M/1e10)^α_*),
///   f_esc(M) = min(1, f_esc10 (M/1e10)^α_esc);
/// - the photons per baryon of a region, divided by ζ = N_γ f_*10 f_esc10, are
///   ∫ w(M) dF/dlnM dlnM with w(M) = (f_*(M)/f_*10)(f_esc(M)/f_esc10) exp(−M_turn/M) and F the
///   Sheth–Tormen mass fraction (box mean) or the extended Press–Schechter conditional fraction of a
///   sphere of mass M_R at evolved overdensity δ (cells, normalised to the Sheth–Tormen mean), from
///   M_turn/50 up;
/// - recombinations per baryon and second in an ionized cell: ∫ P(Δ) Δ² n̄_H α_B x_e(Δ)² dΔ over the
///   Miralda-Escudé, Haehnelt & Rees (2000) density PDF at the cell's effective redshift
///   (1+z)(1+δ)^(1/3) − 1, with self-shielding of the local photoionization rate (Rahmati et al. 2013)
///   and photoionization equilibrium, T = 1e4 K, case B.

#include "sim/cosmology.h"
#include "sim/simulation_params.h"

#include <vector>

namespace rs {

class ParkSourceModel {
public:
    /// Tables for redshift z. Throws ParameterError for invalid parameters.
    ParkSourceModel(const SimulationParams& params, const LinearCosmology& cosmology, double z);

    /// Mean ionizing photons per baryon over ζ (Sheth–Tormen): classic's Nion_ST.
    double meanShethTormen() const { return m_meanST; }
    /// Lowest halo mass counted [Msun] (M_turn / 50).
    double lowestMass() const { return m_lowMass; }

    /// Conditional photons per baryon over ζ of a sphere of mass `massR` at evolved overdensity δ,
    /// tabulated on `points` values of δ from −1 to δc (1 at and above δc). Returns the table; the
    /// δ of entry i is −1 + i·step.
    std::vector<float> conditionalTable(double massR, int points, double& step) const;

private:
    double weight(double mass) const;

    SimulationParams m_params;
    const LinearCosmology* m_cosmology;
    double m_z, m_growth, m_lowMass, m_meanST = 0;
};

/// Recombination rate per baryon [1/s] at effective redshift zEff for a background
/// photoionization rate gamma12 [1e-12 / s] (0 when gamma12 ≤ 0).
double recombinationRate(double zEff, double gamma12, const Cosmology& cosmology);

/// Tabulated recombinationRate on a (z, ln Γ12) grid for fast per-cell use.
class RecombinationTable {
public:
    /// Rows of z from 0 to zMax, made on `threads` threads (the same values for any count).
    explicit RecombinationTable(const Cosmology& cosmology, double zMax = 60.0, int threads = 1);
    double operator()(double zEff, double gamma12) const;

private:
    static constexpr double kDz = 0.2, kLnGammaMin = -10.0, kDLnGamma = 0.1;
    static constexpr int kGammaPoints = 150;
    int m_zPoints;
    std::vector<float> m_table; ///< [z][ln Γ]
};

} // namespace rs

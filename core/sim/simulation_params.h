#pragma once
/// \file simulation_params.h
/// Everything that defines one run of the built-in semi-numerical simulator: grid, redshifts,
/// astrophysics (ζ or f_esc, M_min or T_vir, R_max, filter), cosmology and seed. Defaults are
/// those of classic 21cmFAST v2 (see ../shared/ref/reionization-physics.md).

#include "cube/quantity.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rs {

/// The linear transfer function T(k).
enum class TransferFunction {
    /// Eisenstein & Hu (1999) fit for cold dark matter and baryons (no neutrinos, no baryon
    /// oscillations): what classic 21cmFAST uses (its TFmdm); the default.
    EisensteinHuNoWiggle,
    /// Eisenstein & Hu (1998) with baryon acoustic oscillations (ReionScope 1.0's choice).
    EisensteinHuBao,
};

/// Flat ΛCDM cosmology (classic 21cmFAST defaults).
struct Cosmology {
    double omegaM = 0.31; ///< total matter density Ω_m
    double omegaB = 0.048; ///< baryon density Ω_b
    double omegaL = 0.69; ///< cosmological constant Ω_Λ
    double h = 0.68; ///< H0 / (100 km/s/Mpc)
    double sigma8 = 0.81; ///< rms linear fluctuation in spheres of 8 Mpc/h at z = 0
    double ns = 0.97; ///< primordial spectral index
    TransferFunction transfer = TransferFunction::EisensteinHuNoWiggle;

    /// Throws ParameterError naming the parameter (omega_m, omega_b, h, sigma8, ns) when outside
    /// its physical range.
    void validate() const;
};

/// The filter that smooths the density field at each bubble radius R.
enum class IonizationFilter {
    SharpK, ///< k-space top-hat, modes with k·R·0.413566994 > 1 dropped (classic HII_FILTER 1, default)
    TopHat, ///< real-space spherical top-hat of radius R (classic HII_FILTER 0)
    Gaussian, ///< Gaussian with kR scaled by 0.643 (classic HII_FILTER 2)
};

/// Classic 21cmFAST's HII_FILTER number of a filter (0 top-hat, 1 sharp-k, 2 Gaussian).
int classicFilterNumber(IonizationFilter f);
/// "sharp-k", "tophat", "gauss".
std::string filterName(IonizationFilter f);
/// Inverse of filterName; also accepts "sharpk", "k", "top-hat", "gaussian" and 0/1/2.
/// Throws ParameterError("filter", ...) listing the allowed names.
IonizationFilter filterFromName(const std::string& name);

/// Where ionizing photons come from.
enum class SourceModel {
    Constant, ///< constant ionizing efficiency ζ above a sharp M_min (classic SHARP_CUTOFF 1)
    ParkV2, ///< 21cmFAST v2 default (Park et al. 2019): mass-dependent f_*, f_esc, duty cycle
};

/// The Park et al. (2019) source model of classic 21cmFAST v2 (defaults are its defaults).
struct ParkSources {
    double fStar10 = 0.05; ///< f_* of a 1e10 Msun halo
    double alphaStar = 0.5; ///< power-law index of f_*(M)
    double fEsc10 = 0.1; ///< f_esc of a 1e10 Msun halo
    double alphaEsc = -0.5; ///< power-law index of f_esc(M)
    double mTurn = 5e8; ///< duty-cycle turnover mass [Msun]: fraction exp(−M_turn/M) of haloes hold stars
    double tStar = 0.5; ///< star-formation time scale in Hubble times (sets Γ in HII regions)
    bool recombinations = true; ///< inhomogeneous sub-grid recombinations (Sobacchi & Mesinger 2014)
    double zStart = 20.0; ///< the history starts here (recombinations need it)
    double zStep = 0.2; ///< redshift step of the history (classic driver's ZSTEP)
};

/// "constant" or "v2".
std::string sourceModelName(SourceModel m);
/// Inverse of sourceModelName (also "park", "park19"). Throws ParameterError("sources", ...).
SourceModel sourceModelFromName(const std::string& name);

/// Version string recorded as `code_version` in every simulated cube.
inline constexpr const char* kSimulatorVersion = "ReionScope simulator 1.2";

struct SimulationParams {
    std::size_t dim = 64; ///< N: cells per axis
    double boxMpc = 96.0; ///< L: comoving box length [Mpc]
    std::vector<double> redshifts {8.0}; ///< each z evolves the same initial conditions
    /// Ionizing efficiency ζ. When unset, ζ = nGamma · fStar · fesc.
    std::optional<double> zeta = 20.0;
    std::optional<double> fesc; ///< escape fraction (used when zeta is unset)
    double nGamma = 5000.0; ///< ionizing photons per stellar baryon
    double fStar = 0.05; ///< star formation efficiency
    double mMin = 5e8; ///< minimum mass of ionizing sources [Msun]
    /// Minimum virial temperature [K]; when set it replaces mMin (M_min then depends on z).
    std::optional<double> tVir;
    double rMax = 50.0; ///< largest bubble radius (ionizing mean free path) [Mpc]
    IonizationFilter filter = IonizationFilter::SharpK;
    SourceModel sources = SourceModel::Constant;
    ParkSources park; ///< used with SourceModel::ParkV2 (ζ is then N_γ f_*10 f_esc10)
    Cosmology cosmology;
    std::uint64_t seed = 1;
    bool zeldovich = true; ///< Zel'dovich (1LPT) evolution; false: linear δ = D(z) δ_lin
    /// Order of the Lagrangian displacement with zeldovich: 1 (Zel'dovich only) or 2 (adds the
    /// second-order 2LPT term, as 21cmFAST's default SECOND_ORDER_LPT_CORRECTIONS / USE_2LPT; closer
    /// to 21cmFAST on a shared linear field, but see README: the v2 seed-mean δT_b power at z 7
    /// then exceeds the 15 % target).
    int lpt = 1;
    /// Smooth the initial field with a top-hat of the cell's radius (as classic 21cmFAST's init.c does
    /// before sampling its fine grid onto the output grid) and the evolved density with a Gaussian of
    /// 0.2 cells (its SMOOTH_EVOLVED_DENSITY_FIELD); false: the unsmoothed ReionScope 1.0 field.
    bool cellSmoothing = true;
    bool velocities = false; ///< δT_b with the velocity-gradient term along axis 2 (classic delta_T_v3)
    int threads = 0; ///< worker threads (FFTW and loops); 0: all hardware threads

    /// ζ used for ionization (zeta, or nGamma·fStar·fesc; with ParkV2 N_γ f_*10 f_esc10).
    double effectiveZeta() const;
    /// M_min at redshift z [Msun]: mMin, or the mass of a halo with virial temperature tVir.
    double minimumMass(double z) const;
    /// Threads to use (resolves 0 to the hardware count, at least 1).
    int threadCount() const;
    /// Bytes the simulator needs at most for one redshift (initial conditions plus working set).
    double estimatedPeakBytes() const;

    /// Checks every parameter before any work. Throws ParameterError naming the parameter and the
    /// allowed range: dim (8..2048, and a grid that fits in memory), box (> 0), redshifts (≥ 0,
    /// at least one, ≤ 1100), zeta / f_esc (> 0), m_min / t_vir (> 0), r_max (≥ one cell, > 0),
    /// cosmology, lpt (1 or 2), threads (≥ 0).
    void validate() const;

    /// The metadata every output cube carries: the JSON of to_json (the rs::param names) without
    /// what does not describe the run's model (redshifts, threads, velocities, the other source
    /// model's fields), with zeta = effectiveZeta(), use_ts = 0 and code_version.
    Parameters toParameters() const;
};

/// The one JSON form of SimulationParams (nlohmann ADL, simulation_params_json.cpp): every field,
/// flat, under the names its cubes' metadata use (hii_dim, box_len, redshifts, zeta, f_esc,
/// n_gamma, f_star, m_min, t_vir_min, r_max, hii_filter (0/1/2), sources, the v2 fields f_star10 …
/// z_step, the cosmology omega_m … n_s and transfer_function, random_seed, zeldovich, lpt,
/// density_assignment (classic/fast), velocities, threads); unset optionals are null.
void to_json(nlohmann::json& j, const SimulationParams& p);
/// Reads the keys present (absent ones keep their value; null clears an optional). Does not
/// validate() the values. Throws ParameterError naming an unknown key, a value of the wrong type,
/// or an unknown filter, source model, transfer function or density assignment.
void from_json(const nlohmann::json& j, SimulationParams& p);

/// Virial mass [Msun] of a halo with virial temperature tVir [K] at redshift z (Barkana & Loeb
/// 2001, mean molecular weight 1.22 below 1e4 K and 0.6 above, as classic 21cmFAST).
double virialMass(double tVir, double z, const Cosmology& c);

} // namespace rs

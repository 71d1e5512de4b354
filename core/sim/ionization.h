#pragma once
/// \file ionization.h
/// Excursion-set ionization (Furlanetto, Zaldarriaga & Hernquist 2004; classic 21cmFAST's
/// find_HII_bubbles without halos, spin temperature or recombinations) on an evolved density cube.
///
/// For R from R_max down by factors of 1.1 to the cell radius R_cell = 0.620350491·L/N:
///   δ_R = δ smoothed with the filter (one k-space copy of δ serves every R; FFTW plans are reused),
///   f_coll(x) = erfc((δc − δ_R) / (√2 D(z) √(σ²(M_min) − σ²(M_R)))) (1 where δ_R ≥ δc), σ at z = 0,
///   renormalised so its box mean is the Sheth–Tormen f_coll(>M_min, z),
///   a cell is ionized (x_HI = 0) when ζ f_coll ≥ 1 (centre-cell flagging).
/// At R_cell the field is not smoothed, and cells never flagged get x_HI = clip(1 − ζ f_coll, 0, 1).
/// Several ζ share one pass over the radii: only the flagging thresholds differ.

#include "cube/cube.h"
#include "numerics/fft_grid.h"
#include "sim/cosmology.h"
#include "sim/simulation_params.h"
#include "util/progress.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace rs {

/// Radius of the sphere with one cell's volume, in cells: (3 / 4π)^(1/3) (classic 21cmFAST's
/// L_FACTOR). The smallest filter radius, and the scale of sub-grid ionization, are set by it.
inline constexpr double kCellRadiusFactor = 0.620350491;

/// The filter radii [Mpc] used at redshift z, largest first; the last one is the cell radius (or
/// the Lagrangian radius of M_min when that is larger: smaller scales hold no sources).
std::vector<double> ionizationRadii(
    const SimulationParams& params, double minimumMass, const LinearCosmology& cosmology);

/// Fourier window of `filter` at radius R for wavenumber k (1 at k = 0).
double filterWindow(IonizationFilter filter, double k, double radius);

/// `out` = the real field of `fieldK` (an r2c transform, unnormalised) smoothed with `filter` at
/// `radius` [Mpc] in a box of side `box`: the window (divided by N³) applied in k-space, then the
/// backward transform (skipping the lines a band-limited filter leaves empty). `out` may be
/// `fieldK` itself (filtered in place).
void filterInto(const fft::Grid& fieldK, fft::Grid& out, IonizationFilter filter, double radius, double box,
    const fft::Plans& plans, int threads);

/// The classic sub-grid scatter of a cell's collapsed fraction `f` (N_POISSON = 5): where the
/// collapsed mass f·cellMass·(1+δ) is below 5 M_min, f is scaled by a Poisson draw of mean 5 over 5
/// (uniform deviate `u`), and zeroed below M_min / 5.
double subgridScatter(double f, double cellMass, double delta, double mMin, double u);

/// A uniform deviate in (0, 1) that depends only on `key` (splitmix64).
double uniformFor(std::uint64_t key);

/// One scale of the excursion-set walk (ionize, walkExcursionSet).
struct ExcursionScale {
    double radius = 0; ///< filter radius [Mpc]
    bool cellStep = false; ///< the last, smallest scale: unflagged cells are partially ionized there
    /// D(z)·√(2(σ²(M_min) − σ²(M_R))): the PS collapsed fraction of a cell is erfc((δc − δ_R) / width).
    double width = 0;
    /// f_ST(>M_min, z) over the box mean of the PS collapsed fraction at this scale (renormalisation).
    double stOverPs = 0;
};

/// Called once per scale with δ_R (a real grid of `density`'s size, padded rows).
using ExcursionVisitor = std::function<void(const ExcursionScale&, const fft::Grid& deltaR)>;

/// The walk ionize() makes over the filter radii of redshift z, largest first, skipping radii that
/// hold no sources: smooths `density` at each (the cell step takes δ itself), renormalises the
/// collapsed fraction to Sheth–Tormen over the box, and calls `visit`. The simulator's flagging
/// and the translation context (ml/density_context.h) both see the same numbers through it.
/// Throws CancelledError (checked once per radius).
void walkExcursionSet(const Cube& density, double z, const SimulationParams& params, const LinearCosmology& cosmology,
    const fft::Plans& plans, const ExcursionVisitor& visit, const ProgressFn& progress = {},
    const StopToken& stop = {});

/// `maxInto` (n³) = max(maxInto, g) with g = ζ·stOverPs·f_coll(δ_R), the ionizing ratio of each cell at
/// this scale: the simulator flags a cell where g ≥ 1. At the cell step g is doubled, so that g ≥ 1
/// there marks x_HI ≤ 0.5 (x_HI = 1 − ζ·stOverPs·f_coll without the sub-grid draw): over every
/// scale, max g ≥ 1 is the simulator's ionized cell (in the pixel-accuracy sense) up to that draw.
void maxIonizingRatio(const fft::Grid& deltaR, const ExcursionScale& scale, double zeta, float* maxInto, int threads);

/// x_HI cubes (one per ζ, in order) for the evolved density `density` at redshift z. The
/// cubes carry quantity and redshift only. Throws CancelledError (checked once per radius) and
/// ParameterError for an empty ζ list or ζ ≤ 0.
std::vector<Cube> ionize(const Cube& density, double z, const std::vector<double>& zetas,
    const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans,
    const ProgressFn& progress = {}, const StopToken& stop = {});

/// The inverse of erfc on (0, 2).
double inverseErfc(double y);

} // namespace rs

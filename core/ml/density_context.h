#pragma once
/// \file density_context.h
/// The 3D context a 2D translation model sees beside a density slice. Ionization in the
/// excursion-set picture depends on the density smoothed in 3D over spheres of radius R (up to
/// tens of Mpc), which one slice cannot show: a slice's neighbours above and below count as much
/// as those beside it. So every density cube is also smoothed in 3D (FFT, the simulator's sharp-k
/// filter), and slices of the smoothed cubes travel with the density slice as extra input
/// channels, in datasets and when translating whole cubes. Two kinds of channels:
///   - samples: channel k is δ smoothed at radius r_k;
///   - band maxima ("max over scales"): channel k is the largest δ_R over the simulator's radius
///     ladder (the cell radius 0.620350491·L/N times powers of 1.1) within the band
///     r_{k-1} < R ≤ r_k (r_0 = 0; at the cell radius δ_R is δ itself). That is the excursion-set
///     crossing itself, which the network would otherwise have to interpolate from a few samples
///     of a very non-local filter.
/// A list of context radii holds either kind: positive radii are samples, negative ones −r_k are
/// band edges r_k (so datasets and run configurations carry the kind in the radii themselves;
/// the dataset also writes the attribute context_kind = "band_max" for people reading it).
/// No LibTorch here.

#include "cube/cube.h"

#include <vector>

namespace rs::ml {

/// The radii [comoving Mpc] of sampled context channels by default: 1.5 to 25 in steps of ~1.5
/// (1.5, 2.25, 3.4, 5, 7.5, 11, 17, 25). Measured on 64³/96 Mpc data: these eight gave +0.5 %
/// validation pixel accuracy over four (2.5, 5, 10, 20) at equal epochs.
std::vector<double> defaultContextRadii();

/// The band edges [Mpc] of band-maximum channels by default (positive; negate them for a radii
/// list): the sampled radii and 50 Mpc (the simulator's and classic 21cmFAST's R_max), so every
/// scale of the excursion set is covered.
std::vector<double> defaultBandMaxEdges();

/// Whether a radii list asks for band maxima (every entry negative; empty: no).
bool isBandMax(const std::vector<double>& radiiMpc);

/// `density` smoothed in 3D with a sharp-k filter (modes with k·R·0.413566994 > 1 dropped, as
/// the simulator and classic 21cmFAST's HII_FILTER 1 do) at each radius, in order; periodic.
/// For negative entries −r_k, channel k is instead the maximum of δ_R over the radius ladder
/// within band k (see the file comment). The cubes keep the input's grid and metadata. Throws
/// ParameterError for a non-cubic grid, fewer than 2 cells per side, a zero or non-finite
/// radius, mixed signs, or band edges not ascending; FormatError naming the cube's file for
/// NaN/Inf.
std::vector<Cube> densityContext(const Cube& density, const std::vector<double>& radiiMpc, int threads = 1);

/// The barrier-relative context of a cube at redshift z and ionizing efficiency ζ, per band of
/// `bandEdges` (band-maximum kind: every entry negative, −r_k): channel k is ln max g_R over the
/// simulator's filter radii r_{k-1} < R ≤ r_last (band k and every band above it; channel 0 takes
/// them all), with g_R = ζ·f_coll(δ_R)·f_ST/⟨f_PS⟩_R the
/// ionizing ratio the simulator flags at g_R ≥ 1 (sim/ionization.h maxIonizingRatio: the same
/// walk, barrier and renormalisation over this cube; doubled at the cell scale, so 0 marks
/// x_HI = 0.5 there), floored at ln 1e-6. So a cell is ionized where channel 0 is ≥ 0, up to the
/// simulator's sub-grid draw; the first channel below 0 tells the scale of its bubble. Uses the simulator's default
/// M_min, cosmology and sharp-k filter, as logIonizingBudget does. Throws ParameterError as
/// densityContext does, for edges that are not band edges, and for z < 0 or ζ ≤ 0 (non-finite
/// too); FormatError naming the cube's file for NaN/Inf.
std::vector<Cube> barrierContext(
    const Cube& density, const std::vector<double>& bandEdges, double z, double zeta, int threads = 1);

/// The ladder radii [Mpc] of band-maximum channels for a cube of `n` cells per side and side
/// `boxMpc`, ascending, up to `topMpc`: the cell radius (at least 0.620350491 Mpc) times powers
/// of 1.1, as the simulator walks them.
std::vector<double> contextLadder(std::size_t n, double boxMpc, double topMpc);

} // namespace rs::ml

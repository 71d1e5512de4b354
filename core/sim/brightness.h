#pragma once
/// \file brightness.h
/// 21cm differential brightness temperature in the limit T_spin ≫ T_CMB:
///   δT_b = T0(z) x_HI (1 + δ) mK,  T0 = 27 √((1+z)/10 · 0.15/(Ωm h²)) (Ωb h²/0.023),
/// optionally with classic 21cmFAST v2.1's velocity terms along axis 2 (its delta_T_v3): divided by
/// (1 + (dv_los/dr)/H) with the gradient clipped to ±0.2 H (MAX_DVDR), then its sub-cell
/// redshift-space distortion (SUBCELL_RSD, N_RSD_STEPS = 20; see subcellRedshiftSpace).

#include "cube/cube.h"
#include "numerics/fft_grid.h"
#include "sim/cosmology.h"
#include "sim/simulation_params.h"

namespace rs {

/// Classic clip of |dv_los/dr| / H.
inline constexpr double kMaxVelocityGradient = 0.2;
/// Sub-cells per cell of the classic sub-cell RSD (N_RSD_STEPS).
inline constexpr int kRsdSubcells = 20;

/// T0(z) in mK.
double brightnessPrefactor(double z, const Cosmology& cosmology);

/// δT_b from density and x_HI of the same grid; `velocityGradient` ((dv/dr)/H per cell) may be
/// empty; when given, both classic velocity terms are applied (the gradient factor, then
/// subcellRedshiftSpace). The result carries quantity and redshift. Throws ParameterError when
/// shapes differ.
Cube brightnessTemperature(const Cube& density, const Cube& neutralFraction, double z, const Cosmology& cosmology,
    const Cube& velocityGradient = {}, int threads = 1);

/// Classic 21cmFAST v2.1's sub-cell RSD of a δT_b cube in place, along axis 2 (periodic): each cell
/// with x_HI and |δT_b| ≥ 1e-7 is cut into kRsdSubcells sub-cells (the others are emptied, as
/// there), each moved by a displacement interpolated linearly between the neighbouring cell centres
/// and spread over the one or two cells it then overlaps; the sum along a line is kept.
/// The displacement is what classic delta_T.c uses: its velocity array after it was replaced by its
/// line-of-sight derivative, over H, read as Mpc, i.e. `velocityGradient` ((dv/dr)/H) taken as a
/// displacement in Mpc, not the physical v/H. That is what its delta_T_v3 boxes contain: from the
/// calibration runs' own density and x_HI this reproduces them within 0.08-0.33 mK rms (the
/// gradient factor alone: 0.37-1.8 mK) and their share of cells ≥ 1 mK within 1e-4, where the
/// physical v/H overshoots that share by 0.02-0.05 (DEVELOPERS.md, "Sub-cell RSD").
void subcellRedshiftSpace(Cube& brightness, const Cube& neutralFraction, const Cube& velocityGradient, int threads = 1);

/// Line-of-sight (axis 2) velocity gradient in units of H(z), (dv_z/dz)/H = −f(z) (k_z²/k²) δ(k), from an
/// evolved density cube in linear theory (as classic 21cmFAST's perturb_field makes its velocities).
/// `plans` must be for the cube's N. Throws ParameterError for a cube that is not N³.
Cube linearVelocityGradient(const Cube& density, double z, const LinearCosmology& cosmology, const fft::Plans& plans);

} // namespace rs

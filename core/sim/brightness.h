#pragma once
/// \file brightness.h
/// 21cm differential brightness temperature in the limit T_spin ≫ T_CMB:
///   δT_b = T0(z) x_HI (1 + δ) mK,  T0 = 27 √((1+z)/10 · 0.15/(Ωm h²)) (Ωb h²/0.023),
/// optionally divided by (1 + (dv_los/dr)/H) with the gradient clipped to ±0.2 H (classic
/// 21cmFAST's MAX_DVDR), the velocity component along axis 2 (classic delta_T_v3).

#include "cube/cube.h"
#include "numerics/fft_grid.h"
#include "sim/cosmology.h"
#include "sim/simulation_params.h"

namespace rs {

/// Classic clip of |dv_los/dr| / H.
inline constexpr double kMaxVelocityGradient = 0.2;

/// T0(z) in mK.
double brightnessPrefactor(double z, const Cosmology& cosmology);

/// δT_b from density and x_HI of the same grid; `velocityGradient` ((dv/dr)/H per cell) may be
/// empty. The result carries quantity and redshift. Throws ParameterError when shapes differ.
Cube brightnessTemperature(const Cube& density, const Cube& neutralFraction, double z, const Cosmology& cosmology,
    const Cube& velocityGradient = {}, int threads = 1);

/// Line-of-sight (axis 2) velocity gradient in units of H(z), (dv_z/dz)/H = −f(z) (k_z²/k²) δ(k), from an
/// evolved density cube in linear theory (as classic 21cmFAST's perturb_field makes its velocities).
/// `plans` must be for the cube's N. Throws ParameterError for a cube that is not N³.
Cube linearVelocityGradient(const Cube& density, double z, const LinearCosmology& cosmology, const fft::Plans& plans);

} // namespace rs

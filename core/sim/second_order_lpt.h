#pragma once
/// \file second_order_lpt.h
/// Second-order Lagrangian perturbation theory (2LPT; Scoccimarro 1998, appendix D), the correction
/// classic 21cmFAST's init.c adds to the Zel'dovich displacement (SECOND_ORDER_LPT_CORRECTIONS).
///
/// With δ the z = 0 linear density and φ its potential, φ(k) = δ(k)/k² (so φ,ij(k) = −k_i k_j δ(k)/k²),
/// the second-order source is S = Σ_{i<j} (φ,ii φ,jj − φ,ij²), formed cell by cell in real space.
/// The field returned here is ψ⁽²⁾(k) = i k S(k)/k², the Zel'dovich displacement of S (∇·ψ⁽²⁾ = −S,
/// as ∇·ψ⁽¹⁾ = −δ for ψ⁽¹⁾(k) = i k δ(k)/k²). A particle at q then moves to
///     x = q + D(z) ψ⁽¹⁾(q) + (3/7) D(z)² ψ⁽²⁾(q),
/// i.e. the second-order growth factor D₂ = −(3/7) D² (the Einstein–de Sitter value; the Ω_m^(−1/143)
/// correction is below 1 % at z > 5 and left out, as in 21cmFAST), times ∇∇⁻²S = −ψ⁽²⁾.
///
/// All three pairs are summed, as py21cmfast (v3+) does. (Some classic init.c versions divide the
/// running sum by the cell count inside the loop over pairs, which leaves only the (y, z) pair; the
/// classic v2.1 calibration boxes match the full sum: evolving their own linear field, the density
/// skewness at z = 8 is 1.360 with all pairs, 1.160 with (y, z) only, 1.364 in 21cmFAST's box.)

#include "numerics/fft_grid.h"

#include <functional>
#include <vector>

namespace rs {

/// Computes ψ⁽²⁾ for the linear density whose modes are in `deltaK` (as fft::Plans::forward leaves
/// them, scaled so that plans.backward() of them is δ(x) with no further factor). `window`, when not
/// empty, is the window W(|m|²) (indexed by the integer |m|² of each mode) that `deltaK` already
/// carries: S is formed from the unwindowed field δ/W and ψ⁽²⁾ gets the window once (classic: S on the
/// fine grid, ψ⁽²⁾ top-hat smoothed onto the output grid); W must not vanish on the grid.
/// `component(a, grid)` receives each component a = 0, 1, 2 in real space (padded rows, lengths in
/// the units of 1/kf, i.e. Mpc for kf = 2π/box) in a grid it may keep or modify. Holds three padded
/// grids besides `deltaK` at the peak. Throws nothing of its own.
void secondOrderDisplacement(const fft::Grid& deltaK, double box, const std::vector<float>& window,
    const fft::Plans& plans, int threads, const std::function<void(int, fft::Grid&)>& component);

} // namespace rs

#pragma once
/// \file ionizing_budget.h
/// The ionizing budget of constant-ζ sources, ζ·f_coll,ST(>M_min, z): ionizing photons per baryon
/// in the box mean, the number the excursion set (sim/ionization.h) compares with 1. Its log is a
/// conditioning plane of translation (unet) runs beside z and ζ.
///
/// Why: a cell is ionized where δ_R ≥ δc − D(z)·√(2Δσ²(R))·erfc⁻¹(1 / (ζ·s_R)) at some R, with
/// s_R = f_ST / ⟨f_PS⟩_R. At the largest radius δ_R ≈ 0 all over a 96 Mpc box, and that barrier
/// crosses 0 exactly where ζ·f_ST = 1: whole boxes turn ionized there (64³ / 96 Mpc sims: nf 0.13
/// at z 7, ζ 20, and 0 at ζ 22.5). In (z, ζ) that end of reionization is a curved cliff a network
/// interpolates badly; in ln(ζ f_ST) it is the sign. No LibTorch here.

namespace rs::ml {

/// ln(ζ · f_ST(M_min, z)) with the simulator's default M_min (5e8 Msun) and cosmology
/// (SimulationParams{}): the same number for datasets built with other M_min, so it stays a
/// function of (z, ζ) only. Throws ParameterError for a non-finite or negative z or ζ ≤ 0.
double logIonizingBudget(double z, double zeta);

} // namespace rs::ml

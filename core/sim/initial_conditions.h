#pragma once
/// \file initial_conditions.h
/// Seeded Gaussian initial conditions and their evolution to redshift z.
///
/// Random numbers: cell c (C order) of the white-noise grid gets a standard normal value from a
/// counter-based generator: two 64-bit words splitmix64(seed·φ + 2⌊c/2⌋ + {0, 1}) (φ = 2^64 / golden
/// ratio), turned into two uniforms in (0, 1] with 53 bits each, then into the Box–Muller pair
/// (cells 2m and 2m+1 share one pair). The values do not depend on the thread count; same seed →
/// same cube bit for bit on one machine (across machines only libm's last-bit rounding of log/sin/cos
/// can differ).
///
/// Normalisation (written down once): with W_m the forward FFT of the white noise (⟨|W_m|²⟩ = N³),
/// the z = 0 linear field is δ(x) = Σ_m W_m √(P(k_m) / (V N³)) e^(i k_m·x), so ⟨δ²⟩ = Σ_m P(k_m)/V;
/// the m = 0 mode is zeroed (mean exactly 0).
///
/// Evolution: Zel'dovich (1LPT) displacement ψ(k) = i k/k² δ(k) (δ = −∇·ψ), particles starting at
/// the cell centres move to q + D(z) ψ(q) (with lpt = 2 also + (3/7) D(z)² ψ⁽²⁾(q), second_order_lpt.h)
/// and are assigned back to the grid (classic sub-particles or cloud-in-cell), giving δ ≥ −1 with
/// mean 0; or linear δ = D(z) δ_lin.

#include "cube/cube.h"
#include "numerics/fft_grid.h"
#include "sim/cosmology.h"
#include "sim/simulation_params.h"
#include "util/progress.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace rs {

class InitialConditions {
public:
    /// Draws the field and keeps what evolution needs: the three displacement components (or
    /// δ_lin when zeldovich is off) and, with velocities, ∂ψ_z/∂z. `plans` must outlive this
    /// object (evolvedDensity() uses them). Throws CancelledError.
    InitialConditions(const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans,
        const ProgressFn& progress = {}, const StopToken& stop = {});

    /// Evolves a given z = 0 linear density (e.g. 21cmFAST's smoothed_deltax_z0.00 box) instead of
    /// drawing one: with params.cellSmoothing it is taken to carry the cell top-hat already, as
    /// 21cmFAST's smoothed box does; its mean is removed. Throws ParameterError for a cube not on
    /// the params' N³ grid.
    InitialConditions(
        const Cube& linear, const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans);

    std::size_t n() const { return m_n; }

    /// The evolved density contrast at z (δ ≥ −1 with Zel'dovich), as a Density cube without
    /// metadata beyond quantity and redshift. Throws CancelledError.
    Cube evolvedDensity(double z, const StopToken& stop = {}) const;

    /// The z = 0 linear density δ_lin (computed from the displacements when they are kept).
    Cube linearDensity() const;

    /// Line-of-sight velocity gradient in units of H(z): (dv_z/dz) / H = f(z) D(z) ∂ψ_z/∂z, in
    /// linear theory. Empty when the parameters did not ask for velocities.
    Cube velocityGradient(double z) const;

    /// Frees the displacement fields and δ_lin (keeps the velocity part); evolvedDensity() then
    /// throws.
    void releaseDisplacements();

    /// Bytes held.
    std::size_t bytes() const;

private:
    struct Setup { }; ///< tag of the constructor that only sets the members both public ones share
    InitialConditions(Setup, const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans);
    /// Keeps what evolution needs from the z = 0 modes in `delta` (consumed).
    void deriveFields(
        const SimulationParams& params, fft::Grid& delta, const ProgressFn& progress, const StopToken& stop);
    void smoothEvolvedDensity(Cube& density) const;

    std::size_t m_n;
    double m_box;
    int m_threads;
    bool m_subParticles; ///< classic 3³ sub-particle assignment instead of cloud-in-cell
    const LinearCosmology* m_cosmology;
    const fft::Plans* m_plans; ///< the owner's, outliving this object
    /// One displacement component as integer steps of `unit` [Mpc] = max|ψ_a| / top (top = the
    /// type's largest value): for ψ⁽¹⁾ 16 bits, an error of at most 1/65534 of the largest
    /// displacement (~1e-4 cell at z ≈ 8), half the memory of floats (the v2 history keeps ψ
    /// through every step); for the smaller second-order ψ⁽²⁾ 8 bits, at most 1/254 of its largest
    /// value (~1e-3 cell at z = 7).
    template<class Step> struct Shift {
        std::vector<Step> steps; ///< N³, C order
        float unit = 0;
        static constexpr float top = float(std::numeric_limits<Step>::max());
        float maxAbs() const { return unit * top; }
    };
    template<class Step> static Shift<Step> compactShift(const fft::Grid& g, int threads);

    Shift<std::int16_t> m_psi[3]; ///< ψ_x, ψ_y, ψ_z at z = 0 (Zel'dovich)
    Shift<std::int8_t> m_psi2[3]; ///< the second-order ψ⁽²⁾ (2LPT, second_order_lpt.h); empty with lpt = 1
    fft::Grid m_linear; ///< δ_lin at z = 0 (linear mode)
    fft::Grid m_dPsiZ; ///< ∂ψ_z/∂z (velocities)
};

/// Standard normal number of cell `index` for `seed` (see the file comment).
double whiteNoise(std::uint64_t seed, std::uint64_t index);

} // namespace rs

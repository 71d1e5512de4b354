#pragma once
/// \file cosmology.h
/// Linear-theory cosmology for the simulator: Eisenstein & Hu (1998) transfer function, the linear
/// matter power spectrum normalised to σ8, σ(R) and σ(M) for a real-space top-hat, the growth
/// factor D(z) (integral form, D(0) = 1), H(z), and the Sheth–Tormen mean collapsed fraction.
/// Units: comoving Mpc (no h), Msun, k in 1/Mpc, P(k) in Mpc³.

#include "sim/simulation_params.h"

#include <vector>

namespace rs {

/// Critical density today for h = 1, in Msun / Mpc³ (3 H0² / 8πG with H0 = 100 km/s/Mpc).
inline constexpr double kRhoCritH2 = 2.775e11;
/// Collapse threshold of linear spherical collapse, as classic 21cmFAST takes it (its Deltac).
inline constexpr double kDeltaCrit = 1.68;

class LinearCosmology {
public:
    /// Precomputes the σ8 normalisation and a σ(R) table. Throws ParameterError for an invalid
    /// cosmology.
    explicit LinearCosmology(const Cosmology& c);

    const Cosmology& parameters() const { return m_c; }

    /// The cosmology's transfer function (Cosmology::transfer), T(0) = 1.
    double transfer(double k) const;
    /// Eisenstein & Hu (1998) transfer function with baryon oscillations, T(0) = 1.
    double transferBao(double k) const;
    /// Eisenstein & Hu (1999) shape for CDM + baryons without neutrinos or oscillations, T(0) = 1
    /// (classic 21cmFAST's TFmdm with f_ν → 0).
    double transferNoWiggle(double k) const;
    /// Linear matter power spectrum at z = 0, P(k) = A k^ns T(k)² [Mpc³], normalised to σ8.
    double power(double k) const;
    /// σ(R) at z = 0 for a real-space spherical top-hat of radius R [Mpc].
    double sigmaR(double radius) const;
    /// σ(M) at z = 0: the top-hat of the Lagrangian radius of M [Msun].
    double sigmaM(double mass) const { return sigmaR(lagrangianRadius(mass)); }

    /// Mean comoving matter density [Msun / Mpc³].
    double meanMatterDensity() const;
    /// Radius [Mpc] of a sphere holding mass M at the mean matter density.
    double lagrangianRadius(double mass) const;
    /// Mass [Msun] in a sphere of radius R [Mpc] at the mean matter density.
    double massOfRadius(double radius) const;

    /// Linear growth factor, normalised to D(0) = 1.
    double growth(double z) const;
    /// Logarithmic growth rate f = d ln D / d ln a.
    double growthRate(double z) const;
    /// H(z) / H0.
    double hubbleRatio(double z) const;

    /// Sheth–Tormen mass fraction in halos above M at redshift z (a = 0.73, p = 0.175,
    /// A = 0.353, Jenkins et al. 2001, as classic 21cmFAST).
    double collapsedFractionST(double mass, double z) const;
    /// Press–Schechter mass fraction in halos above M at z: erfc(δc / (√2 σ(M) D(z))).
    double collapsedFractionPS(double mass, double z) const;

private:
    double sigmaRUnnormalised(double radius) const;

    Cosmology m_c;
    double m_amplitude = 1.0; ///< A in P(k) = A k^ns T²
    // Eisenstein & Hu precomputed quantities.
    double m_fb = 0, m_fc = 0, m_soundHorizon = 0, m_kSilk = 0, m_kEq = 0, m_alphaC = 0, m_betaC = 0, m_alphaB = 0,
           m_betaB = 0, m_betaNode = 0;
    double m_alphaGamma = 1, m_thetaOverOmh2 = 0; ///< EH99 no-wiggle: α_ν (f_ν = 0) and Θ²/(Ω_m h²)
    std::vector<double> m_k3Pt; ///< k³ k^ns T(k)² on the σ integration grid (unnormalised)
    // σ(R) table: ln σ linear in ln R on a fine grid.
    std::vector<double> m_lnR, m_lnSigma;
    // D(a) table in a.
    std::vector<double> m_growthA, m_growthD;
};

} // namespace rs

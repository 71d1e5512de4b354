#pragma once
/// \file comoving.h
/// Comoving distance ↔ redshift for a flat ΛCDM background with photons and neutrinos, as
/// py21cmfast computes lightcone distances (astropy's Planck cosmology cloned with the run's h and
/// Ω_m: T_CMB 2.7255 K, N_eff 3.046, one 0.06 eV neutrino and two massless ones, Ω_Λ closing
/// the budget). The 21cm frequency of a redshift, ν = 1420.405751768 / (1 + z) MHz.

#include "cube/quantity.h"

#include <vector>

namespace rs {

/// Rest frequency of the 21cm line [MHz].
inline constexpr double kHydrogenLineMhz = 1420.405751768;

/// Observed 21cm frequency [MHz] at redshift z.
inline double frequencyMhz(double z)
{
    return kHydrogenLineMhz / (1.0 + z);
}

struct BackgroundCosmology {
    double hubble = 0.6766; ///< h = H0 / (100 km/s/Mpc)
    double omegaM = 0.30964144154550644; ///< non-relativistic matter today (CDM + baryons)
    double tcmb = 2.7255; ///< CMB temperature today [K]; 0 drops radiation
    double nEff = 3.046; ///< effective number of neutrino species
    double massiveNuEv = 0.06; ///< mass of the one massive neutrino [eV] (others massless)
};

/// The background of a run from its parameters (py21cmfast's cosmo_params.hlittle and
/// cosmo_params.OMm, or ReionScope's hubble_h and omega_m); defaults where absent.
BackgroundCosmology backgroundFrom(const Parameters& p);

/// Tabulated comoving distance D_C(z) = c/H0 ∫ dz / E(z) on [0, zMax] and its inverse.
class ComovingDistance {
public:
    /// Throws ParameterError for an unphysical cosmology or zMax ≤ 0.
    explicit ComovingDistance(const BackgroundCosmology& c = {}, double zMax = 200.0);

    /// H(z)/H0.
    double hubbleRatio(double z) const;
    /// Comoving distance to redshift z [Mpc]. Throws ParameterError outside [0, zMax].
    double distance(double z) const;
    /// The redshift at comoving distance d [Mpc]. Throws ParameterError outside the table.
    double redshift(double d) const;
    /// dD_C/dz = c / H(z) [Mpc].
    double dDistanceDz(double z) const;

private:
    /// Photons and neutrinos relative to today's critical density at 1 + z = a1.
    double radiation(double a1) const;

    BackgroundCosmology m_c;
    double m_hubbleDistance = 0; ///< c / H0 [Mpc]
    double m_omegaGamma = 0, m_omegaLambda = 0, m_nuY = 0;
    double m_dz = 0;
    std::vector<double> m_d; ///< D_C at z = i * m_dz
};

} // namespace rs

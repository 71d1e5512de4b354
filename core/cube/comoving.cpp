#include "cube/comoving.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rs {

namespace {

constexpr double kSpeedOfLightKms = 299792.458;
// CGS constants for Ω_γ = (4 σ T⁴ / c³) / ρ_crit.
constexpr double kStefanBoltzmann = 5.670374419e-5; // erg cm⁻² s⁻¹ K⁻⁴
constexpr double kLightCms = 2.99792458e10;
constexpr double kGravity = 6.67430e-8; // cm³ g⁻¹ s⁻²
constexpr double kMpcCm = 3.0856775814913673e24;
constexpr double kBoltzmannEv = 8.617333262e-5; // eV / K
/// Neutrino/photon temperature ratio (4/11)^(1/3) as astropy uses it.
constexpr double kTnuOverTcmb = 0.7137658555036082;
/// 7/8 (4/11)^(4/3): the energy density of one massless neutrino species per photon energy.
constexpr double kNuPerPhoton = 0.22710731766;

} // namespace

BackgroundCosmology backgroundFrom(const Parameters& p)
{
    BackgroundCosmology c;
    for (const char* key : {"cosmo_params.hlittle", "hubble_h"})
        if (auto h = numberOf(p, key))
            c.hubble = *h;
    for (const char* key : {"cosmo_params.OMm", "omega_m"})
        if (auto om = numberOf(p, key))
            c.omegaM = *om;
    return c;
}

ComovingDistance::ComovingDistance(const BackgroundCosmology& c, double zMax)
    : m_c(c)
{
    if (!(c.hubble > 0 && c.hubble < 10) || !(c.omegaM > 0 && c.omegaM <= 1) || !(c.tcmb >= 0) || !(c.nEff >= 0)
        || !(c.massiveNuEv >= 0))
        throw ParameterError("cosmology", "needs 0 < h < 10, 0 < Ω_m ≤ 1, T_CMB ≥ 0, N_eff ≥ 0 and m_ν ≥ 0");
    if (!(zMax > 0))
        throw ParameterError("zMax", "must be positive");
    m_hubbleDistance = kSpeedOfLightKms / (100.0 * c.hubble);
    const double h0PerSecond = 100.0 * c.hubble * 1e5 / kMpcCm;
    const double rhoCrit = 3.0 * h0PerSecond * h0PerSecond / (8.0 * std::numbers::pi * kGravity);
    m_omegaGamma = 4.0 * kStefanBoltzmann / std::pow(kLightCms, 3) * std::pow(c.tcmb, 4) / rhoCrit;
    m_nuY = c.tcmb > 0 ? c.massiveNuEv / (kBoltzmannEv * kTnuOverTcmb * c.tcmb) : 0.0;
    m_omegaLambda = 1.0 - c.omegaM - radiation(1.0); // flat

    // Table of D_C(z) in steps of dz, each step integrated with 4-point Gauss–Legendre.
    m_dz = 0.005;
    const std::size_t n = std::size_t(std::ceil(zMax / m_dz)) + 1;
    m_d.assign(n, 0.0);
    static const double x[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    static const double w[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
    for (std::size_t i = 1; i < n; ++i) {
        const double a = double(i - 1) * m_dz, mid = a + 0.5 * m_dz;
        double s = 0;
        for (int k = 0; k < 4; ++k)
            s += w[k] / hubbleRatio(mid + 0.5 * m_dz * x[k]);
        m_d[i] = m_d[i - 1] + m_hubbleDistance * 0.5 * m_dz * s;
    }
}

double ComovingDistance::radiation(double a1) const
{
    double nu = 0.0;
    if (m_c.nEff > 0) {
        // Two massless species and one massive one (astropy's fitting form for the massive one).
        const double perSpecies = m_c.nEff / 3.0;
        const double rel = std::pow(1.0 + std::pow(0.3173 * m_nuY / a1, 1.83), 1.0 / 1.83);
        nu = kNuPerPhoton * perSpecies * (2.0 + rel);
    }
    return m_omegaGamma * (1.0 + nu) * a1 * a1 * a1 * a1;
}

double ComovingDistance::hubbleRatio(double z) const
{
    const double a1 = 1.0 + z;
    return std::sqrt(m_c.omegaM * a1 * a1 * a1 + radiation(a1) + m_omegaLambda);
}

double ComovingDistance::dDistanceDz(double z) const
{
    return m_hubbleDistance / hubbleRatio(z);
}

double ComovingDistance::distance(double z) const
{
    const double zMax = double(m_d.size() - 1) * m_dz;
    if (!(z >= 0 && z <= zMax))
        throw ParameterError("redshift", "z = " + std::to_string(z) + " is outside [0, " + std::to_string(zMax) + "]");
    const std::size_t i = std::min(m_d.size() - 2, std::size_t(z / m_dz));
    // Cubic Hermite between table nodes with the exact derivative c / H(z).
    const double z0 = double(i) * m_dz, t = (z - z0) / m_dz;
    const double d0 = m_d[i], d1 = m_d[i + 1];
    const double m0 = dDistanceDz(z0) * m_dz, m1 = dDistanceDz(z0 + m_dz) * m_dz;
    const double t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * d0 + (t3 - 2 * t2 + t) * m0 + (-2 * t3 + 3 * t2) * d1 + (t3 - t2) * m1;
}

double ComovingDistance::redshift(double d) const
{
    if (!(d >= 0 && d <= m_d.back()))
        throw ParameterError(
            "distance", std::to_string(d) + " Mpc is outside the table [0, " + std::to_string(m_d.back()) + "] Mpc");
    const auto it = std::upper_bound(m_d.begin(), m_d.end(), d);
    const std::size_t i = std::size_t(std::max<std::ptrdiff_t>(1, it - m_d.begin())) - 1;
    double z = double(i) * m_dz + (d - m_d[i]) / (m_d[i + 1] - m_d[i]) * m_dz;
    for (int iter = 0; iter < 4; ++iter) // Newton on D_C(z) = d
        z -= (distance(std::clamp(z, 0.0, double(m_d.size() - 1) * m_dz)) - d) / dDistanceDz(z);
    return z;
}

} // namespace rs

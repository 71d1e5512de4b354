#include "sim/cosmology.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rs {

namespace {

constexpr double kTcmb = 2.728; // K, as classic 21cmFAST

/// Spherical top-hat window in Fourier space, 3 (sin x − x cos x) / x³ (series near 0).
double topHatWindow(double x)
{
    if (x < 1e-3)
        return 1.0 - x * x / 10.0;
    return 3.0 * (std::sin(x) - x * std::cos(x)) / (x * x * x);
}

/// Linear interpolation in a table with increasing xs (clamped at the ends).
double interpolate(const std::vector<double>& xs, const std::vector<double>& ys, double x)
{
    if (x <= xs.front())
        return ys.front();
    if (x >= xs.back())
        return ys.back();
    const double step = xs[1] - xs[0]; // tables here are uniform
    const std::size_t i = std::min<std::size_t>(std::size_t((x - xs.front()) / step), xs.size() - 2);
    const double t = (x - xs[i]) / (xs[i + 1] - xs[i]);
    return ys[i] + t * (ys[i + 1] - ys[i]);
}

// Integration grid in ln k for σ(R): wide enough for R between 1e-3 and 1e3 Mpc.
constexpr double kLnKMin = -13.8; // k = 1e-6 / Mpc
constexpr double kLnKMax = 14.5; // k = 2e6 / Mpc
constexpr int kLnKSteps = 3000;

} // namespace

LinearCosmology::LinearCosmology(const Cosmology& c)
    : m_c(c)
{
    m_c.validate();
    // --- Eisenstein & Hu (1998), eqs. 2-24, in Mpc^-1 with ω = Ω h². -------------------------
    const double h2 = c.h * c.h;
    const double omh2 = c.omegaM * h2, obh2 = c.omegaB * h2;
    const double theta = kTcmb / 2.7;
    m_fb = c.omegaB / c.omegaM;
    m_fc = (c.omegaM - c.omegaB) / c.omegaM;
    const double zEq = 2.50e4 * omh2 / std::pow(theta, 4);
    m_kEq = 7.46e-2 * omh2 / (theta * theta);
    const double b1 = 0.313 * std::pow(omh2, -0.419) * (1.0 + 0.607 * std::pow(omh2, 0.674));
    const double b2 = 0.238 * std::pow(omh2, 0.223);
    const double zD
        = 1291.0 * std::pow(omh2, 0.251) / (1.0 + 0.659 * std::pow(omh2, 0.828)) * (1.0 + b1 * std::pow(obh2, b2));
    auto baryonRatio = [&](double z) { return 31.5 * obh2 / std::pow(theta, 4) * (1000.0 / z); };
    const double rD = baryonRatio(zD), rEq = baryonRatio(zEq);
    m_soundHorizon = 2.0 / (3.0 * m_kEq) * std::sqrt(6.0 / rEq)
        * std::log((std::sqrt(1.0 + rD) + std::sqrt(rD + rEq)) / (1.0 + std::sqrt(rEq)));
    m_kSilk = 1.6 * std::pow(obh2, 0.52) * std::pow(omh2, 0.73) * (1.0 + std::pow(10.4 * omh2, -0.95));
    const double a1 = std::pow(46.9 * omh2, 0.670) * (1.0 + std::pow(32.1 * omh2, -0.532));
    const double a2 = std::pow(12.0 * omh2, 0.424) * (1.0 + std::pow(45.0 * omh2, -0.582));
    m_alphaC = std::pow(a1, -m_fb) * std::pow(a2, -m_fb * m_fb * m_fb);
    const double bb1 = 0.944 / (1.0 + std::pow(458.0 * omh2, -0.708));
    const double bb2 = std::pow(0.395 * omh2, -0.0266);
    m_betaC = 1.0 / (1.0 + bb1 * (std::pow(m_fc, bb2) - 1.0));
    const double y = (1.0 + zEq) / (1.0 + zD);
    const double sy = std::sqrt(1.0 + y);
    const double g = y * (-6.0 * sy + (2.0 + 3.0 * y) * std::log((sy + 1.0) / (sy - 1.0)));
    m_alphaB = 2.07 * m_kEq * m_soundHorizon * std::pow(1.0 + rD, -0.75) * g;
    m_betaB = 0.5 + m_fb + (3.0 - 2.0 * m_fb) * std::sqrt(std::pow(17.2 * omh2, 2) + 1.0);
    m_betaNode = 8.41 * std::pow(omh2, 0.435);
    // EH99 (their eqs. 11-15 with f_ν = 0): the baryon suppression α of the small-scale shape.
    {
        const double pc = -(5.0 - std::sqrt(1.0 + 24.0 * m_fc)) / 4.0; // p_cb = 0 without neutrinos
        const double yd = 2.5e4 * omh2 / std::pow(theta, 4) / (1.0 + zD);
        m_alphaGamma = m_fc * (2.0 * pc + 5.0) / 5.0 * (1.0 - 0.553 * m_fb + 0.126 * m_fb * m_fb * m_fb)
            * std::pow(1.0 + yd, pc) * (1.0 - pc / 2.0 * (1.0 + 1.0 / ((4.0 * pc + 3.0) * 7.0)) / (1.0 + yd));
        m_thetaOverOmh2 = theta * theta / omh2;
    }

    // --- σ8 normalisation and the σ(R) table. ---------------------------------------------------
    m_k3Pt.resize(kLnKSteps + 1);
    for (int i = 0; i <= kLnKSteps; ++i) {
        const double k = std::exp(kLnKMin + (kLnKMax - kLnKMin) / kLnKSteps * i);
        const double t = transfer(k);
        m_k3Pt[i] = k * k * k * std::pow(k, c.ns) * t * t;
    }
    const double s8 = sigmaRUnnormalised(8.0 / c.h);
    m_amplitude = (c.sigma8 / s8) * (c.sigma8 / s8);
    constexpr int nR = 300;
    const double lnRMin = std::log(1e-3), lnRMax = std::log(1e3);
    m_lnR.resize(nR);
    m_lnSigma.resize(nR);
    for (int i = 0; i < nR; ++i) {
        m_lnR[i] = lnRMin + (lnRMax - lnRMin) * i / (nR - 1);
        m_lnSigma[i] = std::log(std::sqrt(m_amplitude) * sigmaRUnnormalised(std::exp(m_lnR[i])));
    }

    // --- Growth: D(a) ∝ E(a) ∫_0^a da' / (a' E(a'))³, tabulated in ln a. ------------------------
    constexpr int nA = 2000;
    const double lnAMin = std::log(1e-4);
    m_growthA.resize(nA);
    m_growthD.resize(nA);
    auto e = [&](double a) { return hubbleRatio(1.0 / a - 1.0); };
    auto integrand = [&](double lnA) {
        const double a = std::exp(lnA), ea = e(a);
        return 1.0 / (a * a * ea * ea * ea);
    };
    // Matter domination below a = 1e-4: ∫_0^a a'^(3/2) Ωm^(-3/2) da' = a^(5/2) / (2.5 Ωm^(3/2)).
    double integral = std::pow(1e-4, 2.5) / (2.5 * std::pow(c.omegaM, 1.5));
    const double dLnA = -lnAMin / (nA - 1);
    for (int i = 0; i < nA; ++i) {
        const double lnA = lnAMin + dLnA * i;
        if (i > 0)
            integral += 0.5 * dLnA * (integrand(lnA - dLnA) + integrand(lnA));
        m_growthA[i] = lnA;
        m_growthD[i] = integral; // holds I(a); D follows in growth()
    }
}

double LinearCosmology::transfer(double k) const
{
    return m_c.transfer == TransferFunction::EisensteinHuBao ? transferBao(k) : transferNoWiggle(k);
}

double LinearCosmology::transferNoWiggle(double k) const
{
    if (k <= 0)
        return 1.0;
    const double sa = std::sqrt(m_alphaGamma);
    const double gammaEff = sa + (1.0 - sa) / (1.0 + std::pow(0.43 * k * m_soundHorizon, 4));
    const double q = k * m_thetaOverOmh2 / gammaEff;
    const double betaC = 1.0 / (1.0 - 0.949 * m_fb);
    const double l = std::log(M_E + 1.84 * betaC * sa * q);
    return l / (l + q * q * (14.4 + 325.0 / (1.0 + 60.5 * std::pow(q, 1.11))));
}

double LinearCosmology::transferBao(double k) const
{
    if (k <= 0)
        return 1.0;
    const double q = k / (13.41 * m_kEq);
    const double ks = k * m_soundHorizon;
    auto t0 = [&](double alpha, double beta) {
        const double l = std::log(M_E + 1.8 * beta * q);
        const double cc = 14.2 / alpha + 386.0 / (1.0 + 69.9 * std::pow(q, 1.08));
        return l / (l + cc * q * q);
    };
    const double f = 1.0 / (1.0 + std::pow(ks / 5.4, 4));
    const double tc = f * t0(1.0, m_betaC) + (1.0 - f) * t0(m_alphaC, m_betaC);
    const double sTilde = m_soundHorizon / std::cbrt(1.0 + std::pow(m_betaNode / ks, 3));
    const double x = k * sTilde;
    const double j0 = x < 1e-6 ? 1.0 : std::sin(x) / x;
    const double tb = (t0(1.0, 1.0) / (1.0 + (ks / 5.2) * (ks / 5.2))
                          + m_alphaB / (1.0 + std::pow(m_betaB / ks, 3)) * std::exp(-std::pow(k / m_kSilk, 1.4)))
        * j0;
    return m_fb * tb + m_fc * tc;
}

double LinearCosmology::power(double k) const
{
    if (k <= 0)
        return 0.0;
    const double t = transfer(k);
    return m_amplitude * std::pow(k, m_c.ns) * t * t;
}

double LinearCosmology::sigmaRUnnormalised(double radius) const
{
    // σ² = 1/(2π²) ∫ k³ P(k) W²(kR) d ln k, trapezoid on a fine ln k grid.
    const double d = (kLnKMax - kLnKMin) / kLnKSteps;
    double sum = 0;
    for (int i = 0; i <= kLnKSteps; ++i) {
        const double w = topHatWindow(std::exp(kLnKMin + d * i) * radius);
        const double v = m_k3Pt[i] * w * w;
        sum += (i == 0 || i == kLnKSteps) ? 0.5 * v : v;
    }
    return std::sqrt(sum * d / (2.0 * std::numbers::pi * std::numbers::pi));
}

double LinearCosmology::sigmaR(double radius) const
{
    const double lnR = std::log(radius);
    if (lnR < m_lnR.front() || lnR > m_lnR.back())
        return std::sqrt(m_amplitude) * sigmaRUnnormalised(radius);
    return std::exp(interpolate(m_lnR, m_lnSigma, lnR));
}

double LinearCosmology::meanMatterDensity() const
{
    return m_c.omegaM * kRhoCritH2 * m_c.h * m_c.h;
}

double LinearCosmology::lagrangianRadius(double mass) const
{
    return std::cbrt(3.0 * mass / (4.0 * std::numbers::pi * meanMatterDensity()));
}

double LinearCosmology::massOfRadius(double radius) const
{
    return 4.0 / 3.0 * std::numbers::pi * radius * radius * radius * meanMatterDensity();
}

double LinearCosmology::hubbleRatio(double z) const
{
    const double a1 = 1.0 + z;
    const double ok = 1.0 - m_c.omegaM - m_c.omegaL;
    return std::sqrt(m_c.omegaM * a1 * a1 * a1 + ok * a1 * a1 + m_c.omegaL);
}

double LinearCosmology::growth(double z) const
{
    auto unnormalised = [&](double zz) {
        const double a = 1.0 / (1.0 + zz);
        const double lnA = std::log(a);
        double integral;
        if (lnA <= m_growthA.front())
            integral = std::pow(a, 2.5) / (2.5 * std::pow(m_c.omegaM, 1.5));
        else
            integral = interpolate(m_growthA, m_growthD, lnA);
        return hubbleRatio(zz) * integral;
    };
    return unnormalised(z) / unnormalised(0.0);
}

double LinearCosmology::growthRate(double z) const
{
    const double a = 1.0 / (1.0 + z);
    const double e = hubbleRatio(z);
    const double ok = 1.0 - m_c.omegaM - m_c.omegaL;
    const double dlnE = (-3.0 * m_c.omegaM / (a * a * a) - 2.0 * ok / (a * a)) / (2.0 * e * e);
    const double lnA = std::log(a);
    const double integral = lnA <= m_growthA.front() ? std::pow(a, 2.5) / (2.5 * std::pow(m_c.omegaM, 1.5))
                                                     : interpolate(m_growthA, m_growthD, lnA);
    return dlnE + 1.0 / (a * a * e * e * e * integral);
}

double LinearCosmology::collapsedFractionPS(double mass, double z) const
{
    const double nu = kDeltaCrit / (sigmaM(mass) * growth(z));
    return std::erfc(nu / std::sqrt(2.0));
}

double LinearCosmology::collapsedFractionST(double mass, double z) const
{
    constexpr double a = 0.73, p = 0.175, amp = 0.353;
    const double nu0 = std::sqrt(a) * kDeltaCrit / (sigmaM(mass) * growth(z));
    // F(>M) = ∫_{ν̂(M)}^∞ √(2/π) A (1 + ν̂^(−2p)) exp(−ν̂²/2) dν̂ (Simpson; the tail beyond +12 is < 1e-31).
    constexpr int n = 4000;
    const double upper = nu0 + 12.0;
    const double hstep = (upper - nu0) / n;
    auto f = [&](double nu) { return (1.0 + std::pow(nu, -2.0 * p)) * std::exp(-0.5 * nu * nu); };
    double sum = f(nu0) + f(upper);
    for (int i = 1; i < n; ++i)
        sum += f(nu0 + hstep * i) * (i % 2 ? 4.0 : 2.0);
    return std::sqrt(2.0 / std::numbers::pi) * amp * sum * hstep / 3.0;
}

} // namespace rs

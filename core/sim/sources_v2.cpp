#include "sim/sources_v2.h"

#include "util/error.h"
#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rs {

namespace {

// Sheth–Tormen parameters as classic 21cmFAST takes them (Jenkins et al. 2001).
constexpr double kShethA = 0.73, kShethP = 0.175, kShethAmp = 0.353;
constexpr int kMassPoints = 240;

/// ln σ(M) derivative by a centred difference.
double dlnSigmaDlnM(const LinearCosmology& c, double mass)
{
    constexpr double h = 0.02;
    return (std::log(c.sigmaM(mass * std::exp(h))) - std::log(c.sigmaM(mass * std::exp(-h)))) / (2.0 * h);
}

// Physical constants (cgs) and the MHR00 parameters.
constexpr double kMpcCm = 3.086e24, kProtonMass = 1.6726231e-24, kGravity = 6.67259e-8;
constexpr double kHubbleUnit = 3.2407e-18; // H0 / h [1/s]
constexpr double kHeliumFraction = 0.245, kAlphaB10k = 2.59e-13;

/// Miralda-Escudé, Haehnelt & Rees (2000) fit parameters: C0 at z = 2..13 (1 above), β at z = 2..6.
double mhrC0(double z)
{
    static const double c[] = {0.558, 0.599, 0.611, 0.769, 0.868, 0.930, 0.964, 0.983, 0.993, 0.998, 0.999, 1.0};
    if (z <= 2)
        return c[0];
    if (z >= 13)
        return 1.0;
    const int i = int(z - 2.0);
    const double t = z - 2.0 - i;
    return c[i] + t * (c[i + 1] - c[i]);
}

double mhrBeta(double z)
{
    static const double b[] = {-2.23, -2.35, -2.48, -2.49, -2.50};
    if (z <= 2)
        return b[0];
    if (z >= 6)
        return -2.5;
    const int i = int(z - 2.0);
    const double t = z - 2.0 - i;
    return b[i] + t * (b[i + 1] - b[i]);
}

double criticalDensityCgs(double h)
{
    const double h0 = h * kHubbleUnit;
    return 3.0 * h0 * h0 / (8.0 * std::numbers::pi * kGravity);
}

/// Hydrogen neutral fraction in photoionization equilibrium (n_H [cm^-3], Γ12 [1e-12/s], T = 1e4 K).
double neutralFraction(double nH, double gamma12)
{
    const double heCorrection = 1.0 / (4.0 / kHeliumFraction - 3.0);
    const double gamma = gamma12 * 1e-12;
    const double chi = (1.0 + heCorrection) * nH * kAlphaB10k / gamma;
    if (chi < 1e-5)
        return chi; // x_HI ≪ 1: the quadratic's root loses precision there
    const double b = -2.0 - gamma / (nH * (1.0 + heCorrection) * kAlphaB10k);
    return (-b - std::sqrt(b * b - 4.0)) / 2.0;
}

} // namespace

ParkSourceModel::ParkSourceModel(const SimulationParams& params, const LinearCosmology& cosmology, double z)
    : m_params(params)
    , m_cosmology(&cosmology)
    , m_z(z)
    , m_growth(cosmology.growth(z))
    , m_lowMass(params.park.mTurn / 50.0)
{
    // Mean: ∫ w(M) dF_ST/dlnM dlnM from M_turn/50 to 1e18 Msun.
    const double lnLo = std::log(m_lowMass), lnHi = std::log(1e18);
    const double d = (lnHi - lnLo) / kMassPoints;
    double sum = 0;
    for (int i = 0; i <= kMassPoints; ++i) {
        const double m = std::exp(lnLo + d * i);
        const double nu = std::sqrt(kShethA) * kDeltaCrit / (cosmology.sigmaM(m) * m_growth);
        const double f = std::sqrt(2.0 / std::numbers::pi) * kShethAmp * (1.0 + std::pow(nu, -2.0 * kShethP)) * nu
            * std::exp(-0.5 * nu * nu) * std::abs(dlnSigmaDlnM(cosmology, m));
        const double v = f * weight(m);
        sum += (i == 0 || i == kMassPoints) ? 0.5 * v : v;
    }
    m_meanST = sum * d;
}

double ParkSourceModel::weight(double mass) const
{
    const ParkSources& k = m_params.park;
    const double x = mass / 1e10;
    const double fStar = std::min(1.0, k.fStar10 * std::pow(x, k.alphaStar)) / k.fStar10;
    const double fEsc = std::min(1.0, k.fEsc10 * std::pow(x, k.alphaEsc)) / k.fEsc10;
    return fStar * fEsc * std::exp(-k.mTurn / mass);
}

std::vector<float> ParkSourceModel::conditionalTable(double massR, int points, double& step) const
{
    step = (kDeltaCrit + 1.0) / double(points - 1);
    std::vector<float> table(std::size_t(points), 0.0f);
    table.back() = 1.0f;
    if (!(massR > m_lowMass * 1.01))
        return table;
    const double sR = std::pow(m_cosmology->sigmaM(massR), 2);
    const double lnLo = std::log(m_lowMass), lnHi = std::log(massR);
    const int nm = kMassPoints;
    const double d = (lnHi - lnLo) / nm;
    std::vector<double> halfInvS, factor; // 1 / (2(σ² − σ_R²)), w(M) |dσ²/dlnM| (σ² − σ_R²)^(−3/2) / √(2π) · weight
    for (int i = 0; i < nm; ++i) { // the top end (S' = 0) contributes nothing
        const double m = std::exp(lnLo + d * i);
        const double sigma = m_cosmology->sigmaM(m);
        const double s = sigma * sigma - sR;
        if (!(s > 0))
            continue;
        halfInvS.push_back(0.5 / s);
        const double dS = 2.0 * sigma * sigma * std::abs(dlnSigmaDlnM(*m_cosmology, m));
        factor.push_back(
            weight(m) * dS * d * (i == 0 ? 0.5 : 1.0) * std::pow(s, -1.5) / std::sqrt(2.0 * std::numbers::pi));
    }
    for (int j = 0; j + 1 < points; ++j) {
        const double delta = -1.0 + step * j;
        const double x = (kDeltaCrit - delta) / m_growth;
        double sum = 0;
        for (std::size_t i = 0; i < factor.size(); ++i)
            sum += factor[i] * std::exp(-x * x * halfInvS[i]);
        table[std::size_t(j)] = float(sum * x);
    }
    return table;
}

namespace {

/// MHR00 volume-weighted density PDF at redshift z, normalised to 1 over 1e-4 < Δ < 1e5.
class MhrPdf {
public:
    explicit MhrPdf(double z)
        : m_c0(mhrC0(z))
        , m_beta(mhrBeta(z))
        , m_width(2.0 * 7.61 / (3.0 * (1.0 + z)))
    {
        constexpr int kPoints = 400;
        const double lo = std::log(1e-4), hi = std::log(1e5), d = (hi - lo) / kPoints;
        double norm = 0;
        for (int i = 0; i <= kPoints; ++i) {
            const double delta = std::exp(lo + d * i);
            norm += raw(delta) * delta * ((i == 0 || i == kPoints) ? 0.5 : 1.0) * d;
        }
        m_norm = norm;
    }
    double operator()(double delta) const { return raw(delta) / m_norm; }

private:
    double raw(double delta) const
    {
        const double u = (std::pow(delta, -2.0 / 3.0) - m_c0) / m_width;
        return std::exp(-0.5 * u * u) * std::pow(delta, m_beta);
    }
    double m_c0, m_beta, m_width, m_norm = 1;
};

/// The Γ-independent part of the recombination integrand at one effective redshift: the MHR00 PDF
/// on classic's range 0.01 < Δ < 200 (161 points, log-spaced) times n_H Δ α_B.
class RateIntegrand {
public:
    RateIntegrand(double zEff, const MhrPdf& pdf, const Cosmology& c)
        : m_zEff(zEff)
    {
        const double nH
            = criticalDensityCgs(c.h) * c.omegaB * (1.0 - kHeliumFraction) / kProtonMass * std::pow(1.0 + zEff, 3);
        m_nH = nH;
        for (int i = 0; i <= kPoints; ++i) {
            const double delta = std::exp(kLo + kStep * i);
            m_delta[i] = delta;
            m_prefix[i] = nH * delta * pdf(delta) * kAlphaB10k;
        }
    }

    /// Recombinations per baryon and second [1/s] for Γ12 > 0.
    double rate(double gamma12) const
    {
        const double dss = 26.7 * std::pow((1.0 + m_zEff) / 10.0, -3) * std::pow(gamma12, 2.0 / 3.0);
        double rate = 0;
        for (int i = 0; i <= kPoints; ++i) {
            const double delta = m_delta[i];
            const double y = delta / dss;
            const double gammaLocal
                = gamma12 * (0.98 * std::pow(1.0 + std::pow(y, 1.64), -2.28) + 0.02 * std::pow(1.0 + y, -0.84));
            const double xe = 1.0 - neutralFraction(m_nH * delta, gammaLocal);
            const double v = m_prefix[i] * xe * xe * delta * delta;
            rate += v * ((i == 0 || i == kPoints) ? 0.5 : 1.0) * kStep;
        }
        return rate;
    }

private:
    static constexpr int kPoints = 160;
    static inline const double kLo = std::log(0.01), kStep = (std::log(200.0) - std::log(0.01)) / kPoints;
    double m_zEff, m_nH = 0;
    double m_delta[kPoints + 1], m_prefix[kPoints + 1];
};

} // namespace

double recombinationRate(double zEff, double gamma12, const Cosmology& c)
{
    if (!(gamma12 > 0))
        return 0.0;
    return RateIntegrand(zEff, MhrPdf(zEff), c).rate(gamma12);
}

RecombinationTable::RecombinationTable(const Cosmology& cosmology, double zMax, int threads)
    : m_zPoints(int(std::ceil(zMax / kDz)) + 1)
{
    m_table.resize(std::size_t(m_zPoints) * kGammaPoints);
    parallelFor(std::size_t(m_zPoints), threads, [&](std::size_t z0, std::size_t z1) {
        for (std::size_t iz = z0; iz < z1; ++iz) {
            const RateIntegrand row(double(iz) * kDz, MhrPdf(double(iz) * kDz), cosmology);
            for (int ig = 0; ig < kGammaPoints; ++ig)
                m_table[iz * kGammaPoints + std::size_t(ig)] = float(row.rate(std::exp(kLnGammaMin + kDLnGamma * ig)));
        }
    });
}

double RecombinationTable::operator()(double zEff, double gamma12) const
{
    if (!(gamma12 > 0))
        return 0.0;
    const double lg = std::log(gamma12);
    if (lg < kLnGammaMin)
        return 0.0;
    const int iz = std::clamp(int(zEff / kDz + 0.5), 0, m_zPoints - 1); // nearest z row
    double t = (lg - kLnGammaMin) / kDLnGamma;
    t = std::min(t, double(kGammaPoints - 1) - 1e-9);
    const int ig = int(t);
    const float* row = m_table.data() + std::size_t(iz) * kGammaPoints;
    return row[ig] + (t - ig) * (row[ig + 1] - row[ig]);
}

} // namespace rs

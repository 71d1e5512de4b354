#include "sim/ionization.h"

#include "numerics/kspace.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <numbers>

namespace rs {

namespace {

constexpr double kRadiusStep = 1.1;
/// Classic R_BUBBLE_MIN: no filter radius below L_FACTOR × 1 Mpc.
constexpr double kBubbleRadiusMin = kCellRadiusFactor * 1.0;
/// Below this mean number of M_min haloes in a cell, classic 21cmFAST v2 scales the cell's collapsed
/// fraction by a Poisson number of mean N_POISSON divided by N_POISSON (its sub-grid halo scatter).
constexpr double kPoissonMean = 5.0;

/// A Poisson deviate of small mean by inversion of the cumulative distribution.
inline int poissonFor(double mean, double u)
{
    double p = std::exp(-mean), cdf = p;
    int k = 0;
    while (u > cdf && k < 1000) {
        ++k;
        p *= mean / double(k);
        cdf += p;
    }
    return k;
}

/// erfc(max(x, 0)) by linear interpolation in a table on [0, 8] (error < 2e-7); 0 beyond.
class ErfcTable {
public:
    ErfcTable()
    {
        for (int i = 0; i <= kSize; ++i)
            m_v[i] = float(std::erfc(double(i) / kScale));
    }
    float operator()(float x) const
    {
        if (x <= 0.0f)
            return 1.0f;
        const float s = x * float(kScale);
        if (s >= float(kSize))
            return 0.0f;
        const int i = int(s);
        const float t = s - float(i);
        return m_v[i] + t * (m_v[i + 1] - m_v[i]);
    }

private:
    static constexpr int kSize = 8192;
    static constexpr double kScale = kSize / 8.0;
    float m_v[kSize + 1];
};

const ErfcTable& erfcTable()
{
    static const ErfcTable t;
    return t;
}

/// Σ erfc((δc − δ_R)·inv) over the grid held in `work`, added per plane in a fixed order: the same
/// result for any thread count. `planeSums` (N entries) is scratch.
double erfcSum(const fft::Grid& work, float deltaC, float inv, std::vector<double>& planeSums, int threads)
{
    const std::size_t n = work.n();
    const std::size_t padded = work.padded();
    const ErfcTable& erfcT = erfcTable();
    const float* field = work.real();
    double* sums = planeSums.data();
    parallelFor(n, threads, [=, &erfcT](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
            double plane = 0;
            for (std::size_t j = 0; j < n; ++j) {
                const float* d = field + (i * n + j) * padded;
                float rowSum = 0;
                for (std::size_t k = 0; k < n; ++k)
                    rowSum += erfcT((deltaC - d[k]) * inv);
                plane += rowSum;
            }
            sums[i] = plane;
        }
    });
    double total = 0;
    for (double v : planeSums)
        total += v;
    return total;
}

/// `count` fully neutral cubes (x_HI = 1) on the grid of `density`, at redshift z.
std::vector<Cube> neutralCubes(const Cube& density, double z, std::size_t count)
{
    CubeMetadata meta;
    meta.quantity = Quantity::NeutralFraction;
    meta.redshift = z;
    std::vector<Cube> xh;
    for (std::size_t q = 0; q < count; ++q) {
        xh.push_back(Cube::uninitialized(density.shape(), density.boxLength(), meta));
        float* x = xh.back().mutableData();
        std::fill(x, x + density.voxelCount(), 1.0f);
    }
    return xh;
}

} // namespace

double uniformFor(std::uint64_t key)
{
    std::uint64_t z = key + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double(z >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double subgridScatter(double f, double cellMass, double delta, double mMin, double u)
{
    const double collapsed = f * cellMass * std::max(0.0, 1.0 + delta);
    if (collapsed >= kPoissonMean * mMin)
        return f;
    if (collapsed < mMin / 5.0)
        return 0.0;
    return f * double(poissonFor(kPoissonMean, u)) / kPoissonMean;
}

double inverseErfc(double y)
{
    if (!(y > 0 && y < 2))
        throw ParameterError("erfc", "inverse needs 0 < y < 2");
    // Start from a rough guess and polish with Newton steps on erfc(x) − y.
    double x = 0;
    if (y < 1)
        x = std::sqrt(-std::log(y / 2.0)) * 0.9;
    else if (y > 1)
        x = -std::sqrt(-std::log((2.0 - y) / 2.0)) * 0.9;
    for (int it = 0; it < 100; ++it) {
        const double f = std::erfc(x) - y;
        const double df = -2.0 / std::sqrt(std::numbers::pi) * std::exp(-x * x);
        const double step = f / df;
        x -= step;
        if (std::abs(step) < 1e-14 * std::max(1.0, std::abs(x)))
            break;
    }
    return x;
}

double filterWindow(IonizationFilter filter, double k, double radius)
{
    double kr = k * radius;
    switch (filter) {
    case IonizationFilter::SharpK:
        return kr * 0.413566994 > 1.0 ? 0.0 : 1.0;
    case IonizationFilter::Gaussian:
        kr *= 0.643;
        return std::exp(-kr * kr / 2.0);
    case IonizationFilter::TopHat:
        if (kr < 1e-4)
            return 1.0;
        return 3.0 * (std::sin(kr) / (kr * kr * kr) - std::cos(kr) / (kr * kr));
    }
    return 1.0;
}

std::vector<double> ionizationRadii(
    const SimulationParams& params, double minimumMass, const LinearCosmology& cosmology)
{
    // Classic find_HII_bubbles: the radii are the cell radius (at least R_BUBBLE_MIN) times powers
    // of 1.1, the largest below min(R_max, L_FACTOR·L), walked downwards; the step whose next radius
    // would reach the cell becomes the cell step itself. Single precision as there, so that the same
    // radii (and the same choice at the bottom) come out.
    const float cellR = float(kCellRadiusFactor) * float(params.boxMpc) / float(params.dim);
    const float bottom = std::max(cellR, float(kBubbleRadiusMin));
    const float top = std::min(float(params.rMax), float(kCellRadiusFactor) * float(params.boxMpc));
    const float step = float(kRadiusStep);
    float r = bottom;
    while (r < top)
        r *= step;
    r /= step;
    // No source is smaller than M_min: the walk ends above its Lagrangian radius (σ²(M_min) −
    // σ²(M_R) > 0); there the last step, with partial ionization, is made at that radius instead.
    const double rSource = 1.01 * cosmology.lagrangianRadius(minimumMass);
    std::vector<double> radii;
    while (true) {
        if (r / step <= bottom) {
            radii.push_back(std::max(double(bottom), rSource));
            break;
        }
        if (double(r) <= rSource) {
            radii.push_back(rSource);
            break;
        }
        radii.push_back(double(r));
        r /= step;
    }
    return radii;
}

void filterInto(const fft::Grid& fieldK, fft::Grid& out, IonizationFilter filter, double radius, double box,
    const fft::Plans& plans, int threads)
{
    const std::size_t n = fieldK.n();
    const std::size_t nz = n / 2 + 1;
    const std::size_t h = n / 2;
    const double kf = 2 * std::numbers::pi / box;
    const double invN3 = 1.0 / (double(n) * double(n) * double(n));
    std::vector<float> window(3 * h * h + 1);
    for (std::size_t m2 = 0; m2 < window.size(); ++m2)
        window[m2] = float(filterWindow(filter, kf * std::sqrt(double(m2)), radius) * invN3);
    // Band limit: the sharp-k filter is exactly zero beyond its cutoff; the Gaussian is dropped where
    // it falls below 1e-8 (under float resolution). Zeroed lines are skipped by the transform.
    long band = -1;
    if (filter == IonizationFilter::SharpK)
        band = long(std::floor(1.0 / (0.413566994 * radius * kf)));
    else if (filter == IonizationFilter::Gaussian)
        band = long(std::ceil(std::sqrt(-2.0 * std::log(1e-8)) / (0.643 * radius * kf)));
    if (band >= long(h))
        band = -1;
    const std::complex<float>* src = fieldK.complex();
    std::complex<float>* dst = out.complex();
    fft::forEachKRow(n, threads, [&](long fi, long fj, std::size_t base) {
        if (band >= 0 && (std::labs(fi) > band || std::labs(fj) > band)) {
            std::fill(dst + base, dst + base + nz, std::complex<float>(0.0f));
            return;
        }
        const long fij = fi * fi + fj * fj;
        const std::size_t top = band >= 0 ? std::size_t(band) + 1 : nz;
        for (std::size_t m = 0; m < top; ++m)
            dst[base + m] = src[base + m] * window[std::size_t(fij + long(m * m))];
        std::fill(dst + base + top, dst + base + nz, std::complex<float>(0.0f));
    });
    plans.backward(out, band);
}

void walkExcursionSet(const Cube& density, double z, const SimulationParams& params, const LinearCosmology& cosmology,
    const fft::Plans& plans, const ExcursionVisitor& visit, const ProgressFn& progress, const StopToken& stop)
{
    const std::size_t n = density.shape()[0];
    const std::size_t n3 = n * n * n;
    const int threads = params.threadCount();
    const double box = density.boxLength()[0];
    const double cell = box / double(n);
    const double mMin = params.minimumMass(z);
    const double growth = cosmology.growth(z);
    const double fcollST = cosmology.collapsedFractionST(mMin, z);
    const double sigma2Min = std::pow(cosmology.sigmaM(mMin), 2);

    // One k-space copy of δ, reused for every radius; δ_R is made in `work`.
    fft::Grid deltaK(n);
    deltaK.loadReal(density.data());
    plans.forward(deltaK);
    fft::Grid work(n);

    const std::vector<double> radii = ionizationRadii(params, mMin, cosmology);
    const double rCell = kCellRadiusFactor * cell;
    const double invN3 = 1.0 / double(n3);
    std::vector<double> planeSums(n);

    for (std::size_t step = 0; step < radii.size(); ++step) {
        stop.throwIfStopped();
        ExcursionScale scale;
        scale.radius = radii[step];
        scale.cellStep = step + 1 == radii.size();
        if (progress)
            progress(double(step) / double(radii.size()),
                "ionization: R = " + std::to_string(scale.radius).substr(0, 6) + " Mpc");

        // δ_R: filter in k-space (the last step at the cell scale takes δ itself).
        if (scale.cellStep && scale.radius <= rCell * (1.0 + 1e-6)) {
            work.loadReal(density.data());
        } else {
            filterInto(deltaK, work, params.filter, scale.radius, box, plans, threads);
        }

        // Mean PS collapsed fraction of this scale, for the Sheth–Tormen renormalisation.
        const double massR = cosmology.massOfRadius(scale.radius);
        const double dSigma2 = sigma2Min - std::pow(cosmology.sigmaM(massR), 2);
        if (!(dSigma2 > 0))
            continue; // the scale holds no sources above M_min
        scale.width = growth * std::sqrt(2.0 * dSigma2);
        const double total = erfcSum(work, float(kDeltaCrit), float(1.0 / scale.width), planeSums, threads);
        const double meanFcoll = std::max(total * invN3, 1e-30);
        scale.stOverPs = fcollST / meanFcoll;
        visit(scale, work);
    }
}

void maxIonizingRatio(const fft::Grid& deltaR, const ExcursionScale& scale, double zeta, float* maxInto, int threads)
{
    const std::size_t n = deltaR.n(), padded = deltaR.padded();
    const ErfcTable& erfcT = erfcTable();
    const float* field = deltaR.real();
    const float gain = float(zeta * scale.stOverPs * (scale.cellStep ? 2.0 : 1.0));
    const float deltaC = float(kDeltaCrit), inv = float(1.0 / scale.width);
    parallelFor(n * n, threads, [=, &erfcT](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row) {
            const float* d = field + row * padded;
            float* out = maxInto + row * n;
            for (std::size_t k = 0; k < n; ++k)
                out[k] = std::max(out[k], gain * erfcT((deltaC - d[k]) * inv));
        }
    });
}

std::vector<Cube> ionize(const Cube& density, double z, const std::vector<double>& zetas,
    const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans,
    const ProgressFn& progress, const StopToken& stop)
{
    if (zetas.empty())
        throw ParameterError("zeta", "at least one ionizing efficiency is needed");
    for (double zeta : zetas)
        if (!(zeta > 0) || !std::isfinite(zeta))
            throw ParameterError("zeta", "ionizing efficiency must be > 0");
    const std::size_t n = density.shape()[0];
    const int threads = params.threadCount();
    const double cell = density.boxLength()[0] / double(n);

    std::vector<Cube> xh = neutralCubes(density, z, zetas.size());
    std::vector<float*> xhData;
    for (Cube& c : xh)
        xhData.push_back(c.mutableData());

    const double mMin = params.minimumMass(z);
    const double fcollST = cosmology.collapsedFractionST(mMin, z);
    double maxZeta = *std::max_element(zetas.begin(), zetas.end());
    if (fcollST * maxZeta < 1e-3) { // classic HII_ROUND_ERR: the universe is still fully neutral
        if (progress)
            progress(1.0, "ionization: fully neutral");
        return xh;
    }
    const double cellMass = cosmology.massOfRadius(kCellRadiusFactor * cell); // mean matter mass of one cell [Msun]
    // Halo draws are keyed by seed, redshift and cell: identical for every ζ of this box.
    const std::uint64_t drawKey
        = (std::uint64_t(params.seed) * 0x100000001b3ULL) ^ (std::uint64_t(std::llround(z * 1e4)) << 40);
    const ErfcTable& erfcT = erfcTable();

    walkExcursionSet(
        density, z, params, cosmology, plans,
        [&](const ExcursionScale& scale, const fft::Grid& work) {
            const bool last = scale.cellStep;
            const std::size_t padded = work.padded();
            const double denom = scale.width, stOverPs = scale.stOverPs;
            const float inv = float(1.0 / denom);
            const float deltaC = float(kDeltaCrit);
            // Flag: ζ·stOverPs·erfc(x) ≥ 1 ⇔ δ_R ≥ δc − D √(2Δσ²) erfc⁻¹(1 / (ζ·stOverPs)).
            for (std::size_t q = 0; q < zetas.size(); ++q) {
                const double y = 1.0 / (zetas[q] * stOverPs);
                if (y > 1.0) { // f_coll ≤ 1 everywhere: nothing reaches the threshold at this scale
                    if (!last)
                        continue;
                }
                const float threshold
                    = y > 1.0 ? std::numeric_limits<float>::infinity() : float(kDeltaCrit - denom * inverseErfc(y));
                float* x = xhData[q];
                const float zeta = float(zetas[q]);
                const float norm = float(stOverPs);
                const float* field = work.real();
                parallelFor(n * n, threads, [=, &erfcT](std::size_t r0, std::size_t r1) {
                    for (std::size_t row = r0; row < r1; ++row) {
                        const float* d = field + row * padded; // row = i * n + j
                        float* out = x + row * n;
                        if (!last) {
                            for (std::size_t k = 0; k < n; ++k) // branch-free: vectorises
                                out[k] = d[k] >= threshold ? 0.0f : out[k];
                            continue;
                        }
                        for (std::size_t k = 0; k < n; ++k) {
                            if (d[k] >= threshold) {
                                out[k] = 0.0f;
                            } else if (out[k] > 0.0f) {
                                // Partial ionization at the cell scale. Where the cell's collapsed
                                // mass is under N_POISSON M_min haloes, classic 21cmFAST v2 scales it
                                // by a Poisson draw of mean N_POISSON over N_POISSON (haloes of a
                                // characteristic mass), and drops it below M_min / 5.
                                const std::uint64_t cellIndex = std::uint64_t(row) * n + k;
                                const double f = subgridScatter(double(norm) * double(erfcT((deltaC - d[k]) * inv)),
                                    cellMass, double(d[k]), mMin, uniformFor(drawKey ^ cellIndex));
                                out[k] = float(std::clamp(1.0 - double(zeta) * f, 0.0, 1.0));
                            }
                        }
                    }
                });
            }
        },
        progress, stop);
    if (progress)
        progress(1.0, "ionization");
    return xh;
}

} // namespace rs

#include "sim/reionization_history.h"

#include "sim/ionization.h"
#include "sim/sources_v2.h"
#include "util/error.h"
#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rs {

namespace {

constexpr double kCellRadiusFactor = 0.620350491;
constexpr int kTablePoints = 256;
// Γ12 of an HII region of radius R (classic find_HII_bubbles): (1+z)² R σ_HI α/(α+2.75) n_b ζ ḟ / 1e-12.
constexpr double kSigmaHI = 6.3e-18, kUvbIndex = 5.0, kMpcCm = 3.086e24, kProtonMass = 1.6726231e-24;
constexpr double kGravity = 6.67259e-8, kHubbleUnit = 3.2407e-18;

/// Photons per baryon over ζ of a cell at evolved overdensity δ from a table on [−1, δc].
inline float lookup(const std::vector<float>& table, double step, float delta)
{
    if (delta >= float(kDeltaCrit))
        return 1.0f;
    const double t = std::max(0.0, (double(delta) + 1.0) / step);
    const std::size_t i = std::min(std::size_t(t), table.size() - 2);
    const float f = float(t - double(i));
    return table[i] + f * (table[i + 1] - table[i]);
}

/// Whether any cell not yet flagged (x ≠ 0) has a filtered δ of at least `reach`.
bool anyWithin(const float* x, const float* d, std::size_t n, std::size_t padded, float reach, int threads)
{
    std::vector<char> hit(n, 0);
    parallelFor(n, threads, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
            bool any = false; // branch-free over each row, so the compiler can vectorise it
            for (std::size_t row = i * n; row < (i + 1) * n && !any; ++row)
                for (std::size_t k = 0; k < n; ++k)
                    any |= (x[row * n + k] != 0.0f) & (d[row * padded + k] >= reach);
            hit[i] = any;
        }
    });
    return std::any_of(hit.begin(), hit.end(), [](char h) { return h != 0; });
}

/// Σ over the filtered grid in `work` of the table's photons per baryon, added per plane in a fixed
/// order (the same result for any thread count).
double tableSum(const fft::Grid& work, const std::vector<float>& table, double tableStep, int threads)
{
    const std::size_t n = work.n(), padded = work.padded();
    std::vector<double> planes(n);
    const float* d = work.real();
    parallelFor(n, threads, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
            double sum = 0;
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t k = 0; k < n; ++k)
                    sum += lookup(table, tableStep, std::max(d[(i * n + j) * padded + k], -1.0f + 1e-7f));
            planes[i] = sum;
        }
    });
    double total = 0;
    for (double v : planes)
        total += v;
    return total;
}

/// Adds one step's recombinations (per baryon) to `nrec` in the cells that are ionized and have a
/// photoionization rate over a step of Δz = `dz`; `d` is the unfiltered density.
void addRecombinations(std::vector<float>& nrec, const std::vector<float>& gamma, const float* x, const float* d,
    const RecombinationTable& rates, double z, double dtdz, double dz, int threads)
{
    parallelFor(nrec.size(), threads, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; ++c) {
            if (x[c] >= 1.0f || gamma[c] <= 0.0f)
                continue;
            const double zEff = (1.0 + z) * std::cbrt(std::max(1e-7, 1.0 + double(d[c]))) - 1.0;
            nrec[c] += float(rates(zEff, gamma[c]) * dtdz * dz * (1.0 - x[c]));
        }
    });
}

} // namespace

ReionizationHistory::ReionizationHistory(
    const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans)
    : m_params(params)
    , m_cosmology(&cosmology)
    , m_plans(&plans)
    , m_n(params.dim)
{
    if (params.sources != SourceModel::ParkV2)
        throw ParameterError("sources", "a reionization history needs the v2 source model");
    const std::size_t n3 = m_n * m_n * m_n;
    m_gamma.assign(n3, 0.0f);
    if (params.park.recombinations) {
        m_nrec.assign(n3, 0.0f);
        // Effective redshifts reach (1+z)(1+δ)^(1/3) − 1; δ < 26 covers every cell of interest.
        m_rates = std::make_unique<RecombinationTable>(params.cosmology, 3.0 * (1.0 + params.park.zStart));
    }
}

ReionizationHistory::~ReionizationHistory() = default;

std::vector<double> ReionizationHistory::schedule(const ParkSources& park, std::vector<double> targets)
{
    std::sort(targets.begin(), targets.end(), std::greater<>());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    std::vector<double> zs;
    if (targets.empty())
        return zs;
    const double lowest = targets.back();
    std::size_t t = 0;
    for (int k = 0;; ++k) {
        const double z = park.zStart - park.zStep * k;
        while (t < targets.size() && targets[t] > z + 1e-9)
            zs.push_back(targets[t++]);
        if (z < lowest - 1e-9)
            break;
        if (t < targets.size() && std::abs(targets[t] - z) <= 1e-9)
            ++t;
        zs.push_back(z);
    }
    while (t < targets.size())
        zs.push_back(targets[t++]);
    return zs;
}

Cube ReionizationHistory::step(const Cube& density, double z, const ProgressFn& progress, const StopToken& stop)
{
    const std::size_t n = m_n, n3 = n * n * n;
    if (density.shape() != Shape {n, n, n})
        throw ParameterError("density", "needs the history's own " + std::to_string(n) + "^3 grid");
    if (m_previousZ && !(z < *m_previousZ))
        throw ParameterError("z", "a history steps from high to low redshift");
    const double dz = m_previousZ ? *m_previousZ - z : m_params.park.zStep;
    m_previousZ = z;
    CubeMetadata meta;
    meta.quantity = Quantity::NeutralFraction;
    meta.redshift = z;
    Cube xh = Cube::uninitialized(density.shape(), density.boxLength(), meta);
    float* x = xh.mutableData();
    std::fill(x, x + n3, 1.0f);

    const ParkSourceModel model(m_params, *m_cosmology, z);
    const double zeta = m_params.effectiveZeta();
    if (model.meanShethTormen() * zeta < 1e-3) // classic HII_ROUND_ERR: still fully neutral
        return xh;
    const int threads = m_params.threadCount();
    const double box = density.boxLength()[0];
    const double rCell = kCellRadiusFactor * box / double(n);
    const bool recombinations = m_params.park.recombinations;

    fft::Grid deltaK(n), work(n), nrecK, nrecWork;
    deltaK.loadReal(density.data());
    m_plans->forward(deltaK);
    // Until a cell has recombined, n_rec is zero everywhere, and so is every filtered copy of it:
    // the transforms are skipped then (the criterion reads rec = 0 either way).
    const bool withRec = recombinations && m_nrecNonzero;
    if (withRec) {
        nrecK = fft::Grid(n);
        nrecWork = fft::Grid(n);
        nrecK.loadReal(m_nrec.data());
        m_plans->forward(nrecK);
    }
    std::fill(m_gamma.begin(), m_gamma.end(), 0.0f);
    const std::vector<double> radii = ionizationRadii(m_params, m_params.park.mTurn, *m_cosmology);
    const double hubble = m_params.cosmology.h * kHubbleUnit * m_cosmology->hubbleRatio(z); // [1/s]
    const double tStar = m_params.park.tStar / hubble;
    const double baryons = 3.0 * std::pow(m_params.cosmology.h * kHubbleUnit, 2) / (8.0 * std::numbers::pi * kGravity)
        * m_params.cosmology.omegaB / kProtonMass; // n_b today [cm^-3]
    const double cellMass = m_cosmology->massOfRadius(rCell);
    const std::uint64_t drawKey
        = (std::uint64_t(m_params.seed) * 0x100000001b3ULL) ^ (std::uint64_t(std::llround(z * 1e4)) << 40);
    const std::size_t padded = work.padded();

    for (std::size_t s = 0; s < radii.size(); ++s) {
        stop.throwIfStopped();
        const double radius = radii[s];
        const bool last = s + 1 == radii.size();
        if (progress)
            progress(double(s) / double(radii.size()), "ionization (v2): R = " + std::to_string(radius).substr(0, 6));
        const bool unfiltered = last && radius <= rCell * (1.0 + 1e-6);
        if (unfiltered) {
            work.loadReal(density.data());
            if (withRec)
                nrecWork.loadReal(m_nrec.data());
        } else {
            filterInto(deltaK, work, m_params.filter, radius, box, *m_plans, threads);
        }
        double tableStep = 0;
        const std::vector<float> table
            = model.conditionalTable(m_cosmology->massOfRadius(radius), kTablePoints, tableStep);
        const float* d = work.real();
        const double total = tableSum(work, table, tableStep, threads);
        const double norm = model.meanShethTormen() / std::max(total / double(n3), 1e-30);
        const double gammaPrefactor = std::pow(1.0 + z, 2) * radius * kMpcCm * kSigmaHI * kUvbIndex / (kUvbIndex + 2.75)
            * baryons * zeta / 1e-12 / tStar;
        // Photons per baryon grow with δ, and recombinations only raise the bar: below the δ where
        // ζ f reaches 1 no cell can be flagged (a conservative bound from the table's grid).
        float reach = float(kDeltaCrit);
        for (std::size_t i = 0; i < table.size(); ++i)
            if (norm * zeta * double(table[i]) > 1.0) {
                reach = float(-1.0 + tableStep * (double(i) - 1.0));
                break;
            }
        // At a radius where no unflagged cell reaches that bound nothing changes (only the last
        // radius adds partial ionization): the filtered n_rec would go unread, so skip its transform.
        if (withRec && !last && !anyWithin(x, d, n, padded, reach, threads))
            continue;
        if (withRec && !unfiltered)
            filterInto(nrecK, nrecWork, m_params.filter, radius, box, *m_plans, threads);
        const float* r = withRec ? nrecWork.real() : nullptr;
        parallelFor(n * n, threads, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t row = r0; row < r1; ++row)
                for (std::size_t k = 0; k < n; ++k) {
                    const std::size_t c = row * n + k;
                    if (x[c] == 0.0f || (!last && d[row * padded + k] < reach))
                        continue; // flagged at a larger radius, or out of reach at this one
                    const float delta = std::max(d[row * padded + k], -1.0f + 1e-7f);
                    const double f = norm * double(lookup(table, tableStep, delta));
                    const double rec = r ? std::max(0.0f, r[row * padded + k]) / (1.0 + double(delta)) : 0.0;
                    if (f * zeta > 1.0 + rec) {
                        if (x[c] > 1e-7f)
                            m_gamma[c] = float(gammaPrefactor * f);
                        x[c] = 0.0f;
                    } else if (last && x[c] > 0.0f) {
                        const double fs = subgridScatter(
                            f, cellMass, double(delta), m_params.park.mTurn, uniformFor(drawKey ^ std::uint64_t(c)));
                        x[c] = float(std::clamp(1.0 - fs * zeta, 0.0, 1.0));
                    }
                }
        });
    }
    if (recombinations) {
        addRecombinations(m_nrec, m_gamma, x, density.data(), *m_rates, z, 1.0 / (hubble * (1.0 + z)), dz, threads);
        m_nrecNonzero = m_nrecNonzero || std::any_of(m_nrec.begin(), m_nrec.end(), [](float v) { return v != 0.0f; });
    }
    if (progress)
        progress(1.0, "ionization (v2)");
    return xh;
}

} // namespace rs

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

constexpr int kTablePoints = 256;
// Γ12 of an HII region of radius R (classic find_HII_bubbles): (1+z)² R σ_HI α/(α+2.75) n_b ζ ḟ / 1e-12.
constexpr double kSigmaHI = 6.3e-18, kUvbIndex = 5.0, kMpcCm = 3.086e24, kProtonMass = 1.6726231e-24;
constexpr double kGravity = 6.67259e-8, kHubbleUnit = 3.2407e-18;

/// Photons per baryon over ζ of a cell at evolved overdensity δ: linear between the points of a
/// table on [−1, δc] (entry i at −1 + i·step), 1 from δc up. Single precision, multiplications only
/// (it runs twice per cell and radius).
class PhotonLookup {
public:
    PhotonLookup(const std::vector<float>& table, double step)
        : m_slopes(table.size(), 0.0f)
        , m_value(table.data())
        , m_slope(m_slopes.data())
        , m_inverseStep(float(1.0 / step))
        , m_top(float(table.size() - 1))
        , m_last(table.size() - 2)
    {
        for (std::size_t i = 0; i + 1 < table.size(); ++i)
            m_slopes[i] = table[i + 1] - table[i];
    }
    float operator()(float delta) const
    {
        if (delta >= float(kDeltaCrit))
            return 1.0f;
        const float t = std::clamp((delta + 1.0f) * m_inverseStep, 0.0f, m_top);
        const std::size_t i = std::min(std::size_t(t), m_last);
        return m_value[i] + (t - float(i)) * m_slope[i];
    }

private:
    std::vector<float> m_slopes;
    const float *m_value, *m_slope;
    float m_inverseStep, m_top;
    std::size_t m_last;
};

/// Σ over the filtered grid `d` (padded rows) of the table's photons per baryon, added per row in
/// single and per plane in double precision in a fixed order (the same result for any thread
/// count), and the largest filtered δ among the cells not yet flagged (x ≠ 0; −2 when none).
std::pair<double, float> tableSum(
    const float* d, const float* x, std::size_t n, std::size_t padded, const PhotonLookup& photons, int threads)
{
    std::vector<double> planes(n);
    std::vector<float> open(n);
    parallelFor(n, threads, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
            double sum = 0;
            float top = -2.0f;
            for (std::size_t j = 0; j < n; ++j) {
                const float* row = d + (i * n + j) * padded;
                const float* xr = x + (i * n + j) * n;
                float part[4] = {0, 0, 0, 0}, high[4] = {-2, -2, -2, -2}; // four independent chains
                std::size_t k = 0;
                for (; k + 4 <= n; k += 4)
                    for (std::size_t l = 0; l < 4; ++l) {
                        part[l] += photons(row[k + l]);
                        high[l] = std::max(high[l], xr[k + l] != 0.0f ? row[k + l] : -2.0f);
                    }
                for (; k < n; ++k) {
                    part[0] += photons(row[k]);
                    high[0] = std::max(high[0], xr[k] != 0.0f ? row[k] : -2.0f);
                }
                sum += double((part[0] + part[1]) + (part[2] + part[3]));
                top = std::max({top, high[0], high[1], high[2], high[3]});
            }
            planes[i] = sum;
            open[i] = top;
        }
    });
    double total = 0;
    for (double v : planes)
        total += v;
    return {total, *std::max_element(open.begin(), open.end())};
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
    if (params.park.recombinations) {
        m_nrec.assign(n3, 0.0f);
        // Effective redshifts reach (1+z)(1+δ)^(1/3) − 1; δ < 26 covers every cell of interest.
        m_rates = std::make_unique<RecombinationTable>(
            params.cosmology, 3.0 * (1.0 + params.park.zStart), params.threadCount());
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

    // The step's grids live as long as the history (no page faults per step); releaseBuffers() frees them.
    for (fft::Grid* g : {&m_deltaK, &m_work})
        if (g->empty())
            *g = fft::Grid(n);
    m_deltaK.loadReal(density.data());
    m_plans->forward(m_deltaK);
    // Until a cell has recombined, n_rec is zero everywhere, and so is every filtered copy of it:
    // the transforms are skipped then (the criterion reads rec = 0 either way).
    const bool withRec = recombinations && m_nrecNonzero;
    if (withRec) {
        for (fft::Grid* g : {&m_nrecK, &m_nrecWork})
            if (g->empty())
                *g = fft::Grid(n);
        m_nrecK.loadReal(m_nrec.data());
        m_plans->forward(m_nrecK);
    }
    const std::vector<double> radii = ionizationRadii(m_params, m_params.park.mTurn, *m_cosmology);
    const double hubble = m_params.cosmology.h * kHubbleUnit * m_cosmology->hubbleRatio(z); // [1/s]
    const double tStar = m_params.park.tStar / hubble;
    const double dtdz = 1.0 / (hubble * (1.0 + z));
    const double baryons = 3.0 * std::pow(m_params.cosmology.h * kHubbleUnit, 2) / (8.0 * std::numbers::pi * kGravity)
        * m_params.cosmology.omegaB / kProtonMass; // n_b today [cm^-3]
    const double cellMass = m_cosmology->massOfRadius(rCell);
    const std::uint64_t drawKey
        = (std::uint64_t(m_params.seed) * 0x100000001b3ULL) ^ (std::uint64_t(std::llround(z * 1e4)) << 40);
    const std::size_t padded = m_work.padded();
    const float* raw = density.data();

    for (std::size_t s = 0; s < radii.size(); ++s) {
        stop.throwIfStopped();
        const double radius = radii[s];
        const bool last = s + 1 == radii.size();
        if (progress)
            progress(double(s) / double(radii.size()), "ionization (v2): R = " + std::to_string(radius).substr(0, 6));
        const bool unfiltered = last && radius <= rCell * (1.0 + 1e-6);
        if (unfiltered) {
            m_work.loadReal(raw);
            if (withRec)
                m_nrecWork.loadReal(m_nrec.data()); // the cells flagged above are not read again
        } else {
            filterInto(m_deltaK, m_work, m_params.filter, radius, box, *m_plans, threads);
        }
        double tableStep = 0;
        const std::vector<float> table
            = model.conditionalTable(m_cosmology->massOfRadius(radius), kTablePoints, tableStep);
        const PhotonLookup photons(table, tableStep);
        const float* d = m_work.real();
        const auto [total, openMax] = tableSum(d, x, n, padded, photons, threads);
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
        if (!last && openMax < reach)
            continue;
        if (withRec && !unfiltered)
            filterInto(m_nrecK, m_nrecWork, m_params.filter, radius, box, *m_plans, threads);
        const float* r = withRec ? m_nrecWork.real() : nullptr;
        parallelFor(n * n, threads, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t row = r0; row < r1; ++row)
                for (std::size_t k = 0; k < n; ++k) {
                    const std::size_t c = row * n + k;
                    if (x[c] == 0.0f || (!last && d[row * padded + k] < reach))
                        continue; // flagged at a larger radius, or out of reach at this one
                    const float delta = std::max(d[row * padded + k], -1.0f + 1e-7f);
                    const double f = norm * double(photons(delta));
                    const double rec = r ? std::max(0.0f, r[row * padded + k]) / (1.0 + double(delta)) : 0.0;
                    if (f * zeta > 1.0 + rec) {
                        // Flagged at its largest ionizing radius: that radius's Γ12 sets the cell's
                        // recombinations over this step (added now: n_rec of this cell is not read again).
                        if (recombinations && x[c] > 1e-7f)
                            m_nrec[c] += recombinationsOver(raw[c], float(gammaPrefactor * f), z, dtdz, dz);
                        x[c] = 0.0f;
                    } else if (last && x[c] > 0.0f) {
                        const double fs = subgridScatter(
                            f, cellMass, double(delta), m_params.park.mTurn, uniformFor(drawKey ^ std::uint64_t(c)));
                        x[c] = float(std::clamp(1.0 - fs * zeta, 0.0, 1.0));
                    }
                }
        });
    }
    if (recombinations)
        m_nrecNonzero = m_nrecNonzero || std::any_of(m_nrec.begin(), m_nrec.end(), [](float v) { return v != 0.0f; });
    if (progress)
        progress(1.0, "ionization (v2)");
    return xh;
}

float ReionizationHistory::recombinationsOver(float delta, float gamma12, double z, double dtdz, double dz) const
{
    // A fully ionized cell (x_HI = 0) at its effective redshift (1+z)(1+δ)^(1/3) − 1.
    const double zEff = (1.0 + z) * std::cbrt(std::max(1e-7, 1.0 + double(delta))) - 1.0;
    return float((*m_rates)(zEff, gamma12) * dtdz * dz);
}

void ReionizationHistory::releaseBuffers()
{
    for (fft::Grid* g : {&m_deltaK, &m_work, &m_nrecK, &m_nrecWork})
        g->release();
}

} // namespace rs

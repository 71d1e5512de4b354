#include "ml/generation_metrics.h"

#include "ml/dataset.h"
#include "ml/translation_metrics.h"
#include "stats/pdf.h"
#include "stats/power_spectrum.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>

namespace rs::ml {

std::map<std::pair<double, double>, std::vector<std::int64_t>> samplesByPoint(const DatasetFile& ds, Split split)
{
    std::map<std::pair<double, double>, std::vector<std::int64_t>> groups;
    for (std::int64_t i : ds.indices(split)) {
        const SampleLabels& l = ds.labels()[std::size_t(i)];
        groups[{l.z, l.zeta}].push_back(i);
    }
    return groups;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double median(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
    if (v.empty())
        return kNaN;
    std::sort(v.begin(), v.end());
    const std::size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

/// Mean over all pairs of maps of the RMS difference.
double meanPairDistance(const std::vector<float>& maps, std::size_t count, std::size_t px)
{
    if (count < 2)
        return kNaN;
    double sum = 0;
    std::size_t pairs = 0;
    for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = a + 1; b < count; ++b) {
            const float* x = maps.data() + a * px;
            const float* y = maps.data() + b * px;
            double d2 = 0;
            for (std::size_t i = 0; i < px; ++i)
                d2 += double(x[i] - y[i]) * double(x[i] - y[i]);
            sum += std::sqrt(d2 / double(px));
            ++pairs;
        }
    return sum / double(pairs);
}

double neutralFraction(const std::vector<float>& maps, Quantity q)
{
    double s = 0;
    const double thr = ionizedThreshold(q);
    for (float v : maps)
        s += q == Quantity::NeutralFraction ? double(v) : (v >= thr ? 1.0 : 0.0);
    return maps.empty() ? kNaN : s / double(maps.size());
}

} // namespace

std::vector<double> meanPower2d(
    const float* maps, std::size_t count, std::size_t rows, std::size_t cols, double cellMpc, std::vector<double>& k)
{
    if (!count)
        throw ParameterError("generation metrics", "no maps");
    std::vector<double> d2;
    for (std::size_t m = 0; m < count; ++m) {
        const PowerSpectrum ps = powerSpectrum2d(maps + m * rows * cols, rows, cols, cellMpc, cellMpc);
        if (d2.empty()) {
            k = ps.k;
            d2.assign(ps.k.size(), 0.0);
        }
        if (ps.delta2.size() != d2.size())
            throw ParameterError("generation metrics", "maps with different spectrum bins");
        for (std::size_t b = 0; b < d2.size(); ++b)
            d2[b] += ps.delta2[b] / double(count);
    }
    return d2;
}

namespace {

void requireMaps(std::size_t size, std::size_t rows, std::size_t cols)
{
    const std::size_t px = rows * cols;
    if (!px || !size || size % px)
        throw ParameterError("generation metrics",
            "needs whole maps of " + std::to_string(rows) + "x" + std::to_string(cols) + ", simulated and generated");
}

} // namespace

SimulatedReference simulatedReference(
    const std::vector<float>& simulated, std::size_t rows, std::size_t cols, double cellMpc)
{
    requireMaps(simulated.size(), rows, cols);
    if (!(cellMpc > 0))
        throw ParameterError("generation metrics", "needs the pixel size");
    SimulatedReference ref;
    ref.rows = rows;
    ref.cols = cols;
    ref.cellMpc = cellMpc;
    ref.power = meanPower2d(simulated.data(), simulated.size() / (rows * cols), rows, cols, cellMpc, ref.k);
    ref.sorted = sortedFinite(simulated.data(), simulated.size());
    return ref;
}

std::pair<double, double> powerRatioAndKs(const SimulatedReference& ref, const std::vector<float>& generated)
{
    requireMaps(generated.size(), ref.rows, ref.cols);
    std::vector<double> kGen;
    const std::vector<double> pGen = meanPower2d(
        generated.data(), generated.size() / (ref.rows * ref.cols), ref.rows, ref.cols, ref.cellMpc, kGen);
    std::vector<double> ratios;
    for (std::size_t b = 0; b < ref.k.size() && b < pGen.size(); ++b)
        if (ref.k[b] > 0.1 && ref.k[b] < 1.0 && ref.power[b] > 1e-12)
            ratios.push_back(pGen[b] / ref.power[b]);
    const std::vector<float> sorted = sortedFinite(generated.data(), generated.size());
    if (ref.sorted.empty() || sorted.empty())
        throw ParameterError("generation metrics", "maps without a finite value");
    return {median(ratios), ksDistanceSorted(ref.sorted, sorted)};
}

GenerationGroupMetrics compareGeneratedGroup(double z, double zeta, const std::vector<float>& simulated,
    const std::vector<float>& generated, std::size_t rows, std::size_t cols, double cellMpc, Quantity quantity)
{
    const SimulatedReference ref = simulatedReference(simulated, rows, cols, cellMpc);
    const std::size_t px = rows * cols;
    GenerationGroupMetrics g;
    g.z = z;
    g.zeta = zeta;
    g.simulated = simulated.size() / px;
    g.generated = generated.size() / px;
    std::tie(g.powerRatioMedian, g.pdfKs) = powerRatioAndKs(ref, generated);
    g.nfSimulated = neutralFraction(simulated, quantity);
    g.nfGenerated = neutralFraction(generated, quantity);
    g.nfError = g.nfGenerated - g.nfSimulated;
    const double dSim = meanPairDistance(simulated, g.simulated, px);
    g.diversity = dSim > 1e-9 ? meanPairDistance(generated, g.generated, px) / dSim : kNaN;
    return g;
}

GenerationMetrics summariseGeneration(std::vector<GenerationGroupMetrics> groups)
{
    if (groups.empty())
        throw ParameterError("generation metrics", "no parameter groups to compare");
    GenerationMetrics m;
    std::vector<double> ratios, diversity;
    m.powerRatioMin = kNaN;
    m.powerRatioMax = kNaN;
    for (const GenerationGroupMetrics& g : groups) {
        ratios.push_back(g.powerRatioMedian);
        diversity.push_back(g.diversity);
        if (std::isfinite(g.powerRatioMedian)) {
            m.powerRatioMin
                = std::isfinite(m.powerRatioMin) ? std::min(m.powerRatioMin, g.powerRatioMedian) : g.powerRatioMedian;
            m.powerRatioMax
                = std::isfinite(m.powerRatioMax) ? std::max(m.powerRatioMax, g.powerRatioMedian) : g.powerRatioMedian;
        }
        m.pdfKs += g.pdfKs / double(groups.size());
        m.pdfKsMax = std::max(m.pdfKsMax, g.pdfKs);
        m.nfError += g.nfError / double(groups.size());
        m.nfErrorMaxAbs = std::max(m.nfErrorMaxAbs, std::abs(g.nfError));
    }
    m.powerRatioMedian = median(ratios);
    m.diversity = median(diversity);
    m.groups = std::move(groups);
    return m;
}

} // namespace rs::ml

#include "ml/generation_metrics.h"

#include "cube/cube.h"
#include "ml/dataset.h"
#include "ml/translation_metrics.h"
#include "stats/pdf.h"
#include "stats/power_spectrum.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

Cube asCube(const std::vector<float>& maps, std::size_t count, std::size_t rows, std::size_t cols, double cell)
{
    Cube c = Cube::uninitialized({count, rows, cols}, {cell * double(count), cell * double(rows), cell * double(cols)});
    std::copy(maps.begin(), maps.end(), c.mutableData());
    return c;
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

GenerationGroupMetrics compareGeneratedGroup(double z, double zeta, const std::vector<float>& simulated,
    const std::vector<float>& generated, std::size_t rows, std::size_t cols, double cellMpc, Quantity quantity)
{
    const std::size_t px = rows * cols;
    if (!px || simulated.empty() || generated.empty() || simulated.size() % px || generated.size() % px)
        throw ParameterError("generation metrics",
            "needs whole maps of " + std::to_string(rows) + "x" + std::to_string(cols) + ", simulated and generated");
    if (!(cellMpc > 0))
        throw ParameterError("generation metrics", "needs the pixel size");
    GenerationGroupMetrics g;
    g.z = z;
    g.zeta = zeta;
    g.simulated = simulated.size() / px;
    g.generated = generated.size() / px;
    std::vector<double> kSim, kGen;
    const std::vector<double> pSim = meanPower2d(simulated.data(), g.simulated, rows, cols, cellMpc, kSim);
    const std::vector<double> pGen = meanPower2d(generated.data(), g.generated, rows, cols, cellMpc, kGen);
    std::vector<double> ratios;
    for (std::size_t b = 0; b < kSim.size() && b < pGen.size(); ++b)
        if (kSim[b] > 0.1 && kSim[b] < 1.0 && pSim[b] > 1e-12)
            ratios.push_back(pGen[b] / pSim[b]);
    g.powerRatioMedian = median(ratios);
    g.pdfKs = ksDistance(
        asCube(simulated, g.simulated, rows, cols, cellMpc), asCube(generated, g.generated, rows, cols, cellMpc));
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

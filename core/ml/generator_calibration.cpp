// The generator's noise calibration (detail::calibrateNoiseScale, evaluation.h): the multiplier of
// the decoded σ that makes maps drawn from the prior match the validation split's value
// distributions.
#include "ml/dataset.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/generator_net.h"
#include "ml/generation_metrics.h"
#include "ml/translation_metrics.h"

#include <cmath>
#include <limits>
#include <map>

namespace rs::ml::detail {

namespace {

/// The coarse grid of multipliers, then one step of half the spacing either side of its best.
constexpr double kScaleLow = 0.3, kScaleHigh = 1.5, kScaleStep = 0.1;

/// Groups of a split whose simulated maps have neutral cells (fully ionized ones have no value
/// distribution to match).
struct SimulatedGroup {
    double z = 0, zeta = 0;
    std::vector<float> maps;
};

std::vector<SimulatedGroup> neutralGroups(const DatasetFile& ds, Split split, double threshold)
{
    std::map<std::pair<double, double>, std::vector<std::int64_t>> byPoint;
    for (std::int64_t i : ds.indices(split)) {
        const SampleLabels& l = ds.labels()[std::size_t(i)];
        byPoint[{l.z, l.zeta}].push_back(i);
    }
    const std::size_t px = ds.info().rows * ds.info().cols;
    std::vector<SimulatedGroup> groups;
    for (const auto& [zq, idx] : byPoint) {
        SimulatedGroup g {zq.first, zq.second, std::vector<float>(idx.size() * px)};
        ds.readSamples(idx.data(), idx.size(), g.maps.data());
        std::size_t neutral = 0;
        for (float v : g.maps)
            neutral += v >= threshold;
        if (double(neutral) >= 0.01 * double(g.maps.size()))
            groups.push_back(std::move(g));
    }
    return groups;
}

/// Mean KS distance between each group and as many maps generated at its parameters (the same
/// seeds for every multiplier, so the comparison between multipliers is not sampling noise).
double meanKs(NetBase& net, const RunConfig& c, const std::vector<SimulatedGroup>& groups, const torch::Device& d)
{
    const std::size_t px = c.rows * c.cols;
    const double cell = std::isfinite(c.cellSizeMpc) && c.cellSizeMpc > 0 ? c.cellSizeMpc : 1.0;
    double sum = 0;
    std::uint64_t seed = c.seed + 0x51A7ull;
    for (const SimulatedGroup& g : groups) {
        const torch::Tensor gen = generateMaps(net, c, g.z, g.zeta, g.maps.size() / px, seed++, d);
        const std::vector<float> genv(gen.data_ptr<float>(), gen.data_ptr<float>() + gen.numel());
        sum += compareGeneratedGroup(g.z, g.zeta, g.maps, genv, c.rows, c.cols, cell, c.quantity).pdfKs;
    }
    return sum / double(groups.size());
}

} // namespace

bool calibrateNoiseScale(NetBase& net, RunConfig& c, const DatasetFile& ds, const torch::Device& device)
{
    auto* g = dynamic_cast<GeneratorNetImpl*>(&net);
    if (!g || !g->noise() || ds.info().rows != c.rows || ds.info().cols != c.cols)
        return false;
    const std::vector<SimulatedGroup> groups = neutralGroups(ds, Split::Validation, ionizedThreshold(c.quantity));
    if (groups.empty())
        return false;
    const bool training = net.is_training();
    net.eval();
    double best = 1.0, bestKs = std::numeric_limits<double>::infinity();
    const auto tryScale = [&](double s) {
        g->setNoiseScale(s);
        const double ks = meanKs(net, c, groups, device);
        if (ks < bestKs) {
            bestKs = ks;
            best = s;
        }
    };
    for (double s = kScaleLow; s < kScaleHigh + 0.5 * kScaleStep; s += kScaleStep)
        tryScale(std::round(s * 100) / 100);
    const double coarse = best;
    tryScale(coarse - 0.5 * kScaleStep);
    tryScale(coarse + 0.5 * kScaleStep);
    g->setNoiseScale(best);
    c.generatorNoiseScale = best;
    net.train(training);
    return true;
}

} // namespace rs::ml::detail

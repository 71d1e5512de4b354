// The generator's noise calibration (detail::calibrateNoiseScale, evaluation.h): the multiplier of
// the decoded σ that makes maps drawn from the prior match the validation split's value
// distributions.
#include "ml/dataset.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/generator_net.h"
#include "ml/generation_metrics.h"
#include "ml/translation_metrics.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace rs::ml::detail {

namespace {

/// The grid of multipliers tried.
constexpr double kScaleLow = 0.2, kScaleHigh = 1.6, kScaleStep = 0.1;

/// Groups of a split whose simulated maps have neutral cells (fully ionized ones have no value
/// distribution to match).
struct SimulatedGroup {
    double z = 0, zeta = 0;
    std::vector<float> maps;
};

std::vector<SimulatedGroup> neutralGroups(const DatasetFile& ds, Split split, double threshold)
{
    const std::size_t px = ds.info().rows * ds.info().cols;
    std::vector<SimulatedGroup> groups;
    for (const auto& [zq, idx] : samplesByPoint(ds, split)) {
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

/// Each group's KS distance to as many maps generated at its parameters with the net's current
/// multiplier (the same seeds for every multiplier, so the comparison between multipliers is not
/// sampling noise).
std::vector<double> groupKs(
    NetBase& net, const RunConfig& c, const std::vector<SimulatedGroup>& groups, const torch::Device& d)
{
    const std::size_t px = c.rows * c.cols;
    const double cell = std::isfinite(c.cellSizeMpc) && c.cellSizeMpc > 0 ? c.cellSizeMpc : 1.0;
    std::vector<double> ks;
    std::uint64_t seed = c.seed + 0x51A7ull;
    for (const SimulatedGroup& g : groups) {
        const torch::Tensor gen = generateMaps(net, c, g.z, g.zeta, g.maps.size() / px, seed++, d);
        const std::vector<float> genv(gen.data_ptr<float>(), gen.data_ptr<float>() + gen.numel());
        ks.push_back(compareGeneratedGroup(g.z, g.zeta, g.maps, genv, c.rows, c.cols, cell, c.quantity).pdfKs);
    }
    return ks;
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return s / double(v.size());
}

/// Least squares of y ≈ b + a0·u + a1·v → {b, a0, a1}; the slopes are damped (ridge) so that a
/// split with one z or one ζ gets no slope on it. Solves the 3×3 normal equations by elimination.
std::array<double, 3> planeFit(const std::vector<double>& u, const std::vector<double>& v, const std::vector<double>& y)
{
    double m[3][4] = {};
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double row[3] = {1.0, u[i], v[i]};
        for (int r = 0; r < 3; ++r) {
            for (int k = 0; k < 3; ++k)
                m[r][k] += row[r] * row[k];
            m[r][3] += row[r] * y[i];
        }
    }
    m[1][1] += 1e-3 * double(y.size());
    m[2][2] += 1e-3 * double(y.size());
    for (int p = 0; p < 3; ++p)
        for (int r = p + 1; r < 3; ++r) {
            const double f = m[r][p] / m[p][p];
            for (int k = p; k < 4; ++k)
                m[r][k] -= f * m[p][k];
        }
    std::array<double, 3> x {};
    for (int r = 2; r >= 0; --r) {
        double s = m[r][3];
        for (int k = r + 1; k < 3; ++k)
            s -= m[r][k] * x[std::size_t(k)];
        x[std::size_t(r)] = s / m[r][r];
    }
    return x;
}

} // namespace

std::string calibrateNoiseScale(NetBase& net, RunConfig& c, const DatasetFile& ds, const torch::Device& device)
{
    auto* g = dynamic_cast<GeneratorNetImpl*>(&net);
    if (!g || !g->noise() || ds.info().rows != c.rows || ds.info().cols != c.cols)
        return {};
    const std::vector<SimulatedGroup> groups = neutralGroups(ds, Split::Validation, ionizedThreshold(c.quantity));
    if (groups.empty())
        return {};
    const bool training = net.is_training();
    net.eval();
    // Every multiplier of the grid for all groups: the best one overall, and each group's own.
    std::vector<double> perGroup(groups.size(), 1.0), bestKs(groups.size(), 2.0);
    double best = 1.0, bestMean = std::numeric_limits<double>::infinity();
    for (double s = kScaleLow; s < kScaleHigh + 0.5 * kScaleStep; s += kScaleStep) {
        const double scale = std::round(s * 100) / 100;
        g->setNoiseScale(scale);
        const std::vector<double> ks = groupKs(net, c, groups, device);
        if (mean(ks) < bestMean) {
            bestMean = mean(ks);
            best = scale;
        }
        for (std::size_t i = 0; i < ks.size(); ++i)
            if (ks[i] < bestKs[i]) {
                bestKs[i] = ks[i];
                perGroup[i] = scale;
            }
    }
    // The groups' own multipliers as a plane over the normalised (z, ζ), kept if it beats the
    // single multiplier on the same maps.
    std::vector<double> zn, qn;
    for (const SimulatedGroup& sg : groups) {
        zn.push_back((sg.z - c.conditionMean[0]) / c.conditionStd[0]);
        qn.push_back((sg.zeta - c.conditionMean[1]) / c.conditionStd[1]);
    }
    const std::array<double, 3> plane = planeFit(zn, qn, perGroup);
    g->setNoiseScale(plane[0], {plane[1], plane[2]});
    const double planeMean = std::isfinite(plane[0] + plane[1] + plane[2]) ? mean(groupKs(net, c, groups, device))
                                                                           : std::numeric_limits<double>::infinity();
    if (planeMean < bestMean) {
        c.generatorNoiseScale = plane[0];
        c.generatorNoiseSlope = {plane[1], plane[2]};
    } else {
        c.generatorNoiseScale = best;
        c.generatorNoiseSlope = {0, 0};
    }
    g->setNoiseScale(c.generatorNoiseScale, c.generatorNoiseSlope);
    net.train(training);
    char text[160];
    std::snprintf(text, sizeof text, "generation's noise scale %.3f %+.3f zNorm %+.3f zetaNorm (validation KS %.4f)",
        c.generatorNoiseScale, c.generatorNoiseSlope[0], c.generatorNoiseSlope[1], std::min(bestMean, planeMean));
    return text;
}

} // namespace rs::ml::detail

// The generator's per-point calibration (detail::calibrateGeneratorPoints, evaluation.h): at each
// (z, ζ) of the training split, how maps drawn from the prior are to be drawn so that their
// ionized fraction, value distribution and power spectrum are the simulations' (gen8 note; the
// ionized logit's sharpness and other map sizes: gen9 note).
#include "ml/dataset.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/generator_net.h"
#include "ml/generation_metrics.h"
#include "ml/translation_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <utility>

namespace rs::ml::detail {

namespace {

/// Quantiles kept per point (equal steps of probability from 0 to 1).
constexpr std::size_t kQuantiles = 129;
/// Maps drawn per point, and at most as many simulated maps judged against: 96 of 64², fewer of
/// larger sizes (24 of 200², still 2.4× the cells) but never below kMinMaps ...
constexpr std::size_t kMaps = 96, kMapPixels = 64 * 64, kMinMaps = 24;
/// ... and more where the maps' neutral fractions scatter (few, large neutral islands): enough that
/// the mean neutral fraction of the maps is known to kNfPrecision (relative standard error, from
/// the spread of up to kMaxMaps of the point's maps), up to kMaxMaps drawn and as many simulated
/// maps as the point has. At z 8 ζ 40 of 200² maps of 300 Mpc boxes (3.8 % neutral, per-map
/// spread 63 %) 24 maps held 3.1 % neutral cells, and the 24 maps drawn from the prior that the
/// offset was fitted to were 1.13× as neutral as typical draws: generation drew 2.8 % neutral
/// maps with 0.72-0.76 of the simulated power (gen13 note).
constexpr std::size_t kMaxMaps = 384;
constexpr double kNfPrecision = 0.05;
/// Points whose simulated maps have fewer neutral cells are not calibrated: their quantiles would
/// rest on a handful of cells each (the 129 quantiles below) ...
constexpr std::size_t kMinNeutralCells = 1000;
/// ... nor points less neutral than this: their offsets are extreme, and between points the
/// offsets are interpolated. z 7 ζ 30 of 200² maps of 300 Mpc boxes (0.1 % neutral; its 96 maps,
/// taken for their spread, hold 4,200 neutral cells) calibrated to −22 made z 7.5 ζ 25, between
/// it and three points with offsets near 0, 0.26 too neutral (gen13 note).
constexpr double kMinNeutralFraction = 0.005;
/// The noise widths [cells] and σ multipliers tried (gen8 note: mostly neutral points want white
/// noise, points with many bubbles noise correlated over about a cell, and the quantile map makes
/// the value distribution nearly independent of σ).
constexpr double kWidths[] = {0.0, 0.7, 1.2};
constexpr double kScales[] = {0.25, 0.5, 1.0, 1.5};
/// The ionized logit's multipliers tried, 1 first (it wins ties): the network's own sharpness left
/// the training simulations' in-band power at 0.85-0.97 of theirs at most points and 1.17 at z 10
/// ζ 10 (gen9 note); sharper draws approach the ½ threshold's larger, more coherent bubbles.
constexpr double kSharpness[] = {1.0, 0.7, 1.4, 2.0};

/// Positions of at most `n` of `size` items, spread evenly over them (rising).
std::vector<std::size_t> spread(std::size_t size, std::size_t n)
{
    std::vector<std::size_t> out;
    const std::size_t step = std::max<std::size_t>(1, size / std::max<std::size_t>(n, 1));
    for (std::size_t i = 0; i < size && out.size() < n; i += step)
        out.push_back(i);
    return out;
}

/// `sorted` (ascending, non-empty) at kQuantiles equal steps of probability.
std::vector<double> quantiles(const std::vector<float>& sorted)
{
    std::vector<double> q(kQuantiles);
    for (std::size_t i = 0; i < kQuantiles; ++i) {
        const double pos = double(i) / double(kQuantiles - 1) * double(sorted.size() - 1);
        const std::size_t lo = std::size_t(pos);
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        q[i] = sorted[lo] + (pos - double(lo)) * (double(sorted[hi]) - sorted[lo]);
    }
    return q;
}

} // namespace

std::size_t calibrationMapCount(const std::vector<float>& maps, std::size_t px, double threshold, std::size_t base)
{
    const std::size_t n = maps.size() / px;
    if (n < 2)
        return base;
    double sum = 0, sum2 = 0;
    for (std::size_t m = 0; m < n; ++m) {
        const auto first = maps.begin() + std::ptrdiff_t(m * px);
        const double share
            = double(std::count_if(first, first + std::ptrdiff_t(px), [&](float v) { return v >= threshold; }))
            / double(px);
        sum += share;
        sum2 += share * share;
    }
    const double mean = sum / double(n);
    if (!(mean > 0))
        return base;
    const double cv = std::sqrt(std::max(0.0, sum2 / double(n) - mean * mean)) / mean;
    const double needed = std::ceil(std::pow(cv / kNfPrecision, 2));
    return needed >= double(kMaxMaps) ? kMaxMaps : std::max(base, std::size_t(needed));
}

std::string calibrateGeneratorPoints(NetBase& net, RunConfig& c, const DatasetFile& ds, const torch::Device& device,
    const ProgressFn& progress, const StopToken& stop)
{
    auto* g = dynamic_cast<GeneratorNetImpl*>(&net);
    // Maps of the dataset's size: the training size, or another multiple of 8 at the same cell
    // size (calibrateGeneratorRun checks it) when a run is calibrated against larger boxes.
    const std::size_t rows = ds.info().rows, cols = ds.info().cols;
    if (!g || !c.generatorSampleMask || rows % 8 || cols % 8)
        return {};
    const std::size_t px = rows * cols;
    const std::size_t baseMaps = std::clamp(kMaps * kMapPixels / px, kMinMaps, kMaps);
    const double threshold = ionizedThreshold(c.quantity);
    const double cell = std::isfinite(c.cellSizeMpc) && c.cellSizeMpc > 0 ? c.cellSizeMpc : 1.0;
    const bool training = net.is_training();
    net.eval();
    torch::NoGradGuard noGrad;
    // A stop leaves the net drawing as it did (its points, its mode); the config is not touched.
    struct Restore {
        NetBase& net;
        GeneratorNetImpl* g;
        std::vector<GeneratorDrawPoint> points;
        std::vector<GeneratorNeutralDrawPoint> neutralPoints;
        bool training, done = false;
        ~Restore()
        {
            if (!done) {
                g->setPoints(std::move(points));
                g->setNeutralPoints(std::move(neutralPoints));
                net.train(training);
            }
        }
    } restore {net, g, g->points(), g->neutralPoints(), training};
    g->setPoints({});
    g->setNeutralPoints({});
    std::vector<GeneratorPointCalibration> points;
    std::vector<GeneratorNeutralPoint> neutralPoints;
    double worst = 0;
    std::uint64_t seed = c.seed + 0xCA1Bull;
    const auto groups = samplesByPoint(ds, Split::Train);
    std::size_t begun = 0;
    for (const auto& [zq, all] : groups) {
        if (progress) {
            char stage[96];
            std::snprintf(stage, sizeof stage, "calibrating z %g, zeta %g", zq.first, zq.second);
            progress(double(begun) / double(groups.size()), stage);
        }
        ++begun;
        // `mapCount` maps drawn, and at most as many simulated maps spread over the point's samples
        // (its simulations); the count from the spread of its maps' neutral fractions (kNfPrecision).
        std::vector<std::int64_t> surveyed;
        for (std::size_t i : spread(all.size(), kMaxMaps))
            surveyed.push_back(all[i]);
        std::vector<float> sim(surveyed.size() * px);
        ds.readSamples(surveyed.data(), surveyed.size(), sim.data());
        const std::size_t mapCount = calibrationMapCount(sim, px, threshold, baseMaps);
        // Those judged against: maps of the survey, moved to the front (positions rise).
        const std::vector<std::size_t> kept = spread(surveyed.size(), mapCount);
        for (std::size_t k = 0; k < kept.size(); ++k)
            if (kept[k] != k)
                std::copy_n(sim.begin() + std::ptrdiff_t(kept[k] * px), px, sim.begin() + std::ptrdiff_t(k * px));
        sim.resize(kept.size() * px);
        const SimulatedReference reference = simulatedReference(sim, rows, cols, cell);
        std::vector<float> neutral;
        for (float v : sim)
            if (v >= threshold)
                neutral.push_back(v);
        const double nf = double(neutral.size()) / double(sim.size());
        const double zn = (zq.first - c.conditionMean[0]) / c.conditionStd[0];
        const double qn = (zq.second - c.conditionMean[1]) / c.conditionStd[1];
        using torch::indexing::Slice;
        if (neutral.size() < kMinNeutralCells || nf < kMinNeutralFraction) { // (nearly) all ionized
            // Only its neutral fractions, so that between it and its neighbours generation draws
            // nearly none too (a seed of its own: the other points draw as before).
            std::mt19937_64 rng(c.seed + 0x5CA1Bull + begun);
            const torch::Tensor logits = g->decodePrior(mapCount, zn, qn, rng, device, rows, cols)
                                             .index({Slice(), Slice(0, 1)})
                                             .to(torch::kCPU);
            neutralPoints.push_back({zq.first, zq.second, nf, 1.0 - torch::sigmoid(logits).mean().item<double>()});
            continue;
        }
        std::sort(neutral.begin(), neutral.end());
        GeneratorPointCalibration p;
        p.z = zq.first;
        p.zeta = zq.second;
        p.simulatedQuantiles = quantiles(neutral);
        std::mt19937_64 rng(seed++);
        const torch::Tensor decoded = g->decodePrior(mapCount, zn, qn, rng, device, rows, cols);
        const torch::Tensor logits = decoded.index({Slice(), Slice(0, 1)}).to(torch::kCPU);
        // Every sharpness, width and scale, each drawn from the same uniforms and normals.
        std::vector<float> simulated;
        for (double s : p.simulatedQuantiles)
            simulated.push_back(float((s - c.normMean) / c.normStd));
        double best = 1e300;
        const std::uint64_t drawSeed = seed++;
        for (double sharpness : kSharpness) {
            const double offset = ionizedOffsetFor(logits * sharpness, nf, sharpness);
            for (double width : kWidths)
                for (double scale : kScales) {
                    if (!g->noise() && (width != 0.0 || scale != 1.0))
                        continue;
                    stop.throwIfStopped();
                    std::mt19937_64 rng(drawSeed);
                    GeneratorDrawing how {offset, scale, width, {}, {}, sharpness};
                    const torch::Tensor drawn = g->draw(decoded, how, rng).to(torch::kCPU);
                    const std::vector<float> drawnQuantiles = neutralQuantiles(drawn, kQuantiles);
                    if (drawnQuantiles.empty())
                        continue;
                    // The same draws through this point's quantile map (what draw() applies with it).
                    torch::Tensor value = drawn.index({Slice(), Slice(1, 2)}).contiguous();
                    applyQuantileMap(value, drawnQuantiles, simulated);
                    const torch::Tensor maps
                        = physicalMaps(c, torch::cat({drawn.index({Slice(), Slice(0, 1)}), value}, 1)).contiguous();
                    const std::vector<float> gen(maps.data_ptr<float>(), maps.data_ptr<float>() + maps.numel());
                    const auto [ratio, ks] = powerRatioAndKs(reference, gen);
                    const double power = std::isfinite(ratio) ? std::abs(ratio - 1) / 0.2 : 0.0;
                    const double score = std::max(ks / 0.1, power);
                    if (score < best) {
                        best = score;
                        p.ionizedSharpness = sharpness;
                        p.ionizedOffset = offset;
                        p.noiseScale = scale;
                        p.noiseWidth = width;
                        p.drawnQuantiles.clear();
                        for (float v : drawnQuantiles)
                            p.drawnQuantiles.push_back(double(v) * c.normStd + c.normMean);
                    }
                }
        }
        const double ownNf = [&](double sharpness) {
            return 1.0 - torch::sigmoid(logits * sharpness).mean().item<double>();
        }(p.drawnQuantiles.empty() ? 1.0 : p.ionizedSharpness);
        neutralPoints.push_back({p.z, p.zeta, nf, ownNf});
        if (p.drawnQuantiles.empty())
            continue;
        // Rounding to physical units may tie neighbours; the map needs them non-decreasing.
        for (std::size_t i = 1; i < p.drawnQuantiles.size(); ++i)
            p.drawnQuantiles[i] = std::max(p.drawnQuantiles[i], p.drawnQuantiles[i - 1]);
        worst = std::max(worst, best);
        points.push_back(std::move(p));
    }
    std::vector<GeneratorPointCalibration> before = std::exchange(c.generatorPoints, points);
    std::vector<GeneratorNeutralPoint> neutralBefore = std::exchange(c.generatorNeutralPoints, neutralPoints);
    try {
        g->setPoints(drawPoints(c));
        g->setNeutralPoints(neutralDrawPoints(c));
    } catch (...) {
        c.generatorPoints = std::move(before); // the config as it was, like the net (restore)
        c.generatorNeutralPoints = std::move(neutralBefore);
        throw;
    }
    net.train(training);
    restore.done = true;
    if (points.empty())
        return {};
    char text[160];
    std::snprintf(text, sizeof text,
        "generation calibrated at %zu training points (worst of KS/0.1 and |power ratio - 1|/0.2 there: %.2f)",
        points.size(), worst);
    return text;
}

} // namespace rs::ml::detail

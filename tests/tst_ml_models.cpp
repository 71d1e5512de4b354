// The networks: the seed autoencoder exactly (4,385 parameters, 25×25×8 codes from 200×200),
// stable parameter names (checkpoint keys), the TorchScript export against the C++ modules, and
// checkpoint files that refuse what is not theirs. Includes LibTorch (core/ml/detail).
#include "fixtures.h"

#include "ml/detail/checkpoint.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/generator_net.h"
#include "ml/detail/nets.h"
#include "ml/detail/torchscript_export.h"
#include "numerics/interpolate.h"
#include "util/error.h"

#include <torch/fft.h>
#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace rs;
using namespace rs::ml;
using namespace rs::ml::detail;

namespace {

RunConfig configFor(ModelKind m, std::size_t side, int classes)
{
    RunConfig c;
    c.model = m;
    c.task = m == ModelKind::Autoencoder ? Task::Reconstruct : classes == 1 ? Task::Regress : Task::Classify;
    c.rows = c.cols = side;
    c.normMean = 3.0;
    c.normStd = 2.0;
    c.labelMean = 0.5;
    c.labelStd = 0.25;
    for (int k = 0; k < classes && classes > 1; ++k)
        c.classes.push_back(7.0 + k);
    return c;
}

} // namespace

class TestMlModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void seedAutoencoderIsExact()
    {
        torch::NoGradGuard g;
        auto ae = makeNet(ModelKind::Autoencoder, 200, 200, 0);
        QCOMPARE(parameterCount(*ae), std::int64_t(4385));
        const torch::Tensor x = torch::randn({2, 1, 200, 200});
        QCOMPARE(ae->features(x).size(1), std::int64_t(25 * 25 * 8));
        QCOMPARE(ae->forward(x).sizes(), x.sizes());
        // Generalised to any size divisible by 8.
        auto small = makeNet(ModelKind::Autoencoder, 64, 48, 0);
        QCOMPARE(small->forward(torch::randn({1, 1, 64, 48})).sizes(), (std::vector<std::int64_t> {1, 1, 64, 48}));
        QVERIFY_THROWS_EXCEPTION(ParameterError, makeNet(ModelKind::Autoencoder, 60, 64, 0));
    }

    void stableParameterNames()
    {
        auto keys = [](const std::shared_ptr<NetBase>& n) {
            QStringList k;
            for (const auto& p : n->named_parameters())
                k << QString::fromStdString(p.key());
            return k;
        };
        QCOMPARE(keys(makeNet(ModelKind::Autoencoder, 16, 16, 0)),
            QStringList({"encoder.conv1.weight", "encoder.conv1.bias", "encoder.conv2.weight", "encoder.conv2.bias",
                "encoder.conv3.weight", "encoder.conv3.bias", "decoder.conv1.weight", "decoder.conv1.bias",
                "decoder.conv2.weight", "decoder.conv2.bias", "decoder.conv3.weight", "decoder.conv3.bias",
                "decoder.conv4.weight", "decoder.conv4.bias"}));
        QCOMPARE(keys(makeNet(ModelKind::Mlp, 50, 50, 17)),
            QStringList({"hidden.weight", "hidden.bias", "out.weight", "out.bias"}));
        QCOMPARE(parameterCount(*makeNet(ModelKind::Mlp, 50, 50, 17)), std::int64_t(2500 * 350 + 350 + 350 * 17 + 17));
        QVERIFY(keys(makeNet(ModelKind::Cnn, 16, 16, 4)).contains("features.conv4.weight"));
        QVERIFY(keys(makeNet(ModelKind::Cnn, 16, 16, 4)).contains("head.out.bias"));
        const QStringList codes = keys(makeNet(ModelKind::CodesCnn, 16, 16, 4));
        QVERIFY(codes.contains("encoder.conv1.weight") && codes.contains("codes.conv2.weight"));
        // The encoder of codes-cnn is frozen.
        auto cc = makeNet(ModelKind::CodesCnn, 16, 16, 4);
        for (const auto& p : cc->named_parameters())
            QCOMPARE(p.value().requires_grad(), !QString::fromStdString(p.key()).startsWith("encoder."));
        // unet and generator: the modules' names (each with .weight and .bias).
        auto modules = [&](const std::shared_ptr<NetBase>& n) {
            QStringList m;
            for (const QString& k : keys(n))
                if (k.endsWith(".weight"))
                    m << k.chopped(7);
            return m;
        };
        QCOMPARE(modules(makeNet(ModelKind::UNet, 16, 16, 1, 5)),
            QStringList({"down1.conv1", "down1.conv2", "down2.conv1", "down2.conv2", "down3.conv1", "down3.conv2",
                "bottom.conv1", "bottom.conv2", "up3.conv1", "up3.conv2", "up2.conv1", "up2.conv2", "up1.conv1",
                "up1.conv2", "out"}));
        QCOMPARE(modules(makeNet(ModelKind::Generator, 16, 16, 0, 3)),
            QStringList({"encoder.conv1", "encoder.conv2", "encoder.conv3", "encoder.mu", "encoder.logvar",
                "decoder.conv1", "decoder.conv2", "decoder.conv3", "decoder.conv4", "decoder.out", "decoder.scale"}));
        // A run from before the heteroscedastic decoder (config.json without generator.noise)
        // builds the network its checkpoint holds.
        RunConfig legacy = configFor(ModelKind::Generator, 16, 0);
        legacy.task = Task::Generate;
        legacy.generatorNoise = false;
        QVERIFY(!modules(makeNet(legacy)).contains("decoder.scale"));
        legacy.generatorNoise = true;
        QVERIFY(modules(makeNet(legacy)).contains("decoder.scale"));
        // Input planes: the ln(ζ f_ST) plane only for conditioned unet runs that have it; the
        // generator keeps its map and z, ζ planes whatever conditionBudget says (its config.json
        // has no such key, so the field stays at its default).
        RunConfig unet = configFor(ModelKind::UNet, 16, 0);
        unet.contextRadiiMpc = {-1.5, -5.0};
        QVERIFY(unet.condition && unet.conditionBudget && budgetPlane(unet));
        QCOMPARE(inputChannels(unet), 1 + 2 + 3);
        unet.conditionBudget = false; // runs before the plane
        QCOMPARE(inputChannels(unet), 1 + 2 + 2);
        unet.condition = false;
        unet.conditionBudget = true;
        QVERIFY(!budgetPlane(unet));
        QCOMPARE(inputChannels(unet), 1 + 2);
        QVERIFY(legacy.conditionBudget && !budgetPlane(legacy));
        QCOMPARE(inputChannels(legacy), 3);
    }

    void generatorDrawsTheDecodedVariance()
    {
        // Same weights with and without the noise option: the drawn maps differ from the mean
        // maps by the decoded standard deviation times unit normal noise; the mask is unchanged.
        GeneratorNet noisy(32, 32, true), mean(32, 32, false);
        {
            torch::NoGradGuard g;
            auto src = noisy->named_parameters();
            for (auto& p : mean->named_parameters())
                p.value().copy_(src[p.key()]);
            noisy->decoder->scale->weight.zero_();
            noisy->decoder->scale->bias.fill_(std::log(0.25)); // σ = 0.5
        }
        noisy->eval();
        mean->eval();
        const torch::Tensor a = noisy->sample(8, 0.3, -0.2, 5, torch::kCPU);
        const torch::Tensor b = mean->sample(8, 0.3, -0.2, 5, torch::kCPU);
        QCOMPARE(a.sizes(), (std::vector<std::int64_t> {8, 2, 32, 32}));
        QVERIFY(torch::equal(a.narrow(1, 0, 1), b.narrow(1, 0, 1)));
        const torch::Tensor d = (a.narrow(1, 1, 1) - b.narrow(1, 1, 1)) / 0.5;
        QVERIFY2(std::abs(d.mean().item<double>()) < 0.05, qPrintable(QString::number(d.mean().item<double>())));
        QVERIFY2(std::abs(d.std().item<double>() - 1.0) < 0.05, qPrintable(QString::number(d.std().item<double>())));
        QVERIFY(torch::equal(a, noisy->sample(8, 0.3, -0.2, 5, torch::kCPU)));
        QVERIFY(!torch::equal(a, noisy->sample(8, 0.3, -0.2, 6, torch::kCPU)));
    }

    void generatorDecoderWithoutGradientsMatchesReference()
    {
        // Without gradients the decoder folds each up-sampling into the conv after it (computed at
        // the lower resolution); it must give the reference's values, edges included, for a
        // non-square latent, in both memory formats.
        GeneratorNet net(32, 32, true);
        torch::manual_seed(11);
        const torch::Tensor latent = torch::randn({3, kGeneratorLatent, 5, 7});
        const torch::Tensor cond = torch::randn({3, 2});
        for (const bool channelsLast : {false, true}) {
            if (channelsLast)
                toChannelsLast(*net, torch::Device(torch::kCPU));
            const torch::Tensor in = channelsLast ? latent.contiguous(torch::MemoryFormat::ChannelsLast) : latent;
            const torch::Tensor reference = net->decoder->forward(in, cond).detach();
            torch::NoGradGuard g;
            const torch::Tensor folded = net->decoder->forward(in, cond);
            QCOMPARE(folded.sizes(), (std::vector<std::int64_t> {3, 3, 40, 56}));
            const double err = (folded - reference).abs().max().item<double>();
            const double scale = reference.abs().max().item<double>();
            QVERIFY2(scale > 0.01 && err <= 1e-5 * scale,
                qPrintable(
                    QString("channels-last %1: max |difference| %2 of %3").arg(channelsLast).arg(err).arg(scale)));
        }
    }

    void quantileMapIsTheTablesInterpolation()
    {
        // applyQuantileMap looks values up through a bucket index (ClampedInterpolation): exactly
        // interpolateClamped's result for every value, at and between breakpoints, on repeated
        // breakpoints (a flat stretch of quantiles), outside the table, infinities and NaN.
        std::mt19937 rng(3);
        std::normal_distribution<float> g(0.0f, 1.0f);
        std::vector<float> drawn(129), simulated(129);
        for (std::size_t i = 0; i < drawn.size(); ++i) {
            drawn[i] = std::pow(g(rng), 3.0f);
            simulated[i] = g(rng);
        }
        std::sort(drawn.begin(), drawn.end());
        std::sort(simulated.begin(), simulated.end());
        std::fill(drawn.begin() + 40, drawn.begin() + 50, drawn[40]);
        std::vector<float> values;
        for (int i = 0; i < 20000; ++i)
            values.push_back(1.5f * std::pow(g(rng), 3.0f));
        values.insert(values.end(), drawn.begin(), drawn.end());
        for (float v : {std::nextafter(drawn.back(), 1e9f), std::nextafter(drawn.front(), -1e9f),
                 std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                 std::numeric_limits<float>::quiet_NaN()})
            values.push_back(v);
        torch::Tensor t = torch::from_blob(values.data(), {std::int64_t(values.size())}, torch::kFloat).clone();
        applyQuantileMap(t, drawn, simulated);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const float expected = float(interpolateClamped(drawn, simulated, double(values[i])));
            QVERIFY2(t[std::int64_t(i)].item<float>() == expected,
                qPrintable(
                    QString("value %1: %2 vs %3").arg(values[i]).arg(t[std::int64_t(i)].item<float>()).arg(expected)));
        }
    }

    void generatorDrawsTheIonizedState()
    {
        // A decoder whose ionized probability is 0.3 in every cell: the threshold at 1/2 ionizes
        // none; drawing the state (setSampleMask) ionizes 0.3 of the cells, different ones per seed,
        // the same ones for the same seed and for any noise scale.
        GeneratorNet net(32, 32, true);
        {
            torch::NoGradGuard g;
            net->decoder->out->weight.zero_();
            net->decoder->out->bias.fill_(0.0f);
            net->decoder->out->bias[0].fill_(std::log(0.3 / 0.7));
        }
        net->eval();
        auto ionized
            = [&](std::uint64_t seed) { return net->sample(8, 0.3, -0.2, seed, torch::kCPU).narrow(1, 0, 1) > 0; };
        QCOMPARE(ionized(5).sum().item<std::int64_t>(), std::int64_t(0));
        net->setSampleMask(true);
        const torch::Tensor a = ionized(5);
        const double fraction = a.to(torch::kDouble).mean().item<double>();
        QVERIFY2(std::abs(fraction - 0.3) < 0.02, qPrintable(QString::number(fraction)));
        QVERIFY(torch::equal(a, ionized(5)));
        QVERIFY(!torch::equal(a, ionized(6)));
        net->setNoiseScale(0.4);
        QVERIFY(torch::equal(a, ionized(5)));
    }

    void generatorPointCalibrationDraws()
    {
        // A quantile map: piecewise linear from the drawn quantiles to the simulated ones, clamped
        // at the ends.
        torch::Tensor v = torch::tensor({-1.0f, 0.5f, 1.5f, 5.0f});
        applyQuantileMap(v, {0, 1, 2}, {10, 20, 40});
        QVERIFY(torch::allclose(v, torch::tensor({10.0f, 15.0f, 30.0f, 40.0f})));
        // Noise correlated over a Gaussian of σ = 1.2 cells: unit variance, neighbour correlation
        // exp(−1/(4σ²)) ≈ 0.84 across the periodic edge too; σ = 0 leaves white noise as it is.
        torch::manual_seed(2);
        const torch::Tensor white = torch::randn({16, 1, 32, 32});
        QVERIFY(torch::equal(correlateNoise(white, 0.0), white));
        const torch::Tensor e = correlateNoise(white, 1.2);
        QCOMPARE(e.sizes(), white.sizes());
        QVERIFY2(std::abs(e.var().item<double>() - 1) < 0.1, qPrintable(QString::number(e.var().item<double>())));
        const double lag1 = (e * torch::roll(e, 1, 3)).mean().item<double>() / e.var().item<double>();
        QVERIFY2(std::abs(lag1 - std::exp(-1 / (4 * 1.2 * 1.2))) < 0.05, qPrintable(QString::number(lag1)));
        // Weights of the points: at a point its own dominates; half-way between two they share.
        std::vector<GeneratorDrawPoint> grid;
        for (double z : {-1.0, 0.0, 1.0})
            for (double q : {-1.0, 0.0, 1.0})
                grid.push_back({z, q, 0, 1, 0, {}, {}});
        const std::vector<double> at = pointWeights(grid, 0.0, 1.0);
        QVERIFY2(at[5] > 0.95, qPrintable(QString::number(at[5])));
        const std::vector<double> mid = pointWeights(grid, 0.5, 1.0);
        QVERIFY2(std::abs(mid[5] - mid[8]) < 1e-3 && mid[5] > 0.45, qPrintable(QString::number(mid[5])));
        // At the edge of the grid the far row does not pull (local linear, not a plain average):
        // half-way along the top edge, the points below get no net weight.
        double below = 0;
        for (std::size_t i = 0; i < grid.size(); ++i)
            if (grid[i].zetaNorm < 1.0)
                below += mid[i];
        QVERIFY2(std::abs(below) < 1e-3, qPrintable(QString::number(below)));
        // Between two points generation draws with their settings and, quantile by quantile, their
        // drawn and simulated quantiles averaged (distributions interpolated as quantile functions).
        GeneratorNet pair(32, 32, true);
        pair->setPoints(
            {{-1.0, 0.0, -1.0, 0.5, 0.0, {0, 1, 2}, {10, 20, 30}}, {1.0, 0.0, 1.0, 1.5, 1.2, {2, 3, 6}, {30, 40, 70}}});
        const GeneratorDrawing half = pair->drawingAt(0.0, 0.0);
        QVERIFY(std::abs(half.ionizedOffset) < 1e-9 && std::abs(half.noiseScale - 1.0) < 1e-9);
        QVERIFY(std::abs(half.noiseWidth - 0.6) < 1e-9);
        for (std::size_t q = 0; q < 3; ++q) {
            QVERIFY(std::abs(half.drawn[q] - std::vector<float> {1, 2, 4}[q]) < 1e-4f);
            QVERIFY(std::abs(half.simulated[q] - std::vector<float> {20, 30, 50}[q]) < 1e-3f);
        }
        QVERIFY(std::abs(half.ionizedSharpness - 1.0) < 1e-9); // both points: 1
        // At a point nearly its own (the other point's weight there is e^-4.5 of its own).
        QVERIFY(std::abs(pair->drawingAt(-1.0, 0.0).simulated[2] - 30.0f) < 0.5f);
        pair->setPoints({{-1.0, 0.0, -1.0, 0.5, 0.0, {0, 1, 2}, {10, 20, 30}, 0.5},
            {1.0, 0.0, 1.0, 1.5, 1.2, {2, 3, 6}, {30, 40, 70}, 2.5}});
        QVERIFY(std::abs(pair->drawingAt(0.0, 0.0).ionizedSharpness - 1.5) < 1e-9);
        // A missing corner (a fully ionized point has no calibration): the local linear plane
        // through its neighbours would reach −30 there; the offset stays inside the points' range.
        std::vector<GeneratorDrawPoint> corner;
        for (double z : {-1.0, 0.0, 1.0})
            for (double q : {-1.0, 0.0, 1.0})
                if (!(z == 1.0 && q == 1.0))
                    corner.push_back({z, q, -20.0 * std::max(z, 0.0) - 10.0 * std::max(q, 0.0), 1, 0, {0, 1}, {0, 1}});
        pair->setPoints(corner);
        QCOMPARE(pair->drawingAt(1.0, 1.0).ionizedOffset, -20.0);
        QVERIFY(pair->drawingAt(0.5, 0.5).ionizedOffset > -20.0); // inside: interpolated as before
        // Two missing points side by side (z 7 ζ 30 and ζ 40 of 300 Mpc boxes, nearly or fully
        // ionized) whose diagonal neighbour is extreme (z 8 ζ 40, −26): at the first, its two
        // nearest points bound the offset, not the far one (the plane reached −26 there).
        std::vector<GeneratorDrawPoint> edge;
        for (double z : {-1.0, 0.0, 1.0})
            for (double q : {-1.0, 0.0, 1.0})
                if (!(z == -1.0 && q >= 0.0))
                    edge.push_back({z, q, z == 0.0 && q == 1.0 ? -26.0 : 0.5, 1, 0, {0, 1}, {0, 1}});
        pair->setPoints(edge);
        QVERIFY2(std::abs(pair->drawingAt(-1.0, 0.0).ionizedOffset - 0.5) < 1e-9,
            qPrintable(QString::number(pair->drawingAt(-1.0, 0.0).ionizedOffset)));
        QCOMPARE(pair->drawingAt(0.0, 1.0).ionizedOffset, -26.0); // at a point: its own
        const double between = pair->drawingAt(0.0, 0.5).ionizedOffset; // half-way: between the two
        QVERIFY2(between < 0.0 && between > -26.0, qPrintable(QString::number(between)));
        QVERIFY_THROWS_EXCEPTION(
            ParameterError, pair->setPoints({{0, 0, 0, 1, 0, {0, 1}, {0, 1}}, {1, 0, 0, 1, 0, {0, 1, 2}, {0, 1, 2}}}));
        // A net with points: sample() draws with their offset (±20: every cell neutral or ionized)
        // and their quantile map (every value inside the simulated range).
        GeneratorNet net(32, 32, true);
        net->eval();
        net->setSampleMask(true);
        GeneratorDrawPoint p {0.0, 0.0, -20.0, 1.0, 1.2, {-10, 0, 10}, {2.0f, 2.5f, 3.0f}};
        net->setPoints({p});
        torch::Tensor maps = net->sample(4, 0.0, 0.0, 3, torch::kCPU);
        QCOMPARE(maps.narrow(1, 0, 1).gt(0).sum().item<std::int64_t>(), std::int64_t(0));
        QVERIFY(maps.narrow(1, 1, 1).min().item<float>() >= 2.0f && maps.narrow(1, 1, 1).max().item<float>() <= 3.0f);
        QVERIFY(torch::equal(maps, net->sample(4, 0.0, 0.0, 3, torch::kCPU)));
        p.ionizedOffset = 20;
        net->setPoints({p});
        maps = net->sample(4, 0.7, -0.3, 3, torch::kCPU); // off the point: the only point's settings
        QCOMPARE(maps.narrow(1, 0, 1).gt(0).sum().item<std::int64_t>(), maps.narrow(1, 0, 1).numel());
        // The sharpness multiplies the logit before the offset: a decoded probability of 0.3
        // (logit −0.85) drawn at sharpness 2 ionizes sigmoid(−1.69) = 0.156 of the cells, at 0.5
        // sigmoid(−0.42) = 0.396; an offset then shifts the multiplied logit.
        {
            torch::NoGradGuard g;
            net->decoder->out->weight.zero_();
            net->decoder->out->bias.fill_(0.0f);
            net->decoder->out->bias[0].fill_(std::log(0.3 / 0.7));
        }
        const auto ionizedAt = [&](double sharpness, double offset) {
            GeneratorDrawPoint q = p;
            q.ionizedOffset = offset;
            q.ionizedSharpness = sharpness;
            net->setPoints({q});
            return net->sample(16, 0.0, 0.0, 4, torch::kCPU)
                .narrow(1, 0, 1)
                .gt(0)
                .to(torch::kDouble)
                .mean()
                .item<double>();
        };
        const double logit = std::log(0.3 / 0.7);
        for (const auto& [s, o] : {std::pair {1.0, 0.0}, {2.0, 0.0}, {0.5, 0.0}, {2.0, 1.0}}) {
            const double expected = 1 / (1 + std::exp(-(s * logit + o))), got = ionizedAt(s, o);
            QVERIFY2(std::abs(got - expected) < 0.02,
                qPrintable(
                    QString("sharpness %1, offset %2: %3 ionized, expected %4").arg(s).arg(o).arg(got).arg(expected)));
        }
    }

    void generatorNeutralPointsSolveTheOffsetWhereItDraws()
    {
        // Every cell decoded with an ionized probability of 0.3 (the network's own neutral
        // fraction 0.7) and unit-σ values around 0; one drawing point at (0, 0) whose drawn
        // quantiles (−10, 0, 10) would squeeze those values into 2.45-2.55.
        GeneratorNet net(32, 32, true);
        net->eval();
        net->setSampleMask(true);
        {
            torch::NoGradGuard g;
            net->decoder->out->weight.zero_();
            net->decoder->out->bias.fill_(0.0f);
            net->decoder->out->bias[0].fill_(std::log(0.3 / 0.7));
        }
        net->setPoints({{0.0, 0.0, 0.0, 1.0, 0.0, {-10, 0, 10}, {2.0f, 2.5f, 3.0f}}});
        const auto neutralShare = [](const torch::Tensor& maps) {
            return maps.narrow(1, 0, 1).le(0).to(torch::kDouble).mean().item<double>();
        };
        // Without neutral points: the point's offset (0), its quantiles.
        torch::Tensor maps = net->sample(16, 0.0, 0.0, 5, torch::kCPU);
        QVERIFY2(std::abs(neutralShare(maps) - 0.7) < 0.02, qPrintable(QString::number(neutralShare(maps))));
        QVERIFY(maps.narrow(1, 1, 1).quantile(0.1).item<float>() > 2.4f);
        // With them: the network's own 0.7 plus the correction interpolated there, wherever it
        // draws (−0.2 at (0, 0), +0.2 at (1, 0), nothing half-way), ...
        net->setNeutralPoints({{0.0, 0.0, -0.2}, {1.0, 0.0, 0.2}});
        for (const auto& [z, nf] : {std::pair {0.0, 0.5}, {1.0, 0.9}, {0.5, 0.7}}) {
            maps = net->sample(16, z, 0.0, 5, torch::kCPU);
            QVERIFY2(std::abs(neutralShare(maps) - nf) < 0.02,
                qPrintable(QString("z %1: neutral %2, expected %3").arg(z).arg(neutralShare(maps)).arg(nf)));
            QVERIFY(torch::equal(maps, net->sample(16, z, 0.0, 5, torch::kCPU))); // same seed, same maps
        }
        // ... and the values mapped from the quantiles of what it draws there (min, median, max of
        // unit normals: the 10 % quantile −1.28 maps to 2.33), not the point's recorded ones
        // (−10, 0, 10: 2.44).
        maps = net->sample(16, 0.0, 0.0, 5, torch::kCPU);
        const torch::Tensor values = maps.narrow(1, 1, 1).flatten();
        QVERIFY2(values.quantile(0.1).item<float>() < 2.4f && values.quantile(0.9).item<float>() > 2.6f,
            qPrintable(
                QString("%1 .. %2").arg(values.quantile(0.1).item<float>()).arg(values.quantile(0.9).item<float>())));
        QVERIFY(values.min().item<float>() >= 2.0f && values.max().item<float>() <= 3.0f);
        // A point the simulations leave fully ionized: none neutral.
        net->setNeutralPoints({{0.0, 0.0, -0.7}});
        QCOMPARE(neutralShare(net->sample(8, 0.0, 0.0, 2, torch::kCPU)), 0.0);
    }

    void calibrationTakesMoreMapsWhereNeutralFractionsScatter()
    {
        // Maps of 100 cells, each neutral (≥ 1) in the share given: the calibration judges a point
        // by `base` maps where those shares agree, and by enough for a 5 % standard error of their
        // mean where they scatter (few neutral islands per map), at most 384.
        const std::size_t px = 100;
        const auto maps = [&](const std::vector<std::size_t>& neutral) {
            std::vector<float> out;
            for (std::size_t n : neutral)
                for (std::size_t i = 0; i < px; ++i)
                    out.push_back(i < n ? 5.0f : 0.0f);
            return out;
        };
        QCOMPARE(calibrationMapCount(maps({50, 50, 50, 50}), px, 1.0, 24), std::size_t(24));
        // 10 % and 30 %: mean 0.2, spread 0.1, so (0.5 / 0.05)² = 100 maps.
        const std::size_t scattered = calibrationMapCount(maps({10, 30, 10, 30, 10, 30}), px, 1.0, 24);
        QVERIFY2(scattered == 100 || scattered == 101, qPrintable(QString::number(scattered))); // rounding up
        QCOMPARE(calibrationMapCount(maps({10, 30, 10, 30, 10, 30}), px, 1.0, 200), std::size_t(200));
        // One neutral cell in ten maps: a spread of 3× the mean would want 3,600.
        QCOMPARE(calibrationMapCount(maps({1, 0, 0, 0, 0, 0, 0, 0, 0, 0}), px, 1.0, 24), std::size_t(384));
        // The threshold decides what is neutral: at 6 none is, and no spread is known.
        QCOMPARE(calibrationMapCount(maps({10, 30, 10, 30}), px, 6.0, 24), std::size_t(24));
        QCOMPARE(calibrationMapCount(maps({0, 0, 0}), px, 1.0, 24), std::size_t(24));
        QCOMPARE(calibrationMapCount(maps({7}), px, 1.0, 24), std::size_t(24));
    }

    void generatorPriorIsCorrelated()
    {
        // The latents generation draws: unit variance, correlated between neighbouring cells of a
        // channel as the kernel (c, 1, c) ⊗ (c, 1, c) gives (lag 1: 2c/(1+2c²), lag 2: c²/(1+2c²)),
        // in both directions and across the periodic edge; channels and maps independent.
        torch::manual_seed(1);
        const torch::Tensor z = correlatePrior(torch::randn({64, kGeneratorLatent, 8, 8}));
        QCOMPARE(z.sizes(), (std::vector<std::int64_t> {64, kGeneratorLatent, 8, 8}));
        const double c = kPriorNeighbourWeight, norm = 1 + 2 * c * c;
        QVERIFY2(std::abs(z.var().item<double>() - 1) < 0.05, qPrintable(QString::number(z.var().item<double>())));
        auto corr = [&](const torch::Tensor& a, const torch::Tensor& b) {
            return ((a - a.mean()) * (b - b.mean())).mean().item<double>() / (a.std() * b.std()).item<double>();
        };
        for (int dim : {2, 3}) {
            const double lag1 = corr(z, torch::roll(z, 1, dim)), lag2 = corr(z, torch::roll(z, 2, dim));
            QVERIFY2(std::abs(lag1 - 2 * c / norm) < 0.03 && std::abs(lag2 - c * c / norm) < 0.03,
                qPrintable(QString("dim %1: lag 1 %2, lag 2 %3").arg(dim).arg(lag1).arg(lag2)));
        }
        QVERIFY(std::abs(corr(z.narrow(1, 0, 1), z.narrow(1, 1, 1))) < 0.03);
        QVERIFY(std::abs(corr(z.narrow(0, 0, 32), z.narrow(0, 32, 32))) < 0.03);
    }

    void generatorPowerTermWeighsLargeScales()
    {
        // The generator's power term on 64² maps of 1.5 Mpc cells: doubling the power at
        // 0.1 < k < 0.33 /Mpc (|k| 1.53..5.05 fundamentals) must cost about as much as doubling it
        // at 0.33 < k < 1 /Mpc (|k| 5.05..15.3), the two halves of the evaluation's power ratio.
        // Linear shells gave the large scales 4 of 31 shells: 0.4 of the small scales' cost, and
        // trained maps kept 1.5-2.5x the simulated power there.
        RunConfig c = configFor(ModelKind::Generator, 64, 0);
        c.task = Task::Generate;
        c.normMean = 20.0;
        c.normStd = 5.0;
        c.priorLossWeight = 0;
        torch::manual_seed(3);
        const torch::Tensor x0 = 0.3 * torch::randn({4, 1, 64, 64});
        const torch::Tensor x = torch::cat({x0, torch::zeros({4, 2, 64, 64})}, 1);
        const torch::Tensor ky = torch::fft::fftfreq(64, 1.0 / 64, torch::kFloat).reshape({64, 1});
        const torch::Tensor kx = torch::fft::rfftfreq(64, 1.0 / 64, torch::kFloat).reshape({1, 33});
        const torch::Tensor k = (ky.pow(2) + kx.pow(2)).sqrt();
        auto powerTerm = [&](double lo, double hi) {
            const torch::Tensor band = (k >= lo).logical_and(k < hi).to(torch::kFloat);
            const torch::Tensor map
                = torch::fft::irfft2(torch::fft::rfft2(x0) * (1 + (std::sqrt(2.0) - 1) * band), {{64, 64}});
            const torch::Tensor out = torch::cat(
                {torch::full({4, 1, 64, 64}, -30.0), map, torch::full({4, 1, 64, 64}, -8.0)}, 1); // neutral, σ ≈ 0
            RunConfig without = c;
            without.powerLossWeight = 0;
            c.powerLossWeight = 1;
            torch::manual_seed(5);
            const double all = generatorLoss(c, out, x, nullptr).item<double>();
            torch::manual_seed(5);
            return all - generatorLoss(without, out, x, nullptr).item<double>();
        };
        const double large = powerTerm(1.53, 5.05), small = powerTerm(5.05, 15.3);
        QVERIFY2(small > 0.01 && large > 0.8 * small && large < 1.6 * small,
            qPrintable(QString("power term: large scales %1, small scales %2").arg(large).arg(small)));
    }

    void generatorTorchScriptMatchesCpp()
    {
        RunConfig c = configFor(ModelKind::Generator, 32, 0);
        c.task = Task::Generate;
        auto net = makeNet(c);
        toChannelsLast(*net, torch::Device(torch::kCPU));
        net->eval();
        torch::jit::Module ts = buildTorchScript(*net, c);
        torch::NoGradGuard g;
        const torch::Tensor x = torch::randn({2, 3, 32, 32});
        const torch::Tensor expected = net->forward(x.contiguous(torch::MemoryFormat::ChannelsLast));
        QCOMPARE(expected.sizes(), (std::vector<std::int64_t> {2, 3, 32, 32}));
        QVERIFY(torch::allclose(ts.forward({x}).toTensor(), expected, 1e-4, 1e-5));
        // predict(): physical maps, ionized cells (logit > 0) exactly 0.
        const torch::Tensor pred = ts.get_method("predict")({x}).toTensor();
        const torch::Tensor v = expected.narrow(1, 1, 1) * c.normStd + c.normMean;
        QVERIFY(torch::allclose(pred, torch::where(expected.narrow(1, 0, 1) > 0, torch::zeros_like(v), v), 1e-3, 1e-4));
    }

    void torchScriptMatchesCpp_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<int>("side");
        QTest::addColumn<int>("classes");
        QTest::newRow("ae 200") << int(ModelKind::Autoencoder) << 200 << 0;
        QTest::newRow("mlp 16") << int(ModelKind::Mlp) << 16 << 3;
        QTest::newRow("cnn 32 classify") << int(ModelKind::Cnn) << 32 << 4;
        QTest::newRow("cnn 24 regress") << int(ModelKind::Cnn) << 24 << 1;
        QTest::newRow("codes-cnn 32") << int(ModelKind::CodesCnn) << 32 << 2;
    }

    void torchScriptMatchesCpp()
    {
        QFETCH(int, model);
        QFETCH(int, side);
        QFETCH(int, classes);
        const RunConfig c = configFor(ModelKind(model), std::size_t(side), classes);
        auto net = makeNet(c.model, c.rows, c.cols, outputCount(c));
        toChannelsLast(*net, torch::Device(torch::kCPU));
        net->eval();
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.ts").toStdString();
        exportTorchScript(path, *net, c);
        torch::jit::Module loaded = torch::jit::load(path);
        torch::NoGradGuard g;
        const torch::Tensor x = torch::randn({3, 1, side, side});
        const torch::Tensor expected = net->forward(x.contiguous(torch::MemoryFormat::ChannelsLast));
        const torch::Tensor got = loaded.forward({x}).toTensor();
        QCOMPARE(got.sizes(), expected.sizes());
        QVERIFY2(torch::allclose(got, expected, 1e-4, 1e-5), "TorchScript forward differs from the C++ model");
        const torch::Tensor feats = loaded.get_method("features")({x}).toTensor();
        QVERIFY(torch::allclose(feats, net->features(x), 1e-4, 1e-5));
        // predict() takes raw values and applies the stored normalisation.
        const torch::Tensor raw = x * c.normStd + c.normMean;
        const torch::Tensor pred = loaded.get_method("predict")({raw}).toTensor();
        if (c.task == Task::Classify)
            QVERIFY(torch::allclose(pred, torch::softmax(expected, 1), 1e-4, 1e-5));
        else if (c.task == Task::Regress)
            QVERIFY(torch::allclose(pred, expected.squeeze(1) * c.labelStd + c.labelMean, 1e-4, 1e-5));
        else
            QVERIFY(torch::allclose(pred, expected * c.normStd + c.normMean, 1e-3, 1e-4));
    }

    void checkpointRoundTripAndRefusals()
    {
        QTemporaryDir dir;
        const RunConfig c = configFor(ModelKind::Cnn, 16, 3);
        auto net = makeNet(c.model, 16, 16, 3);
        torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
        CheckpointMeta meta;
        meta.model = c.model;
        meta.task = c.task;
        meta.rows = meta.cols = 16;
        meta.outputs = 3;
        meta.epoch = 4;
        meta.batchInEpoch = 7;
        const std::string path = dir.filePath("last.pt").toStdString();
        saveCheckpoint(path, meta, *net, &opt);
        auto other = makeNet(c.model, 16, 16, 3);
        torch::optim::Adam opt2(other->parameters(), torch::optim::AdamOptions(1e-3));
        const CheckpointMeta back = loadCheckpoint(path, meta, *other, &opt2);
        QCOMPARE(back.epoch, 4);
        QCOMPARE(back.batchInEpoch, std::size_t(7));
        QVERIFY(torch::equal(other->named_parameters()["head.out.weight"], net->named_parameters()["head.out.weight"]));

        // Another model type.
        CheckpointMeta ae = meta;
        ae.model = ModelKind::Autoencoder;
        ae.task = Task::Reconstruct;
        ae.outputs = 0;
        auto aeNet = makeNet(ModelKind::Autoencoder, 16, 16, 0);
        RS_VERIFY_ERROR(FormatError, loadCheckpoint(path, ae, *aeNet, nullptr), "'cnn' model");
        // A corrupted file, a foreign LibTorch archive, a text file.
        QByteArray bytes;
        {
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::ReadOnly));
            bytes = f.readAll();
        }
        const std::string corrupt
            = fixtures::writeBytes(dir.path(), "corrupt.pt", bytes.constData(), std::size_t(bytes.size() / 2));
        const std::string text = fixtures::writeBytes(dir.path(), "text.pt", "hello", 5);
        torch::serialize::OutputArchive foreignArchive;
        foreignArchive.write("weights", torch::ones({3}));
        const std::string foreign = dir.filePath("foreign.pt").toStdString();
        foreignArchive.save_to(foreign);
        for (const std::string& bad : {corrupt, text, foreign})
            RS_VERIFY_ERROR(FormatError, loadCheckpoint(bad, meta, *other, &opt2), QString::fromStdString(bad),
                "not a ReionScope checkpoint");
    }
};

QTEST_GUILESS_MAIN(TestMlModels)
#include "tst_ml_models.moc"

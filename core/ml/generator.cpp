#include "ml/generator.h"

#include "io/hdf5_util.h"
#include "ml/dataset.h"
#include "ml/dataset_health.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/generator_net.h"
#include "ml/generation_metrics.h"
#include "ml/run_status.h"
#include "ml/translation_metrics.h"
#include "util/error.h"
#include "util/file_util.h"

#include <torch/fft.h>

#include <cmath>
#include <filesystem>
#include <limits>

namespace rs::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kGenerateChunk = 256; ///< maps decoded at once

/// The normalised value of an ionized cell (0 in physical units).
double ionizedNorm(const RunConfig& c)
{
    return (0.0 - c.normMean) / c.normStd;
}

/// (rows·(cols/2+1)) × bins averaging matrix of rfft2 modes into shells of |k| (in units of the
/// fundamental of the shorter side) with edges ×1.5 from 1 up to min(rows, cols)/2: the binning of
/// the evaluation's spectra (powerSpectrum2d), so every octave of k weighs alike in the power terms
/// (linear shells gave k < 0.33/Mpc at 64² / 1.5 Mpc 4 of the 31 shells).
torch::Tensor shellMatrix(std::int64_t rows, std::int64_t cols, const torch::Device& device)
{
    const std::int64_t half = cols / 2 + 1, side = std::min(rows, cols);
    const double top = double(side / 2), ratio = 1.5;
    const auto bins = std::int64_t(std::ceil(std::log(top) / std::log(ratio)));
    std::vector<float> m(std::size_t(rows * half * bins), 0.0f);
    std::vector<float> count(std::size_t(bins), 0.0f);
    std::vector<std::int64_t> binOf(std::size_t(rows * half), -1);
    for (std::int64_t iy = 0; iy < rows; ++iy)
        for (std::int64_t ix = 0; ix < half; ++ix) {
            const double ky = double(iy <= rows / 2 ? iy : iy - rows) * double(side) / double(rows);
            const double kx = double(ix) * double(side) / double(cols);
            const double k = std::sqrt(ky * ky + kx * kx);
            if (k < 1.0 || k >= top)
                continue;
            const auto b = std::min(bins - 1, std::int64_t(std::floor(std::log(k) / std::log(ratio) + 1e-9)));
            binOf[std::size_t(iy * half + ix)] = b;
            ++count[std::size_t(b)];
        }
    for (std::size_t i = 0; i < binOf.size(); ++i)
        if (binOf[i] >= 0)
            m[i * std::size_t(bins) + std::size_t(binOf[i])] = 1.0f / count[std::size_t(binOf[i])];
    return torch::from_blob(m.data(), {rows * half, bins}, torch::kFloat).clone().to(device);
}

/// log of the shell-averaged power of (n, 1, rows, cols) maps: (n, bins).
torch::Tensor logShellPower(const torch::Tensor& maps, const torch::Tensor& shells)
{
    const torch::Tensor f = torch::fft::rfft2(maps - maps.mean({2, 3}, true));
    const torch::Tensor p = f.abs().pow(2) / double(maps.size(2) * maps.size(3));
    return torch::log(p.flatten(1).matmul(shells) + 1e-4);
}

/// The log variance of the neutral value (channel 2 of a heteroscedastic output), kept where
/// the likelihood stays well conditioned.
torch::Tensor logVariance(const torch::Tensor& out)
{
    return out.index({torch::indexing::Slice(), torch::indexing::Slice(2, 3)}).clamp(-8.0, 3.0);
}

/// The map in normalised units with the ionized probability blended in (differentiable); with
/// `draw` and a heteroscedastic output the neutral value is drawn (reparameterised), not its mean.
torch::Tensor softMap(const RunConfig& c, const torch::Tensor& out, bool draw = false)
{
    using torch::indexing::Slice;
    const torch::Tensor p = torch::sigmoid(out.index({Slice(), Slice(0, 1)}));
    torch::Tensor value = out.index({Slice(), Slice(1, 2)});
    if (draw && out.size(1) > 2)
        value = value + torch::randn_like(value) * (0.5 * logVariance(out)).exp();
    return (1 - p) * value + p * ionizedNorm(c);
}

torch::Tensor normalisedMaps(const torch::Tensor& x)
{
    return x.index({torch::indexing::Slice(), torch::indexing::Slice(0, 1)}).contiguous();
}

/// Per-cell loss of the neutral value: squared error, or with a heteroscedastic output the
/// Gaussian negative log-likelihood (without its constant).
torch::Tensor valueLoss(const torch::Tensor& out, const torch::Tensor& x0)
{
    using torch::indexing::Slice;
    const torch::Tensor e2 = (out.index({Slice(), Slice(1, 2)}) - x0).pow(2);
    if (out.size(1) < 3)
        return e2;
    const torch::Tensor lv = logVariance(out);
    return 0.5 * (lv + e2 * (-lv).exp());
}

/// Mean squared difference of the sorted values of each map (the 1D Wasserstein-2 distance of the
/// two maps' value distributions) plus `powerWeight` × that of their log shell power (`bPower`: b's
/// log shell power over `shells`, both computed once by the caller when powerWeight > 0).
torch::Tensor statisticsLoss(const torch::Tensor& a, const torch::Tensor& b, double powerWeight,
    const torch::Tensor& shells, const torch::Tensor& bPower)
{
    const auto sorted = [](const torch::Tensor& m) { return std::get<0>(m.flatten(1).sort(1)); };
    torch::Tensor loss = (sorted(a) - sorted(b)).pow(2).mean();
    if (powerWeight > 0)
        loss = loss + powerWeight * (logShellPower(a, shells) - bPower).pow(2).mean();
    return loss;
}

} // namespace

namespace detail {

torch::Tensor generatorLoss(const RunConfig& c, const torch::Tensor& out, const torch::Tensor& x, const NetBase* net)
{
    using torch::indexing::Slice;
    const torch::Tensor x0 = normalisedMaps(x);
    const torch::Tensor ionized = (x0 * c.normStd + c.normMean).lt(ionizedThreshold(c.quantity)).to(torch::kFloat);
    const torch::Tensor neutral = 1 - ionized;
    torch::Tensor loss = torch::binary_cross_entropy_with_logits(out.index({Slice(), Slice(0, 1)}), ionized)
        + (valueLoss(out, x0) * neutral).sum() / neutral.sum().clamp_min(1.0);
    if (net && net->regularizer().defined())
        loss = loss + net->regularizer() / double(x.size(2) * x.size(3));
    torch::Tensor shells, x0Power; // the batch's log shell power, shared by both power terms
    if (c.powerLossWeight > 0) {
        shells = shellMatrix(x.size(2), x.size(3), x.device());
        x0Power = logShellPower(x0, shells);
        loss = loss + c.powerLossWeight * (logShellPower(softMap(c, out, true), shells) - x0Power).pow(2).mean();
    }
    // Maps decoded from the prior (what `generate` draws) against the batch's maps at the same
    // parameters: the statistics the evaluation judges, not the cells.
    const auto* g = dynamic_cast<const GeneratorNetImpl*>(net);
    if (c.priorLossWeight > 0 && g && g->priorOutput().defined())
        loss = loss
            + c.priorLossWeight
                * statisticsLoss(softMap(c, g->priorOutput(), true), x0, c.powerLossWeight, shells, x0Power);
    return loss;
}

std::pair<double, double> generatorSums(const RunConfig& c, const torch::Tensor& out, const torch::Tensor& x)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor x0 = normalisedMaps(x);
    return {(softMap(c, out) - x0).pow(2).sum().item<double>(), x0.pow(2).sum().item<double>()};
}

torch::Tensor physicalMaps(const RunConfig& c, const torch::Tensor& out)
{
    using torch::indexing::Slice;
    const torch::Tensor v = out.index({Slice(), 1}) * c.normStd + c.normMean;
    return torch::where(out.index({Slice(), 0}).gt(0), torch::zeros_like(v), v);
}

torch::Tensor generateMaps(
    NetBase& net, const RunConfig& c, double z, double zeta, std::size_t n, std::uint64_t seed, const torch::Device& d)
{
    auto* g = dynamic_cast<GeneratorNetImpl*>(&net);
    if (!g)
        throw ParameterError("model", "not a generator network");
    torch::NoGradGuard noGrad;
    const double zn = (z - c.conditionMean[0]) / c.conditionStd[0];
    const double qn = (zeta - c.conditionMean[1]) / c.conditionStd[1];
    std::vector<torch::Tensor> parts;
    for (std::size_t done = 0, part = 0; done < n; done += kGenerateChunk, ++part)
        parts.push_back(physicalMaps(c,
            g->sample(
                std::min(kGenerateChunk, n - done), zn, qn, seed + 0x9E3779B97F4A7C15ull * part, d, c.rows, c.cols))
                            .to(torch::kCPU));
    return torch::cat(parts, 0).contiguous();
}

namespace {

/// The configuration to judge `info`'s maps with: the run's own, or at another map size of the
/// same cell size. Throws ParameterError naming the dataset otherwise.
RunConfig evaluationSize(const RunConfig& trained, const DatasetInfo& info)
{
    const std::string kind = std::string(quantityName(trained.quantity)) + " maps";
    if (info.quantity != trained.quantity || info.paired())
        throw ParameterError("dataset", info.path + ": not a dataset of this generator's kind (" + kind + ")");
    if (info.rows == trained.rows && info.cols == trained.cols)
        return trained;
    // Another map size: the decoder is convolutional, so maps of any multiple of 8 come out at
    // the training cell size; judged against simulations of that cell size only.
    const double a = trained.cellSizeMpc, b = info.cellSizeMpc;
    if (!(std::isfinite(a) && std::isfinite(b) && a > 0 && std::abs(a - b) <= 1e-3 * a))
        throw ParameterError("dataset",
            info.path + ": maps of " + std::to_string(info.rows) + "x" + std::to_string(info.cols) + " with "
                + formatValue(b) + " Mpc cells; this generator makes " + kind + " of " + formatValue(a)
                + " Mpc cells (trained at " + std::to_string(trained.rows) + "x" + std::to_string(trained.cols)
                + "), and judges other sizes only at its own cell size");
    if (info.rows % 8 || info.cols % 8)
        throw ParameterError("dataset",
            info.path + ": maps of " + std::to_string(info.rows) + "x" + std::to_string(info.cols)
                + "; the generator makes sizes divisible by 8");
    RunConfig c = trained;
    c.rows = info.rows;
    c.cols = info.cols;
    return c;
}

} // namespace

EvalMetrics evaluateGeneration(NetBase& net, const RunConfig& trained, std::shared_ptr<const DatasetFile> ds,
    Split split, const torch::Device& device, std::size_t maxBatches, const StopToken& stop)
{
    const RunConfig c = evaluationSize(trained, ds->info());
    EvalMetrics m = evaluationHeader(c, split);
    BatchStream stream(ds, ds->indices(split), evaluationStreamOptions(c, 32, maxBatches));
    net.eval();
    torch::NoGradGuard noGrad;
    double lossSum = 0, sse = 0, sx2 = 0;
    std::size_t n = 0;
    while (auto batch = stream.next()) {
        stop.throwIfStopped();
        const torch::Tensor x = batchInput(c, *ds, *batch, device);
        const torch::Tensor out = net.forward(x);
        lossSum += lossOf(c, out, x, {}, &net).item<double>() * double(batch->size());
        const auto [e, s] = generatorSums(c, out, x);
        sse += e;
        sx2 += s;
        n += batch->size();
    }
    m.samples = n;
    m.loss = n ? lossSum / double(n) : kNaN;
    m.mse = n ? sse / double(n * c.rows * c.cols) : kNaN;
    m.relativeMse = sx2 > 0 ? sse / sx2 : kNaN;
    // The physics: generated against simulated maps, one (z, ζ) group at a time.
    const auto groups = samplesByPoint(*ds, split);
    std::vector<GenerationGroupMetrics> results;
    const std::size_t px = c.rows * c.cols;
    const double cell = std::isfinite(c.cellSizeMpc) && c.cellSizeMpc > 0 ? c.cellSizeMpc : 1.0;
    std::uint64_t seed = c.seed + 1;
    for (const auto& [zq, idx] : groups) {
        stop.throwIfStopped();
        if (!std::isfinite(zq.first) || !std::isfinite(zq.second))
            throw ParameterError("dataset",
                ds->info().path + ": " + std::to_string(idx.size())
                    + " samples have no z or zeta label (a cube whose file and folder name neither): a generator "
                      "is judged against simulated maps at the (z, zeta) it draws them for");
        std::vector<float> sim(idx.size() * px);
        ds->readSamples(idx.data(), idx.size(), sim.data());
        const torch::Tensor gen = generateMaps(net, c, zq.first, zq.second, idx.size(), seed++, device);
        const std::vector<float> genv(gen.data_ptr<float>(), gen.data_ptr<float>() + gen.numel());
        results.push_back(compareGeneratedGroup(zq.first, zq.second, sim, genv, c.rows, c.cols, cell, c.quantity));
    }
    net.train(true);
    m.generation = summariseGeneration(std::move(results));
    return m;
}

} // namespace detail

namespace {

/// Throws FormatError for a run folder of another model (loadRun says what else is wrong).
void refuseOtherModels(const std::string& runDir)
{
    if (!isRunFolder(runDir))
        return;
    const RunConfig c = readRunConfig(runDir);
    if (c.model != ModelKind::Generator)
        throw FormatError(runDir,
            std::string("is a '") + modelName(c.model)
                + "' run, not a generator run (train one with --model generator)");
}

} // namespace

struct MapGenerator::Impl {
    detail::LoadedRun run;
};

MapGenerator::MapGenerator(const std::string& runDir)
    : m_impl(std::make_unique<Impl>())
{
    refuseOtherModels(runDir);
    m_impl->run = detail::loadRun(runDir);
}

MapGenerator::~MapGenerator() = default;
MapGenerator::MapGenerator(MapGenerator&&) noexcept = default;
MapGenerator& MapGenerator::operator=(MapGenerator&&) noexcept = default;

const RunConfig& MapGenerator::config() const
{
    return m_impl->run.config;
}

std::vector<std::string> MapGenerator::rangeWarnings(double z, double zeta, bool asFesc) const
{
    const RunConfig& c = config();
    std::vector<std::string> w;
    auto check = [&](const char* name, double v, double lo, double hi) {
        if (asFesc && name != std::string("z")) {
            name = "f_esc";
            v /= kZetaPerFesc;
            lo /= kZetaPerFesc;
            hi /= kZetaPerFesc;
        }
        if (v < lo - 1e-9 * std::abs(lo) || v > hi + 1e-9 * std::abs(hi))
            w.push_back(std::string(name) + " " + formatValue(v) + " is outside the training range " + formatValue(lo)
                + ".." + formatValue(hi) + ": the generator extrapolates");
    };
    check("z", z, c.conditionMin[0], c.conditionMax[0]);
    check("zeta", zeta, c.conditionMin[1], c.conditionMax[1]);
    return w;
}

GeneratedMaps MapGenerator::generate(
    double z, double zeta, std::size_t count, std::uint64_t seed, std::size_t rows, std::size_t cols) const
{
    if (!count)
        throw ParameterError("count", "must be at least 1");
    if (!std::isfinite(z) || !std::isfinite(zeta))
        throw ParameterError("z/zeta", "must be finite numbers");
    if (zeta <= 0)
        throw ParameterError("zeta", "must be positive (an ionizing efficiency; f_esc runs: zeta = 250 f_esc)");
    RunConfig c = config();
    c.rows = rows ? rows : c.rows; // sample() refuses sizes the decoder cannot make
    c.cols = cols ? cols : c.cols;
    const torch::Tensor t = detail::generateMaps(*m_impl->run.net, c, z, zeta, count, seed, m_impl->run.device);
    GeneratedMaps g;
    g.count = count;
    g.rows = c.rows;
    g.cols = c.cols;
    g.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    g.quantity = c.quantity;
    g.z = z;
    g.zeta = zeta;
    g.cellSizeMpc = c.cellSizeMpc;
    g.seed = seed;
    return g;
}

void writeGeneratedMaps(const std::string& path, const GeneratedMaps& maps, const std::string& runDir)
{
    if (maps.values.size() != maps.count * maps.rows * maps.cols || !maps.count)
        throw ParameterError("maps", "no maps, or values that do not fill count x rows x cols, for " + path);
    writeAtomically(path, [&](const std::string& tmp) {
        h5::Id file = h5::createFile(tmp);
        const hsize_t dims[3] = {maps.count, maps.rows, maps.cols};
        h5::Id space(H5Screate_simple(3, dims, nullptr));
        h5::Id ds(H5Dcreate2(file.get(), "maps", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!ds.valid() || H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, maps.values.data()) < 0)
            throw IoError(path, "cannot write dataset 'maps' (disk full?)");
        for (hid_t obj : {file.get(), ds.get()}) {
            h5::writeAttribute(obj, "z", maps.z, path);
            h5::writeAttribute(obj, "zeta", maps.zeta, path);
            h5::writeAttribute(obj, "f_esc", maps.zeta / kZetaPerFesc, path);
            h5::writeAttribute(obj, "quantity", std::string(quantityName(maps.quantity)), path);
            h5::writeAttribute(
                obj, "units", std::string(maps.quantity == Quantity::BrightnessTemperature ? "mK" : ""), path);
        }
        h5::writeAttribute(file.get(), "created_by", std::string("ReionScope"), path);
        h5::writeAttribute(file.get(), "cell_size_mpc", maps.cellSizeMpc, path);
        h5::writeAttribute(file.get(), "seed", std::int64_t(maps.seed), path);
        h5::writeAttribute(file.get(), "count", std::int64_t(maps.count), path);
        h5::writeAttribute(file.get(), "run", runDir, path);
    });
}

GeneratorCalibration calibrateGeneratorRun(
    const std::string& runDir, const std::string& datasetPath, const ProgressFn& progress, const StopToken& stop)
{
    refuseOtherModels(runDir);
    const RunLock lock(runDir); // not while a trainer works on it (its finish calibrates too)
    if (!std::filesystem::exists(finalModelPath(runDir)))
        throw IoError(runDir, "has not finished training (no final.pt); its training calibrates it when it finishes");
    detail::LoadedRun r = detail::loadRun(runDir);
    if (!r.config.generatorSampleMask)
        throw ParameterError("run",
            runDir
                + ": trained before generation drew the ionized state (no generator.sample_mask), which the "
                  "calibration adjusts; train it again to calibrate it");
    const bool own = datasetPath.empty();
    const std::shared_ptr<const DatasetFile> ds = DatasetFile::open(own ? r.config.datasetPath : datasetPath);
    RunConfig sized = detail::evaluationSize(r.config, ds->info()); // same quantity and cell size
    const std::string what
        = detail::calibrateGeneratorPoints(*r.net, sized, *ds, r.device, subProgress(progress, 0.0, 0.95), stop);
    if (what.empty())
        throw ParameterError("dataset",
            ds->info().path
                + ": its training split has no (z, zeta) point with 1000 or more neutral cells and at least 0.5 % "
                  "of its cells neutral to calibrate the generator at");
    r.config.generatorPoints = sized.generatorPoints;
    r.config.generatorNeutralPoints = sized.generatorNeutralPoints;
    r.config.generatorCalibrationDataset = own ? "" : std::filesystem::absolute(ds->info().path).string();
    r.config.generatorCalibrationRows = own ? 0 : sized.rows;
    r.config.generatorCalibrationCols = own ? 0 : sized.cols;
    stop.throwIfStopped();
    writeRunConfig(runDir, r.config);
    GeneratorCalibration out;
    out.points = r.config.generatorPoints.size();
    out.rows = sized.rows;
    out.cols = sized.cols;
    out.message
        = what + " of " + ds->info().path + " (" + std::to_string(sized.rows) + "x" + std::to_string(sized.cols) + ")";
    // metrics.json holds the test metrics of the run as it now draws, on its own dataset.
    if (progress)
        progress(0.95, "evaluating on the test split");
    try {
        const auto trained = own ? ds : DatasetFile::open(r.config.datasetPath);
        out.warnings = judgingWarnings(trained->info(), ds->info());
        writeMetrics(runDir, detail::evaluateNet(*r.net, r.config, trained, Split::Test, r.device, 0));
        out.metricsUpdated = true;
    } catch (const Error& e) {
        out.message += "; metrics.json not updated (" + std::string(e.what()) + ")";
    }
    return out;
}

} // namespace rs::ml

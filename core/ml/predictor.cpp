#include "ml/predictor.h"

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/detail/checkpoint.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/generator_net.h"
#include "ml/detail/nets.h"
#include "ml/detail/unet.h"
#include "ml/ml_setup.h"
#include "ml/slice_fit.h"
#include "util/error.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace rs::ml {

namespace fs = std::filesystem;

namespace detail {

torch::Tensor batchTargets(const RunConfig& c, const DatasetFile& ds, const Batch& batch, const torch::Device& device)
{
    if (c.task == Task::Reconstruct || c.task == Task::Generate)
        return {};
    if (c.task == Task::Translate)
        return translationTargets(c, ds, batch, device);
    const std::vector<std::int64_t>& indices = batch.indices;
    const std::size_t n = indices.size();
    if (c.task == Task::Classify) {
        std::vector<std::int64_t> y(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double v = labelValue(ds.labels()[std::size_t(indices[i])], c.target);
            const int k = classIndex(c.classes, v);
            if (k < 0)
                throw ParameterError("dataset",
                    ds.info().path + ": label " + targetName(c.target) + " = " + formatValue(v)
                        + " is not one of the run's classes");
            y[i] = k;
        }
        return torch::tensor(y, torch::kLong).to(device);
    }
    std::vector<float> y(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = labelValue(ds.labels()[std::size_t(indices[i])], c.target);
        if (!std::isfinite(v))
            throw ParameterError("dataset", ds.info().path + ": a sample has no '" + targetName(c.target) + "' label");
        y[i] = float((v - c.labelMean) / c.labelStd);
    }
    return torch::tensor(y, torch::kFloat).to(device);
}

torch::Tensor lossOf(const RunConfig& c, const torch::Tensor& output, const torch::Tensor& input,
    const torch::Tensor& target, const NetBase* net)
{
    switch (c.task) {
    case Task::Classify:
        return torch::cross_entropy_loss(output, target);
    case Task::Regress:
        return torch::mse_loss(output.squeeze(1), target);
    case Task::Reconstruct:
        return torch::mse_loss(output, input);
    case Task::Translate:
        return c.targetQuantity == Quantity::NeutralFraction ? torch::binary_cross_entropy_with_logits(output, target)
                                                             : torch::mse_loss(output, target);
    case Task::Generate:
        return generatorLoss(c, output, input, net);
    }
    return {};
}

EvalMetrics evaluationHeader(const RunConfig& c, Split split)
{
    EvalMetrics m;
    m.model = modelName(c.model);
    m.task = c.task;
    m.target = c.target;
    m.split = splitName(split);
    m.classes = c.classes;
    return m;
}

BatchStreamOptions evaluationStreamOptions(const RunConfig& c, std::size_t minBatch, std::size_t maxBatches)
{
    BatchStreamOptions so;
    so.batchSize = std::max<std::size_t>(c.batch, minBatch);
    so.shuffle = false;
    so.maxBatches = maxBatches;
    return so;
}

EvalMetrics evaluateNet(NetBase& net, const RunConfig& c, std::shared_ptr<const DatasetFile> ds, Split split,
    const torch::Device& device, std::size_t maxBatches, const StopToken& stop)
{
    if (c.task == Task::Translate)
        return evaluateTranslation(net, c, ds, split, device, maxBatches, stop);
    if (c.task == Task::Generate)
        return evaluateGeneration(net, c, ds, split, device, maxBatches, stop);
    if (ds->info().rows != c.rows || ds->info().cols != c.cols)
        throw ParameterError("dataset",
            ds->info().path + ": samples are " + std::to_string(ds->info().rows) + "x" + std::to_string(ds->info().cols)
                + " but the model takes " + std::to_string(c.rows) + "x" + std::to_string(c.cols));
    EvalMetrics m = evaluationHeader(c, split);
    BatchStream stream(ds, ds->indices(split), evaluationStreamOptions(c, 32, maxBatches));
    net.eval();
    torch::NoGradGuard noGrad;
    std::vector<int> truthK, predK;
    std::vector<double> truthV, predV;
    double lossSum = 0, sse = 0, sx = 0, sx2 = 0;
    std::size_t n = 0, pixels = 0;
    while (auto batch = stream.next()) {
        stop.throwIfStopped();
        const torch::Tensor x = inputTensor(batch->x.data(), batch->size(), c.rows, c.cols, device);
        const torch::Tensor y = batchTargets(c, *ds, *batch, device);
        const torch::Tensor out = net.forward(x);
        const double loss = lossOf(c, out, x, y).item<double>();
        lossSum += loss * double(batch->size());
        n += batch->size();
        if (c.task == Task::Classify) {
            const torch::Tensor p = out.argmax(1).to(torch::kCPU), t = y.to(torch::kCPU);
            for (std::int64_t i = 0; i < p.size(0); ++i) {
                predK.push_back(int(p[i].item<std::int64_t>()));
                truthK.push_back(int(t[i].item<std::int64_t>()));
            }
        } else if (c.task == Task::Regress) {
            const torch::Tensor p = out.squeeze(1).to(torch::kCPU), t = y.to(torch::kCPU);
            for (std::int64_t i = 0; i < p.size(0); ++i) {
                predV.push_back(p[i].item<double>() * c.labelStd + c.labelMean);
                truthV.push_back(t[i].item<double>() * c.labelStd + c.labelMean);
            }
        } else {
            sse += loss * double(x.numel());
            sx += x.sum().item<double>();
            sx2 += x.pow(2).sum().item<double>();
            pixels += std::size_t(x.numel());
        }
    }
    net.train(true);
    m.samples = n;
    m.loss = n ? lossSum / double(n) : std::numeric_limits<double>::quiet_NaN();
    if (c.task == Task::Classify)
        fillClassification(m, truthK, predK, c.classes.size());
    else if (c.task == Task::Regress && n)
        fillRegression(m, truthV, predV);
    else if (c.task == Task::Reconstruct && pixels) {
        m.mse = sse / double(pixels);
        const double mean = sx / double(pixels), var = sx2 / double(pixels) - mean * mean;
        m.relativeMse = var > 0 ? m.mse / var : std::numeric_limits<double>::quiet_NaN();
    }
    return m;
}

LoadedRun loadRun(const std::string& runDir)
{
    if (!isRunFolder(runDir))
        throw IoError(runDir, "is not a run folder (no config.json)");
    LoadedRun r;
    r.config = readRunConfig(runDir);
    for (const std::string& p : {finalModelPath(runDir), bestCheckpointPath(runDir), checkpointPath(runDir)})
        if (fs::exists(p)) {
            r.weights = p;
            break;
        }
    if (r.weights.empty())
        throw IoError(runDir, "has no trained weights yet (no final.pt or checkpoint)");
    r.device = torch::Device(resolveDevice("auto") == "cuda" ? torch::kCUDA : torch::kCPU);
    r.net = makeNet(r.config);
    CheckpointMeta want;
    want.model = r.config.model;
    want.task = r.config.task;
    want.rows = r.config.rows;
    want.cols = r.config.cols;
    want.outputs = outputCount(r.config);
    loadCheckpoint(r.weights, want, *r.net, nullptr);
    toChannelsLast(*r.net, r.device);
    r.net->eval();
    return r;
}

} // namespace detail

using detail::LoadedRun;
using detail::loadRun;

EvalMetrics evaluateRun(
    const std::string& runDir, const std::string& datasetPath, Split split, int threads, const StopToken& stop)
{
    setComputeThreads(threads);
    LoadedRun r = loadRun(runDir);
    auto ds = DatasetFile::open(datasetPath.empty() ? r.config.datasetPath : datasetPath);
    return detail::evaluateNet(*r.net, r.config, ds, split, r.device, 0, stop);
}

struct Predictor::Impl {
    LoadedRun run;
};

Predictor::Predictor(const std::string& runDir)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->run = loadRun(runDir);
}

Predictor::~Predictor() = default;
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;

const RunConfig& Predictor::config() const
{
    return m_impl->run.config;
}
const std::string& Predictor::weightsPath() const
{
    return m_impl->run.weights;
}

std::size_t Predictor::outputSize() const
{
    const RunConfig& c = m_impl->run.config;
    return c.task == Task::Classify ? c.classes.size()
        : c.task == Task::Regress   ? 1
                                    : c.rows * c.cols; // translate: a field
}

std::size_t Predictor::featureSize() const
{
    const RunConfig& c = m_impl->run.config;
    switch (c.model) {
    case ModelKind::Autoencoder:
    case ModelKind::CodesCnn:
        return (c.rows / 8) * (c.cols / 8) * 8;
    case ModelKind::Mlp:
        return 350;
    case ModelKind::Cnn:
        return 64;
    case ModelKind::UNet:
        return 4 * detail::kUNetWidth;
    case ModelKind::Generator:
        return (c.rows / 8) * (c.cols / 8) * detail::kGeneratorLatent;
    }
    return 0;
}

namespace {

template<typename Fn>
std::vector<float> runChunks(const LoadedRun& r, const float* raw, std::size_t n, std::size_t perSample, Fn&& fn)
{
    if (n == 0)
        throw ParameterError("samples", "no samples to predict");
    const RunConfig& c = r.config;
    const std::size_t pixels = c.rows * c.cols;
    std::vector<float> out;
    out.reserve(n * perSample);
    std::vector<float> norm;
    torch::NoGradGuard noGrad;
    for (std::size_t begin = 0; begin < n; begin += 64) {
        const std::size_t m = std::min<std::size_t>(64, n - begin);
        norm.assign(raw + begin * pixels, raw + (begin + m) * pixels);
        for (float& v : norm)
            v = float((v - c.normMean) / c.normStd);
        const torch::Tensor x = detail::inputTensor(norm.data(), m, c.rows, c.cols, r.device);
        const torch::Tensor y = fn(x).to(torch::kCPU).contiguous().to(torch::kFloat);
        out.insert(out.end(), y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    }
    return out;
}

/// Translation runs take several input channels per sample: Translator assembles them; generator
/// runs draw maps (MapGenerator).
void refuseTranslation(const RunConfig& c)
{
    if (c.task == Task::Translate)
        throw ParameterError("run", "a unet run translates whole density cubes (use translate), not single slices");
    if (c.task == Task::Generate)
        throw ParameterError("run", "a generator run draws maps at chosen z and zeta (use generate), not predictions");
}

} // namespace

std::vector<float> Predictor::predict(const float* raw, std::size_t n) const
{
    const LoadedRun& r = m_impl->run;
    const RunConfig& c = r.config;
    refuseTranslation(c);
    return runChunks(r, raw, n, outputSize(), [&](const torch::Tensor& x) {
        const torch::Tensor y = r.net->forward(x);
        switch (c.task) {
        case Task::Classify:
            return torch::softmax(y, 1);
        case Task::Regress:
            return y.squeeze(1) * c.labelStd + c.labelMean;
        case Task::Reconstruct:
        case Task::Translate:
        case Task::Generate:
            break;
        }
        return (y * c.normStd + c.normMean).contiguous();
    });
}

std::vector<float> Predictor::features(const float* raw, std::size_t n) const
{
    const LoadedRun& r = m_impl->run;
    refuseTranslation(r.config);
    return runChunks(r, raw, n, featureSize(), [&](const torch::Tensor& x) { return r.net->features(x).contiguous(); });
}

std::vector<float> Predictor::decode(const float* codes, std::size_t n) const
{
    const LoadedRun& r = m_impl->run;
    const RunConfig& c = r.config;
    auto* ae = dynamic_cast<detail::AutoencoderImpl*>(r.net.get());
    if (!ae)
        throw ParameterError(
            "run", std::string("only autoencoder (ae) runs decode codes; this is a ") + modelName(c.model) + " run");
    if (n == 0)
        throw ParameterError("codes", "no codes to decode");
    torch::NoGradGuard noGrad;
    std::vector<float> buf(codes, codes + n * featureSize());
    const torch::Tensor code
        = torch::from_blob(buf.data(), {std::int64_t(n), 8, std::int64_t(c.rows / 8), std::int64_t(c.cols / 8)})
              .to(r.device);
    const torch::Tensor y = (ae->decoder->forward(code) * c.normStd + c.normMean).to(torch::kCPU).contiguous();
    return {y.data_ptr<float>(), y.data_ptr<float>() + y.numel()};
}

CubePrediction Predictor::predictCube(const Cube& cube, const std::vector<int>& axes, std::size_t stride) const
{
    const RunConfig& c = m_impl->run.config;
    if (c.task == Task::Reconstruct)
        throw ParameterError("run", "an autoencoder run reconstructs slices; it has no label to predict");
    refuseTranslation(c);
    const FittedSlices fs = fitSlices(cube, axes, stride, c.rows, c.cols, c.cellSizeMpc);
    CubePrediction out;
    out.path = cube.metadata().sourcePath;
    out.fit = fs.note;
    out.slices = fs.count;
    const std::vector<float> y = predict(fs.data.data(), fs.count);
    if (c.task == Task::Classify) {
        const std::size_t k = c.classes.size();
        out.meanProbabilities.assign(k, 0.0);
        std::vector<std::size_t> votes(k, 0);
        for (std::size_t i = 0; i < fs.count; ++i) {
            SlicePrediction s;
            s.axis = fs.axis[i];
            s.index = fs.index[i];
            s.probabilities.assign(y.begin() + std::ptrdiff_t(i * k), y.begin() + std::ptrdiff_t((i + 1) * k));
            std::size_t best = 0;
            for (std::size_t j = 0; j < k; ++j) {
                out.meanProbabilities[j] += s.probabilities[j] / double(fs.count);
                if (s.probabilities[j] > s.probabilities[best])
                    best = j;
            }
            s.value = c.classes[best];
            ++votes[best];
            out.perSlice.push_back(std::move(s));
        }
        std::size_t bestMean = 0, bestVote = 0;
        for (std::size_t j = 0; j < k; ++j) {
            if (out.meanProbabilities[j] > out.meanProbabilities[bestMean])
                bestMean = j;
            if (votes[j] > votes[bestVote])
                bestVote = j;
        }
        out.value = c.classes[bestMean];
        out.majority = c.classes[bestVote];
    } else {
        double sum = 0;
        for (std::size_t i = 0; i < fs.count; ++i) {
            SlicePrediction s;
            s.axis = fs.axis[i];
            s.index = fs.index[i];
            s.value = y[i];
            sum += y[i];
            out.perSlice.push_back(std::move(s));
        }
        out.value = sum / double(fs.count);
        out.majority = out.value;
    }
    return out;
}

} // namespace rs::ml

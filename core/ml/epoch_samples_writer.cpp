#include "ml/detail/epoch_samples_writer.h"

#include "ml/batch_stream.h"
#include "ml/detail/evaluation.h"
#include "ml/epoch_samples.h"

#include <filesystem>

namespace rs::ml::detail {

namespace {

std::vector<float> toFloats(const torch::Tensor& t)
{
    const torch::Tensor c = t.to(torch::kCPU, torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

/// The index of a run's samples: which samples, and what each epoch file holds.
EpochSamplesIndex describe(const RunConfig& c, const DatasetFile& ds, const Batch& batch, const torch::Tensor& input,
    const torch::Device& device)
{
    EpochSamplesIndex x;
    x.indices = batch.indices;
    x.rows = c.rows;
    x.cols = c.cols;
    // The first input channel (the slice itself; translation: δT_b) as the network sees it.
    x.inputs = toFloats(input.narrow(1, 0, 1));
    switch (c.task) {
    case Task::Reconstruct:
        x.kind = "images";
        x.channels = {"reconstruction"};
        break;
    case Task::Translate:
        x.kind = "images";
        x.channels = {"prediction", "truth"};
        break;
    case Task::Generate:
        x.kind = "images";
        x.channels = {"generated", "simulated"};
        break;
    case Task::Classify:
    case Task::Regress: {
        x.kind = c.task == Task::Classify ? "probabilities" : "values";
        x.classes = c.classes;
        const torch::Tensor t = batchTargets(c, ds, batch, device).to(torch::kCPU);
        for (std::int64_t i = 0; i < t.size(0); ++i)
            x.truth.push_back(c.task == Task::Classify ? c.classes[std::size_t(t[i].item<std::int64_t>())]
                                                       : t[i].item<double>() * c.labelStd + c.labelMean);
        break;
    }
    }
    return x;
}

} // namespace

void saveEpochSamples(NetBase& net, const RunConfig& c, std::shared_ptr<const DatasetFile> ds,
    const torch::Device& device, const std::string& runDir, int epoch)
{
    const std::vector<std::int64_t> picked = evenlySpacedSubset(ds->indices(Split::Validation), kEpochSampleCount);
    if (picked.empty())
        return;
    BatchStreamOptions so; // the validation stream's normalisation, in this order, no shuffling
    so.batchSize = picked.size();
    so.shuffle = false;
    BatchStream stream(ds, picked, so);
    const std::optional<Batch> batch = stream.next();
    if (!batch)
        return;
    net.eval();
    torch::Tensor out, input;
    {
        torch::NoGradGuard noGrad;
        input = batchInput(c, *ds, *batch, device);
        out = net.forward(input);
    }
    net.train(true);
    const std::size_t n = batch->size();
    std::vector<float> values;
    std::vector<std::size_t> shape;
    if (c.task == Task::Reconstruct) {
        values = toFloats(out);
        shape = {n, 1, c.rows, c.cols};
    } else if (c.task == Task::Translate) {
        std::vector<float> truth(n * c.rows * c.cols);
        ds->readTargets(batch->indices.data(), n, truth.data());
        const std::vector<float> pred = toFloats(translatedField(c, out));
        const std::size_t px = c.rows * c.cols;
        for (std::size_t s = 0; s < n; ++s) { // (n, 2, rows, cols): prediction, truth
            values.insert(
                values.end(), pred.begin() + std::ptrdiff_t(s * px), pred.begin() + std::ptrdiff_t((s + 1) * px));
            values.insert(
                values.end(), truth.begin() + std::ptrdiff_t(s * px), truth.begin() + std::ptrdiff_t((s + 1) * px));
        }
        shape = {n, 2, c.rows, c.cols};
    } else if (c.task == Task::Generate) {
        // One map drawn at each sample's own (z, ζ) with a fixed seed (the same latent every
        // epoch, so the slider shows the generator learning), beside the simulated sample.
        const std::size_t px = c.rows * c.cols;
        const torch::Tensor x0 = input.narrow(1, 0, 1).to(torch::kCPU) * c.normStd + c.normMean;
        const std::vector<float> simulated = toFloats(x0);
        net.eval();
        for (std::size_t s = 0; s < n; ++s) {
            const SampleLabels& l = ds->labels()[std::size_t(batch->indices[s])];
            const std::vector<float> drawn = toFloats(generateMaps(net, c, l.z, l.zeta, 1, 1000 + s, device));
            values.insert(values.end(), drawn.begin(), drawn.end());
            values.insert(values.end(), simulated.begin() + std::ptrdiff_t(s * px),
                simulated.begin() + std::ptrdiff_t((s + 1) * px));
        }
        net.train(true);
        shape = {n, 2, c.rows, c.cols};
    } else if (c.task == Task::Classify) {
        values = toFloats(torch::softmax(out, 1));
        shape = {n, c.classes.size()};
    } else {
        values = toFloats(out.squeeze(1) * c.labelStd + c.labelMean);
        shape = {n, 1};
    }
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::path(epochSamplesFolder(runDir)) / "index.json", ec))
        writeEpochSamplesIndex(runDir, describe(c, *ds, *batch, input, device));
    writeEpochSamples(runDir, epoch, values, shape);
}

} // namespace rs::ml::detail

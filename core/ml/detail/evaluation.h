#pragma once
/// \file evaluation.h
/// PRIVATE to core/ml (includes LibTorch): metrics of a network on one split of a dataset.

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/detail/nets.h"
#include "ml/metrics.h"
#include "util/progress.h"

namespace rs::ml::detail {

/// The header of an evaluation's metrics (model, task, target, split, classes) of `config`.
EvalMetrics evaluationHeader(const RunConfig& config, Split split);

/// The unshuffled stream over `split` that every evaluation reads: batches of the run's size, at
/// least `minBatch`, at most `maxBatches` of them (0: all).
BatchStreamOptions evaluationStreamOptions(const RunConfig& config, std::size_t minBatch, std::size_t maxBatches);

/// Mean loss and task metrics of `net` over `split` (at most maxBatches batches; 0: all).
EvalMetrics evaluateNet(NetBase& net, const RunConfig& config, std::shared_ptr<const DatasetFile> ds, Split split,
    const torch::Device& device, std::size_t maxBatches, const StopToken& stop = {});

/// The targets of a batch: class indices (int64) for classification, standardised values (float)
/// for regression; undefined for reconstruction. Throws ParameterError for a label that is not a
/// known class.
torch::Tensor batchTargets(
    const RunConfig& config, const DatasetFile& ds, const Batch& batch, const torch::Device& device);

/// Translation: the target slices of a batch, (n, 1, rows, cols): x_HI as stored, δT_b
/// standardised, from the batch's raw targets (BatchStream reads them with the samples). Throws
/// ParameterError for a dataset that is not paired.
torch::Tensor translationTargets(
    const RunConfig& config, const DatasetFile& ds, const Batch& batch, const torch::Device& device);

/// The training loss of a batch; `net` adds its regularizer() (the generator's KL term).
torch::Tensor lossOf(const RunConfig& config, const torch::Tensor& output, const torch::Tensor& input,
    const torch::Tensor& target, const NetBase* net = nullptr);

/// The network input of a batch: its normalised samples as (n, 1, rows, cols), or for
/// translation and generator runs (n, inputChannels, rows, cols) with the context channels and
/// the z, ζ planes; channels-last on `device`. Throws FormatError for a damaged dataset.
torch::Tensor batchInput(
    const RunConfig& config, const DatasetFile& ds, const Batch& batch, const torch::Device& device);

/// Translation: the output in target units (x_HI in [0, 1] from logits, δT_b in mK).
torch::Tensor translatedField(const RunConfig& config, const torch::Tensor& output);

/// Translation: the sum over the batch of each sample's pixel accuracy (`target` as batchTargets
/// gives it).
double pixelAccuracySum(const RunConfig& config, const torch::Tensor& output, const torch::Tensor& target);

/// Translation: metrics of `net` over `split` (see translation_metrics.h), loss included.
EvalMetrics evaluateTranslation(NetBase& net, const RunConfig& config, std::shared_ptr<const DatasetFile> ds,
    Split split, const torch::Device& device, std::size_t maxBatches, const StopToken& stop);

/// Generator: the loss of a batch (generator.cpp): BCE of the ionized mask, MSE of the neutral
/// cells, the KL term per pixel and the log-power-spectrum term weighted by powerLossWeight.
torch::Tensor generatorLoss(
    const RunConfig& config, const torch::Tensor& output, const torch::Tensor& input, const NetBase* net);

/// Generator: the squared error of the reconstructed maps and the sum of the squared inputs
/// (normalised units), for the relative-MSE metric.
std::pair<double, double> generatorSums(
    const RunConfig& config, const torch::Tensor& output, const torch::Tensor& input);

/// Generator: drawn planes (n, 2, rows, cols; GeneratorNetImpl::sample) → maps in physical units
/// (n, rows, cols), 0 where channel 0 says ionized.
torch::Tensor physicalMaps(const RunConfig& config, const torch::Tensor& drawn);

/// Generator: `n` maps at (z, ζ) in physical units, (n, rows, cols) on the CPU. Throws
/// ParameterError when `net` is not a generator.
torch::Tensor generateMaps(NetBase& net, const RunConfig& config, double z, double zeta, std::size_t n,
    std::uint64_t seed, const torch::Device& device);

/// Generator: loss, relative MSE and the generation metrics (generation_metrics.h) over `split`.
EvalMetrics evaluateGeneration(NetBase& net, const RunConfig& config, std::shared_ptr<const DatasetFile> ds,
    Split split, const torch::Device& device, std::size_t maxBatches, const StopToken& stop);

/// Generator with a drawn ionized state: at each (z, ζ) of `ds`'s training split with neutral
/// cells (1000 or more, and at least 0.5 % of its cells), fits how maps drawn from the prior are
/// drawn there (GeneratorPointCalibration: the ionized logit's sharpness, the value noise's σ
/// multiplier and width chosen by the worse of KS/0.1 and |power ratio − 1|/0.2 against the
/// simulations, with the logit's offset for their neutral fraction at each sharpness, the
/// quantile map of neutral values onto theirs); sets them on `net` and in
/// `config.generatorPoints`, and says what it did. Maps of `ds`'s size: the training size, or
/// another multiple of 8 at the run's cell size (the caller checks it: calibrateGeneratorRun).
/// Empty (nothing changed) for other nets, runs without the drawn state, sizes not divisible by
/// 8 or no such point (generator_calibration.cpp). `progress` hears each point begin; a raised
/// `stop` ends it between two settings with CancelledError, `net` and `config` as they were.
std::string calibrateGeneratorPoints(NetBase& net, RunConfig& config, const DatasetFile& ds,
    const torch::Device& device, const ProgressFn& progress = {}, const StopToken& stop = StopToken());

/// How many maps calibrateGeneratorPoints judges a point by, given up to 384 of its simulated maps
/// (`maps`, `px` cells each; a cell is neutral at or above `threshold`): `base`, or more where
/// the maps' neutral fractions scatter (few, large neutral islands), so that their mean is known
/// to 5 % (relative standard error), at most 384. `base` for fewer than two maps or none neutral.
std::size_t calibrationMapCount(const std::vector<float>& maps, std::size_t px, double threshold, std::size_t base);

/// A run's network with its weights, ready for inference.
struct LoadedRun {
    RunConfig config;
    std::shared_ptr<NetBase> net;
    std::string weights;
    torch::Device device {torch::kCPU};
};

/// Loads final.pt (or, while training, checkpoints/best.pt, then last.pt). Throws IoError (not a
/// run / no weights yet) or FormatError (damaged or foreign files).
LoadedRun loadRun(const std::string& runDir);

} // namespace rs::ml::detail

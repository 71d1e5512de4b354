#pragma once
/// \file checkpoint.h
/// PRIVATE to core/ml (includes LibTorch): checkpoint and final-model files. Each is a LibTorch
/// archive holding `reionscope_meta` (a JSON string: what it is, for which model, where training
/// stands), `model` (the parameters by registration name) and, for checkpoints, `optimizer` and
/// `rng`. Files are replaced atomically (written to a temporary name, then renamed).

#include "ml/detail/nets.h"
#include "ml/schedule.h"

#include <optional>
#include <string>

namespace rs::ml::detail {

struct CheckpointMeta {
    std::string kind = "checkpoint"; ///< "checkpoint", "best" or "final"
    ModelKind model = ModelKind::Cnn;
    Task task = Task::Classify;
    std::size_t rows = 0, cols = 0;
    int outputs = 0;
    std::string datasetHash;
    int epoch = 0; ///< epochs done (the next epoch is epoch + 1)
    std::size_t batchInEpoch = 0; ///< batches of the next epoch already trained
    std::int64_t step = 0;
    double bestValLoss = 0; ///< +inf before the first validation
    int bestEpoch = 0; ///< the epoch (from 1) of bestValLoss; 0 before the first
    ScheduleState schedule; ///< learning rate and patience counters
    double partialLoss = 0, partialMetricA = 0, partialMetricB = 0; ///< sums over the partial epoch
    std::size_t partialSamples = 0;
    double wallSeconds = 0; ///< training time so far, over all sessions
    std::string lastEpochLine; ///< history line of the last finished epoch (re-appended on
                               ///< resume if a kill came between checkpoint and history)
};

/// Writes a checkpoint (model, and optimizer + RNG when given) atomically. Throws IoError.
void saveCheckpoint(
    const std::string& path, const CheckpointMeta& meta, NetBase& net, torch::optim::Optimizer* optimizer);

/// Reads only the meta of a checkpoint. Throws IoError (missing), FormatError (not a LibTorch
/// archive, or not a ReionScope checkpoint).
CheckpointMeta readCheckpointMeta(const std::string& path);

/// Loads a checkpoint into `net` (and `optimizer`, restoring the RNG, when given) after checking
/// that it was written for the same model, task, input size and output count as `expected`.
/// Throws FormatError naming the file on any mismatch or damage.
/// Tensors are mapped to `device` (the device the network and optimizer live on).
CheckpointMeta loadCheckpoint(const std::string& path, const CheckpointMeta& expected, NetBase& net,
    torch::optim::Optimizer* optimizer, const torch::Device& device = torch::kCPU);

} // namespace rs::ml::detail

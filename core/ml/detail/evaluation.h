#pragma once
/// \file evaluation.h
/// PRIVATE to core/ml (includes LibTorch): metrics of a network on one split of a dataset.

#include "ml/dataset.h"
#include "ml/detail/nets.h"
#include "ml/metrics.h"
#include "util/progress.h"

namespace rs::ml::detail {

/// Mean loss and task metrics of `net` over `split` (at most maxBatches batches; 0: all).
EvalMetrics evaluateNet(NetBase& net, const RunConfig& config, std::shared_ptr<const DatasetFile> ds, Split split,
                        const torch::Device& device, std::size_t maxBatches, const StopToken& stop = {});

/// The targets of a batch: class indices (int64) for classification, standardised values (float)
/// for regression; undefined for reconstruction. Throws ParameterError for a label that is not a
/// known class.
torch::Tensor batchTargets(const RunConfig& config, const DatasetFile& ds, const std::vector<std::int64_t>& indices,
                           const torch::Device& device);

/// The training loss of a batch.
torch::Tensor lossOf(const RunConfig& config, const torch::Tensor& output, const torch::Tensor& input,
                     const torch::Tensor& target);

} // namespace rs::ml::detail

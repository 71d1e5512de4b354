#pragma once
/// \file epoch_samples_writer.h
/// The trainer's side of epoch_samples.h: the network's outputs on the fixed validation samples.

#include "ml/dataset.h"
#include "ml/detail/nets.h"
#include "ml/run_folder.h"

#include <memory>
#include <string>

namespace rs::ml::detail {

/// Writes `<run>/samples/epoch-<epoch>.npy` (and, when missing, index.json and inputs.npy) with
/// what `net` makes of the validation split's kEpochSampleCount evenly spaced samples. The net is
/// run in eval mode without gradients and left in training mode; no random numbers are drawn.
/// Throws IoError (cannot write) or FormatError (damaged dataset).
void saveEpochSamples(NetBase& net, const RunConfig& config, std::shared_ptr<const DatasetFile> ds,
    const torch::Device& device, const std::string& runDir, int epoch);

} // namespace rs::ml::detail

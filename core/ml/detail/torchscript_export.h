#pragma once
/// \file torchscript_export.h
/// PRIVATE to core/ml (includes LibTorch): TorchScript export of a network. LibTorch 1.13's C++
/// API cannot script C++ modules, so the export is a torch::jit::Module built here: the weights
/// registered as parameters (registration names with '.' → '_'), the normalisation and labels as
/// buffers, and the forward pass written as TorchScript source (the same ATen operations as the
/// C++ modules, so outputs agree). Methods: forward(x) on normalised input (the C++ model's
/// output), features(x), and predict(raw) on raw slices (probabilities, values in label units, or
/// reconstructions in input units). Python: `m = torch.jit.load("model.ts"); m.predict(x)`.

#include "ml/detail/nets.h"

#include <string>

namespace rs::ml::detail {

/// Builds the TorchScript module of `net` for run `config`.
torch::jit::Module buildTorchScript(NetBase& net, const RunConfig& config);

/// Writes buildTorchScript's module to `path` atomically. Throws IoError.
void exportTorchScript(const std::string& path, NetBase& net, const RunConfig& config);

} // namespace rs::ml::detail

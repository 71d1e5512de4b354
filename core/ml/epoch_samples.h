#pragma once
/// \file epoch_samples.h
/// What a network makes of a fixed set of validation samples after every epoch, so a person can
/// watch it learn (the studio's Samples tab). The trainer writes, in the run folder:
///
///     samples/index.json      {"format": "reionscope-epoch-samples", "kind", "indices", "rows",
///                              "cols", "channels", "classes", "truth"}
///     samples/inputs.npy      (n, rows, cols) float32: the samples as the network sees them
///                             (normalised; translation: the δT_b channel)
///     samples/epoch-<e>.npy   after epoch e (from 1): kind "images": (n, channels, rows, cols)
///                             (autoencoder: the reconstruction, normalised like the input;
///                             translation: prediction and truth in target units);
///                             "probabilities": (n, classes); "values": (n, 1) in label units
///
/// Every file is written atomically, so a kill leaves whole files only. The samples are the
/// validation split's first, last and evenly spaced ones between (kEpochSampleCount). No LibTorch.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rs::ml {

constexpr std::size_t kEpochSampleCount = 4;

struct EpochSamplesIndex {
    std::string kind; ///< "images", "probabilities" or "values"
    std::vector<std::int64_t> indices; ///< dataset sample indices
    std::size_t rows = 0, cols = 0;
    std::vector<std::string> channels; ///< images: the name of each channel ("reconstruction", ...)
    std::vector<double> classes; ///< probabilities: the label value of each class
    std::vector<double> truth; ///< probabilities, values: each sample's true label value
    std::vector<float> inputs; ///< n * rows * cols
    std::vector<int> epochs; ///< the epochs with a samples file, ascending
};

std::string epochSamplesFolder(const std::string& runDir); ///< samples/
std::string epochSamplesPath(const std::string& runDir, int epoch); ///< samples/epoch-<e>.npy

/// Writes index.json and inputs.npy (at the first epoch; later calls rewrite the same content).
/// Throws IoError.
void writeEpochSamplesIndex(const std::string& runDir, const EpochSamplesIndex& index);
/// Writes one epoch's predictions (float32, `shape` as above). Throws IoError.
void writeEpochSamples(
    const std::string& runDir, int epoch, const std::vector<float>& values, const std::vector<std::size_t>& shape);

/// The index, inputs and the list of epochs written so far; nullopt-like empty index (kind "")
/// when the run has no samples. Throws FormatError when the files are damaged or inconsistent.
EpochSamplesIndex readEpochSamplesIndex(const std::string& runDir);
/// One epoch's predictions, checked against the index's shape. Throws IoError (missing) or
/// FormatError (damaged, wrong shape).
std::vector<float> readEpochSamples(const std::string& runDir, const EpochSamplesIndex& index, int epoch);

} // namespace rs::ml

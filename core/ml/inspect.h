#pragma once
/// \file inspect.h
/// Looking inside a trained run, for viewers: a split's samples with their predictions (scatter,
/// confusion), autoencoder reconstructions with residuals, per-sample errors and Δ²(k), and 2D
/// projections of learnt features (or pixels) coloured by a label. Built on Predictor, so no
/// LibTorch here; every function is meant for a worker thread (a Predictor serves one thread at
/// a time).

#include "cube/cube_stats.h"
#include "ml/dataset.h"
#include "ml/metrics.h"
#include "ml/predictor.h"
#include "stats/power_spectrum.h"
#include "util/progress.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rs::ml {

/// Samples of one split, raw (un-normalised) values.
struct SampleStack {
    std::vector<std::int64_t> indices; ///< dataset sample indices, ascending
    std::vector<float> values; ///< count() × rows × cols, row-major
    std::size_t rows = 0, cols = 0;
    std::size_t count() const { return indices.size(); }
};

/// At most `maxSamples` samples of `split` (0: all), evenly spaced over the split. Throws
/// FormatError for a damaged file.
SampleStack readSplitSamples(const DatasetFile& dataset, Split split, std::size_t maxSamples);

/// Predictions of a classifier or regressor on samples of a split.
struct SplitPredictions {
    std::vector<std::int64_t> indices;
    std::vector<double> truth; ///< label value of each sample
    std::vector<double> predicted; ///< class value (classification) or regressed value
    std::vector<float> probabilities; ///< classification: count × classes
    EvalMetrics metrics; ///< over exactly these samples (accuracy, confusion, R², ...)
};

/// Predicts at most `maxSamples` samples of `split` (0: all). Throws ParameterError for an
/// autoencoder run (use reconstruct), for a dataset whose sample size differs from the run's or
/// whose labels it lacks; CancelledError when stopped.
SplitPredictions predictSplit(const Predictor& predictor, const DatasetFile& dataset, Split split,
    std::size_t maxSamples, const StopToken& stop = {});

/// An autoencoder's reconstructions of a stack of samples.
struct Reconstructions {
    std::size_t count = 0, rows = 0, cols = 0;
    std::vector<float> input, output, residual; ///< count × rows × cols each; residual = input − output
    std::vector<double> mse; ///< per sample, mean of residual² (input units²)
    SummaryStats valueRange; ///< over input and output together: one colour range for both
    SummaryStats residualRange;
    double cellMpc = 1; ///< pixel side used for the spectra (1 when unknown: k per pixel)
    std::vector<PowerSpectrum> inputSpectra; ///< per sample, 2D Δ²(k) (powerSpectrum2d)
    std::vector<PowerSpectrum> outputSpectra;
};

/// Runs the autoencoder on `count` raw samples of the run's input size (`input` holds
/// count × rows × cols values) and measures each reconstruction. `cellMpc` is the pixel side
/// for Δ²(k) (NaN or ≤ 0: pixel units). Throws ParameterError for a run that does not
/// reconstruct or a wrong input size, FormatError for non-finite inputs, CancelledError.
Reconstructions reconstruct(const Predictor& predictor, std::vector<float> input, std::size_t count, double cellMpc,
    const ProgressFn& progress = {}, const StopToken& stop = {});

/// Positions of the `n` largest errors, largest first (ties: lower position first).
std::vector<std::size_t> worstSamples(const std::vector<double>& errors, std::size_t n);

/// Test samples (or another split) as points in the plane of the first two principal components
/// of what a run learnt: the encoder's codes (ae, codes-cnn), the last hidden features (mlp,
/// cnn), or, without a run, the normalised pixels.
struct Projection2d {
    std::vector<std::int64_t> indices; ///< dataset sample of each point
    std::vector<double> x, y; ///< first and second principal component
    std::vector<double> label; ///< value of the colouring target (NaN where unknown)
    std::array<double, 2> explainedRatio {0, 0};
    std::string space; ///< "autoencoder codes", "learnt features" or "pixels"
};

/// Projects at most `maxSamples` samples of `split` (0: all; keep it to a few hundred for large
/// samples). `predictor` may be null (pixels). Throws ParameterError for fewer than 3 samples or a
/// dataset whose sample size differs from the run's, CancelledError.
Projection2d projectSplit(const Predictor* predictor, const DatasetFile& dataset, Split split, Target colourBy,
    std::size_t maxSamples, const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace rs::ml

#pragma once
/// \file predictor.h
/// Using a trained run: evaluation on a dataset split, and an inference object that returns
/// class probabilities, regressed values or reconstructions (plus encoder codes for projections)
/// for slices or whole cubes. No LibTorch in this header.

#include "cube/cube.h"
#include "ml/labels.h"
#include "ml/metrics.h"
#include "ml/run_folder.h"
#include "util/progress.h"

#include <memory>
#include <string>
#include <vector>

namespace rs::ml {

/// Test-set (or other split) metrics of a run's final model (or, for an unfinished run, its best
/// or last checkpoint) on `datasetPath` ("" = the run's own dataset). Calls setComputeThreads.
/// Throws IoError/FormatError (missing or foreign run or model, damaged dataset), ParameterError
/// (a dataset whose sample size or labels do not suit the run), CancelledError.
EvalMetrics evaluateRun(const std::string& runDir, const std::string& datasetPath = "", Split split = Split::Test,
    int threads = 2, const StopToken& stop = {});

/// One slice's prediction.
struct SlicePrediction {
    int axis = 0;
    std::size_t index = 0;
    double value = 0; ///< class value (classification) or regressed value
    std::vector<double> probabilities; ///< per class (classification only)
};

/// A whole cube's prediction: slices cut, fitted to the model's input, predicted, aggregated.
struct CubePrediction {
    std::string path;
    std::string fit; ///< what was done to fit the slices (resample / crop)
    std::size_t slices = 0;
    double value = 0; ///< class with the highest mean probability, or mean regressed value
    double majority = 0; ///< classification: the most frequent per-slice class
    std::vector<double> meanProbabilities; ///< per class (classification only)
    std::vector<SlicePrediction> perSlice;
};

/// A loaded run ready for inference (one thread at a time).
class Predictor {
public:
    /// Loads final.pt (or, while training, checkpoints/best.pt, then last.pt). Throws IoError
    /// (not a run / no weights yet) or FormatError (damaged or foreign files).
    explicit Predictor(const std::string& runDir);
    ~Predictor();
    Predictor(Predictor&&) noexcept;
    Predictor& operator=(Predictor&&) noexcept;

    const RunConfig& config() const;
    const std::string& weightsPath() const; ///< the file the weights came from

    /// Outputs for `n` raw (un-normalised) rows×cols samples: classification → n × classes
    /// probabilities; regression → n values in label units; reconstruction → n × rows × cols in
    /// input units. Throws ParameterError for n = 0.
    std::vector<float> predict(const float* raw, std::size_t n) const;
    /// Encoder codes (ae, codes-cnn) or last hidden features (mlp, cnn): n × featureSize().
    std::vector<float> features(const float* raw, std::size_t n) const;
    std::size_t featureSize() const;
    /// Autoencoder runs: decodes `n` codes (n × featureSize(), as features() returns them) into
    /// n × rows × cols maps in input units (walking through the latent space). Throws
    /// ParameterError for another model or n = 0.
    std::vector<float> decode(const float* codes, std::size_t n) const;
    /// Output values per sample (classes, 1, or rows × cols).
    std::size_t outputSize() const;

    /// Slices of `cube` along `axes` every `stride`, fitted to the model input (see slice_fit.h),
    /// predicted and aggregated. Throws ParameterError for a reconstruction run (use predict) and
    /// FormatError for cubes with NaNs.
    CubePrediction predictCube(const Cube& cube, const std::vector<int>& axes = {2}, std::size_t stride = 1) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace rs::ml

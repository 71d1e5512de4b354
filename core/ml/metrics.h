#pragma once
/// \file metrics.h
/// Test-set metrics of a run (what `metrics.json` and `reionscope-cli evaluate` report) and the
/// plain computations behind them. No LibTorch here.

#include "ml/generation_metrics.h"
#include "ml/labels.h"
#include "ml/translation_metrics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rs::ml {

struct EvalMetrics {
    std::string model;
    Task task = Task::Classify;
    Target target = Target::None;
    std::string split = "test";
    std::size_t samples = 0;
    double loss = 0;
    // classification
    std::vector<double> classes; ///< label value of each class
    double accuracy = 0;
    std::vector<std::vector<std::int64_t>> confusion; ///< [true][predicted]
    std::vector<double> perClassAccuracy; ///< recall of each true class (NaN if absent)
    // regression (in label units)
    double r2 = 0, rmse = 0, mae = 0;
    // reconstruction (in normalised units)
    double mse = 0;
    double relativeMse = 0; ///< mse / variance of the inputs: 0 perfect, 1 no better than the mean
    // translation (unet)
    TranslationMetrics translation;
    // generation (generator); loss, mse and relativeMse as for reconstruction
    GenerationMetrics generation;
};

/// The metric of metricName(m.task): accuracy, R², relative MSE or pixel accuracy.
double headlineMetric(const EvalMetrics& m);

/// Accuracy, confusion matrix and per-class accuracy from true and predicted class indices.
/// Throws ParameterError when the sizes differ or an index is out of range.
void fillClassification(
    EvalMetrics& m, const std::vector<int>& truth, const std::vector<int>& predicted, std::size_t classCount);
/// R², RMSE and MAE. Throws ParameterError when the sizes differ or there are no samples.
void fillRegression(EvalMetrics& m, const std::vector<double>& truth, const std::vector<double>& predicted);

} // namespace rs::ml

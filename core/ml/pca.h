#pragma once
/// \file pca.h
/// Principal component analysis baseline (as in the seed study): explained-variance curve,
/// projections, and a nearest-class-centroid classifier in PCA space for comparison with the
/// networks. Eigen, no LibTorch.

#include "ml/dataset.h"
#include "ml/metrics.h"
#include "util/progress.h"

#include <vector>

namespace rs::ml {

struct PcaModel {
    std::size_t dim = 0; ///< input values per sample
    std::size_t components = 0;
    std::vector<double> mean; ///< dim
    std::vector<double> basis; ///< components × dim, orthonormal rows
    std::vector<double> explainedVariance; ///< per component, descending
    std::vector<double> explainedRatio; ///< explainedVariance / total variance
    double totalVariance = 0;
};

/// Fits `components` principal components to n samples of dim values (row-major). Uses the
/// n × n Gram matrix when n < dim. Throws ParameterError for n < 2 or components < 1
/// (components is capped at min(n - 1, dim)).
PcaModel fitPca(const float* data, std::size_t n, std::size_t dim, std::size_t components);

/// n × components coordinates of samples in the model's basis.
std::vector<double> projectPca(const PcaModel& model, const float* data, std::size_t n);

struct PcaBaseline {
    PcaModel model;
    std::size_t trainSamples = 0;
    std::vector<double> projections2d; ///< test samples × 2 (first two components)
    std::vector<double> testLabels; ///< label value of each projected test sample
    EvalMetrics metrics; ///< nearest class centroid on the test split (classify)
};

/// PCA fitted on (at most maxSamples of) the training split of `ds` (normalised), then a
/// nearest-centroid classifier of `target` evaluated on the test split. Throws ParameterError for
/// a target the dataset lacks, CancelledError when stopped.
PcaBaseline pcaBaseline(const DatasetFile& ds, Target target, std::size_t components, std::size_t maxSamples,
    const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace rs::ml

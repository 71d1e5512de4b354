#pragma once
/// \file bench.h
/// Training and inference throughput of every model through the engine (dataset file on disk,
/// prefetching BatchStream, Trainer with history and callbacks, Predictor), next to the same
/// loop written as bare LibTorch in the same process on the same model and batch. A benchmark,
/// never a test: `reionscope-cli bench train`. No LibTorch in this header.

#include "util/progress.h"

#include <string>
#include <vector>

namespace rs::ml {

struct BenchOptions {
    std::vector<std::string> models {"ae", "mlp", "cnn", "codes-cnn"};
    std::vector<std::size_t> sizes {200, 64};
    std::size_t batch = 32;
    int threads = 2;
    std::size_t warmupBatches = 2;
    std::size_t timedBatches = 8;
    std::string workDir; ///< scratch folder for the synthetic dataset and runs ("" = a temporary one, removed after)
};

struct BenchRow {
    std::string model;
    std::size_t size = 0; ///< input side (size × size)
    std::size_t batch = 0;
    int threads = 0;
    double engineTrain = 0; ///< samples/s
    double bareTrain = 0;
    double engineInfer = 0;
    double bareInfer = 0;
    double trainRatio() const { return bareTrain > 0 ? engineTrain / bareTrain : 0; }
    double inferRatio() const { return bareInfer > 0 ? engineInfer / bareInfer : 0; }
};

/// Runs the benchmark (calls setComputeThreads on the calling thread). Throws ParameterError for
/// an unknown model or a size not divisible by 8, IoError when scratch files cannot be written,
/// CancelledError when stopped.
std::vector<BenchRow> benchTrain(
    const BenchOptions& options, const ProgressFn& progress = {}, const StopToken& stop = {});

/// The synthetic dataset benchTrain trains on (16 noise cubes of size × size slices, two redshift
/// classes, at least `slicesNeeded` samples), written as DIR/bench_<size>.h5; returns its path.
/// Throws IoError when it cannot be written.
std::string makeBenchDataset(const std::string& dir, std::size_t size, std::size_t slicesNeeded);

} // namespace rs::ml

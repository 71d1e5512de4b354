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

/// A benchmark's scratch folder: `workDir` (created, kept), or when empty a new temporary one
/// named with `tag` and the process id, removed with everything in it when this goes.
class BenchScratch {
public:
    /// Throws std::filesystem::filesystem_error when the folder cannot be created.
    BenchScratch(const std::string& workDir, const std::string& tag);
    ~BenchScratch();
    BenchScratch(const BenchScratch&) = delete;
    BenchScratch& operator=(const BenchScratch&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    bool m_remove = false;
};

struct DataBenchOptions {
    std::string dataset; ///< "" = a synthetic one of about datasetMb in workDir
    std::string model = "cnn";
    std::size_t size = 128; ///< synthetic samples' side
    std::size_t datasetMb = 512; ///< synthetic dataset's size
    std::size_t cacheMb = 32; ///< the streamed runs' --data-memory-mb
    std::size_t batch = 32;
    int threads = 2;
    std::size_t warmupBatches = 5, timedBatches = 40;
    int rounds = 2; ///< each round trains once streamed and once in memory (alternating which first)
    bool cold = false; ///< drop the dataset file from the page cache before each run (posix_fadvise)
    std::string workDir; ///< "" = a temporary folder, removed after
};

struct DataBenchRun {
    bool streamed = false;
    double samplesPerSecond = 0;
    double rssBeforeMb = 0, peakRssMb = 0; ///< VmRSS before train(), VmHWM during it (reset before)
};

struct DataBenchResult {
    std::string dataset;
    double datasetMb = 0, splitMb = 0, cacheMb = 0; ///< file size, training split in memory, streamed cache
    std::size_t sampleBytes = 0, trainSamples = 0;
    /// An unmeasured streamed run first: the process then holds what any training run keeps
    /// (LibTorch's thread pools and kernels' buffers, the allocator's pools), so the measured runs
    /// differ only in how they hold samples.
    DataBenchRun warmup;
    std::vector<DataBenchRun> runs;
    double streamed = 0, inMemory = 0; ///< mean samples/s of each mode
    double streamedPeakRssMb = 0, inMemoryPeakRssMb = 0; ///< highest of each mode
    /// What training needs besides its samples: the in-memory runs' peak − RSS before − split.
    double trainingOverheadMb = 0;
    /// The stated bound of a streamed run's peak: RSS before + cache + training overhead + 8 MiB
    /// (HDF5's chunk cache, one batch being assembled, allocator slack).
    double boundMb = 0;
    double ratio() const { return inMemory > 0 ? streamed / inMemory : 0; }
};

/// Trains `model` on the same dataset streamed (out of core, through a cache of cacheMb) and held
/// in memory, alternating, in this process, and measures samples/s and peak RSS of each run.
/// Throws ParameterError for bad options, IoError/FormatError for the dataset, CancelledError.
DataBenchResult benchData(const DataBenchOptions& options, const ProgressFn& progress = {}, const StopToken& stop = {});

/// The synthetic dataset benchTrain trains on (16 noise cubes of size × size slices, two redshift
/// classes, at least `slicesNeeded` samples), written as DIR/bench_<size>.h5; returns its path.
/// Throws IoError when it cannot be written.
std::string makeBenchDataset(const std::string& dir, std::size_t size, std::size_t slicesNeeded);

} // namespace rs::ml

#pragma once
/// \file batch_stream.h
/// Streams batches of normalised samples from a dataset file on a background thread, a few
/// batches ahead, so reading and decompression overlap training and only those few batches are
/// in memory. The order of each epoch is a pure function of (seed, epoch): a run resumed in the
/// middle of an epoch sees the same remaining batches. No LibTorch here.

#include "ml/dataset.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace rs::ml {

struct Batch {
    std::size_t number = 0; ///< batch number within the epoch
    std::vector<std::int64_t> indices; ///< sample indices in the dataset
    std::vector<float> x; ///< indices.size() * rows * cols, normalised, row-major
    std::size_t globalSize = 0; ///< samples of the whole batch over all ranks (= size() for one rank)
    std::size_t size() const { return indices.size(); }
};

struct BatchStreamOptions {
    std::size_t batchSize = 32;
    bool shuffle = true;
    std::uint64_t seed = 0;
    int epoch = 0;
    std::size_t firstBatch = 0; ///< skip the batches before this one (resume mid-epoch)
    std::size_t maxBatches = 0; ///< 0: the whole epoch; else at most this many batches per epoch
    std::size_t prefetch = 3; ///< batches read ahead
    int rank = 0, worldSize = 1; ///< data-parallel share: every worldSize-th sample of each batch from position rank
};

/// The permutation of `n` items used for `epoch` (identity when shuffle is off).
std::vector<std::size_t> epochOrder(std::size_t n, std::uint64_t seed, int epoch);

class BatchStream {
public:
    /// Starts the reader thread. Throws ParameterError for a zero batch size.
    BatchStream(std::shared_ptr<const DatasetFile> dataset, std::vector<std::int64_t> indices,
        const BatchStreamOptions& options);
    /// Stops and joins the reader thread.
    ~BatchStream();
    BatchStream(const BatchStream&) = delete;
    BatchStream& operator=(const BatchStream&) = delete;

    /// Batches in this epoch (after maxBatches), counting those skipped by firstBatch.
    std::size_t batchCount() const { return m_batchCount; }
    /// The next batch, blocking until the reader has it; nullopt at the end of the epoch.
    /// Rethrows the reader's exception (FormatError for a damaged file).
    std::optional<Batch> next();

private:
    void readerLoop();

    std::shared_ptr<const DatasetFile> m_ds;
    std::vector<std::int64_t> m_order;
    BatchStreamOptions m_opt;
    std::size_t m_batchCount = 0;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Batch> m_queue;
    bool m_done = false, m_quit = false;
    std::exception_ptr m_error;
    std::thread m_thread;
};

} // namespace rs::ml

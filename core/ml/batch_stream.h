#pragma once
/// \file batch_stream.h
/// Serves batches of normalised samples of a dataset split, either from memory (the split read
/// once, `ResidentSamples`) or streamed from the file (out of core) through a read-ahead cache
/// bounded in bytes. Both serve the same batches bit for bit: the order of each epoch is a pure
/// function of (seed, epoch) — a full random permutation, the same whichever way samples are held —
/// so a run resumed in the middle of an epoch sees the same remaining batches, and a run streamed
/// from disk trains to the same weights as one held in memory. No LibTorch here.
///
/// Streaming: a background thread reads the upcoming batches of this rank in "windows" (whole
/// batches, at most half the cache each); a window's samples are read in file order, so runs of
/// consecutive samples merge into one read and the disk is swept forward, then the batches are
/// served from it in the permutation's order while the next window is read. At most two windows
/// exist at a time: the cache holds at most `cacheBytes`, or two batch shares when one share is
/// larger than half of it. The first windows are small (1, 2, 4, ... batches) so the first batch
/// comes quickly. With several ranks each reads only its own samples.

#include "ml/dataset.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rs::ml {

struct Batch {
    std::size_t number = 0; ///< batch number within the epoch
    std::vector<std::int64_t> indices; ///< sample indices in the dataset
    std::vector<float> x; ///< indices.size() * rows * cols, normalised, row-major
    std::size_t globalSize = 0; ///< samples of the whole batch over all ranks (= size() for one rank)
    std::vector<float> y; ///< paired datasets: the target fields, raw (empty otherwise)
    std::vector<float> context; ///< paired datasets with context channels: raw, sample-major (else empty)
    std::size_t size() const { return indices.size(); }
};

/// Raw samples (not normalised) of some indices of a dataset, read once and held in memory; for a
/// paired dataset with their target fields and context channels.
class ResidentSamples {
public:
    /// Reads samples `indices` (any order, each once) of `dataset`, in file order. Throws
    /// FormatError when the file is damaged, ParameterError for an index out of range.
    ResidentSamples(const DatasetFile& dataset, std::vector<std::int64_t> indices);
    std::size_t count() const { return m_index.size(); }
    std::size_t bytes() const { return (m_x.size() + m_y.size() + m_context.size()) * sizeof(float); }
    /// Where sample `index` (a dataset index) is held, or count() when it is not.
    std::size_t row(std::int64_t index) const;
    const float* x(std::size_t row) const { return m_x.data() + row * m_pixels; }
    /// Paired datasets (else nullptr): the target field, the context channels of a held sample.
    const float* y(std::size_t row) const { return m_y.empty() ? nullptr : m_y.data() + row * m_pixels; }
    const float* context(std::size_t row) const
    {
        return m_context.empty() ? nullptr : m_context.data() + row * m_pixels * m_channels;
    }

private:
    std::size_t m_pixels = 0, m_channels = 0;
    std::vector<std::int64_t> m_index; ///< ascending
    std::vector<float> m_x, m_y, m_context;
};

/// How a run holds its training samples: `train --data-in-memory auto|on|off`.
enum class DataResidency { Auto, InMemory, Streamed };
/// "auto", "on", "off".
const char* dataResidencyName(DataResidency r);
/// From "auto", "on", "off". Throws ParameterError ("data-in-memory") for other text.
DataResidency dataResidencyFromName(const std::string& name);
/// Bytes `count` samples of `dataset` take in memory (with targets and context channels where paired).
std::size_t sampleBytes(const DatasetInfo& dataset, std::size_t count);
/// The choice for `residency` when the split has `splitBytes`: Auto holds it in memory when it
/// fits in `budgetBytes`, else streams it.
DataResidency resolveResidency(DataResidency residency, std::size_t splitBytes, std::size_t budgetBytes);
/// The samples `indices` of `dataset` read into memory when `residency` (resolved against
/// `budgetBytes`) says so, else null (streamed). Throws FormatError when the file is damaged.
std::shared_ptr<const ResidentSamples> holdSamples(const DatasetFile& dataset, const std::vector<std::int64_t>& indices,
    DataResidency residency, std::size_t budgetBytes);

struct BatchStreamOptions {
    std::size_t batchSize = 32;
    bool shuffle = true;
    std::uint64_t seed = 0;
    int epoch = 0;
    std::size_t firstBatch = 0; ///< skip the batches before this one (resume mid-epoch)
    std::size_t maxBatches = 0; ///< 0: the whole epoch; else at most this many batches per epoch
    int rank = 0, worldSize = 1; ///< data-parallel share: every worldSize-th sample of each batch from position rank
    /// Samples held in memory (they must include every index streamed); null: streamed from the file.
    std::shared_ptr<const ResidentSamples> resident;
    std::size_t cacheBytes = std::size_t(16) << 20; ///< streamed: bound of the read-ahead cache
};

/// The permutation of `n` items used for `epoch` (identity when shuffle is off).
std::vector<std::size_t> epochOrder(std::size_t n, std::uint64_t seed, int epoch);

class BatchStream {
public:
    /// Starts the reader thread (streamed). Throws ParameterError for a zero batch size or a rank
    /// outside the world.
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
    /// Streamed: the most bytes of samples the cache held at once so far (0 in memory).
    std::size_t peakCacheBytes() const;

private:
    struct Window {
        std::size_t firstBatch = 0, endBatch = 0;
        std::unique_ptr<ResidentSamples> samples;
    };
    std::vector<std::int64_t> rankShare(std::size_t batch) const;
    void planWindows();
    void readerLoop();
    Batch assemble(std::size_t number, const ResidentSamples& from) const;

    std::shared_ptr<const DatasetFile> m_ds;
    std::vector<std::int64_t> m_order;
    BatchStreamOptions m_opt;
    std::size_t m_batchCount = 0, m_next = 0;
    std::vector<std::pair<std::size_t, std::size_t>> m_plan; ///< streamed: windows as batch ranges
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Window> m_windows; ///< read, oldest first
    std::size_t m_liveBytes = 0, m_peakBytes = 0;
    bool m_done = false, m_quit = false;
    std::exception_ptr m_error;
    std::thread m_thread;
};

} // namespace rs::ml

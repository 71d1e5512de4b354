#include "ml/batch_stream.h"

#include "io/hdf5_util.h"

#include "util/error.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace rs::ml {

std::vector<std::size_t> epochOrder(std::size_t n, std::uint64_t seed, int epoch)
{
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + std::uint64_t(epoch) + 1);
    for (std::size_t i = n; i > 1; --i)
        std::swap(order[i - 1], order[std::size_t(rng() % i)]);
    return order;
}

BatchStream::BatchStream(
    std::shared_ptr<const DatasetFile> dataset, std::vector<std::int64_t> indices, const BatchStreamOptions& options)
    : m_ds(std::move(dataset))
    , m_opt(options)
{
    if (m_opt.batchSize == 0)
        throw ParameterError("batch", "must be at least 1");
    if (m_opt.worldSize < 1 || m_opt.rank < 0 || m_opt.rank >= m_opt.worldSize)
        throw ParameterError("rank", "must be in 0..world size - 1");
    if (m_opt.shuffle) {
        const std::vector<std::size_t> order = epochOrder(indices.size(), m_opt.seed, m_opt.epoch);
        m_order.reserve(indices.size());
        for (std::size_t i : order)
            m_order.push_back(indices[i]);
    } else {
        m_order = std::move(indices);
    }
    m_batchCount = (m_order.size() + m_opt.batchSize - 1) / m_opt.batchSize;
    if (m_opt.maxBatches)
        m_batchCount = std::min(m_batchCount, m_opt.maxBatches);
    m_opt.prefetch = std::max<std::size_t>(1, m_opt.prefetch);
    m_thread = std::thread([this] { readerLoop(); });
}

BatchStream::~BatchStream()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void BatchStream::readerLoop()
{
    h5::silenceErrorPrinting(); // per thread in thread-safe HDF5
    try {
        const std::size_t pixels = m_ds->info().rows * m_ds->info().cols;
        const float mean = float(m_ds->info().normMean), inv = float(1.0 / m_ds->info().normStd);
        for (std::size_t b = m_opt.firstBatch; b < m_batchCount; ++b) {
            Batch batch;
            batch.number = b;
            const std::size_t begin = b * m_opt.batchSize, end = std::min(m_order.size(), begin + m_opt.batchSize);
            batch.globalSize = end - begin;
            for (std::size_t i = begin + std::size_t(m_opt.rank); i < end; i += std::size_t(m_opt.worldSize))
                batch.indices.push_back(m_order[i]);
            // Read in file order (fewer, merged reads), then place each sample where the batch wants it.
            std::vector<std::size_t> perm(batch.size());
            std::iota(perm.begin(), perm.end(), std::size_t(0));
            std::sort(perm.begin(), perm.end(),
                [&](std::size_t a, std::size_t c) { return batch.indices[a] < batch.indices[c]; });
            std::vector<std::int64_t> sorted(batch.size());
            for (std::size_t i = 0; i < perm.size(); ++i)
                sorted[i] = batch.indices[perm[i]];
            std::vector<float> raw(batch.size() * pixels);
            m_ds->readSamples(sorted.data(), sorted.size(), raw.data());
            batch.x.resize(raw.size());
            for (std::size_t i = 0; i < perm.size(); ++i) {
                const float* src = raw.data() + i * pixels;
                float* dst = batch.x.data() + perm[i] * pixels;
                for (std::size_t p = 0; p < pixels; ++p)
                    dst[p] = (src[p] - mean) * inv;
            }
            std::unique_lock<std::mutex> lock(m_mutex);
            m_cv.wait(lock, [&] { return m_quit || m_queue.size() < m_opt.prefetch; });
            if (m_quit)
                return;
            m_queue.push_back(std::move(batch));
            m_cv.notify_all();
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_done = true;
    m_cv.notify_all();
}

std::optional<Batch> BatchStream::next()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_cv.wait(lock, [&] { return !m_queue.empty() || m_done; });
    if (!m_queue.empty()) {
        Batch b = std::move(m_queue.front());
        m_queue.pop_front();
        m_cv.notify_all();
        return b;
    }
    if (m_error)
        std::rethrow_exception(m_error);
    return std::nullopt;
}

} // namespace rs::ml

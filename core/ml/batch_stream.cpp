#include "ml/batch_stream.h"

#include "io/hdf5_util.h"

#include "util/error.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace rs::ml {

namespace {

constexpr std::size_t kReadBlock = 1024; ///< samples per read call when filling memory

} // namespace

std::vector<std::size_t> epochOrder(std::size_t n, std::uint64_t seed, int epoch)
{
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + std::uint64_t(epoch) + 1);
    for (std::size_t i = n; i > 1; --i)
        std::swap(order[i - 1], order[std::size_t(rng() % i)]);
    return order;
}

// ---- ResidentSamples --------------------------------------------------------------------------

ResidentSamples::ResidentSamples(const DatasetFile& dataset, std::vector<std::int64_t> indices)
    : m_pixels(dataset.info().rows * dataset.info().cols)
    , m_channels(dataset.info().contextRadiiMpc.size())
    , m_index(std::move(indices))
{
    std::sort(m_index.begin(), m_index.end()); // file order: consecutive samples merge into one read
    const std::size_t n = m_index.size();
    const bool paired = dataset.info().paired();
    m_x.resize(n * m_pixels);
    m_y.resize(paired ? n * m_pixels : 0);
    m_context.resize(paired ? n * m_pixels * m_channels : 0);
    for (std::size_t at = 0; at < n; at += kReadBlock) {
        const std::int64_t* idx = m_index.data() + at;
        const std::size_t k = std::min(kReadBlock, n - at);
        dataset.readSamples(idx, k, m_x.data() + at * m_pixels);
        if (paired)
            dataset.readTargets(idx, k, m_y.data() + at * m_pixels);
        if (!m_context.empty())
            dataset.readContext(idx, k, m_context.data() + at * m_pixels * m_channels);
    }
}

std::size_t ResidentSamples::row(std::int64_t index) const
{
    const auto it = std::lower_bound(m_index.begin(), m_index.end(), index);
    return it == m_index.end() || *it != index ? m_index.size() : std::size_t(it - m_index.begin());
}

// ---- residency --------------------------------------------------------------------------------

const char* dataResidencyName(DataResidency r)
{
    switch (r) {
    case DataResidency::InMemory:
        return "on";
    case DataResidency::Streamed:
        return "off";
    default:
        return "auto";
    }
}

DataResidency dataResidencyFromName(const std::string& name)
{
    for (DataResidency r : {DataResidency::Auto, DataResidency::InMemory, DataResidency::Streamed})
        if (name == dataResidencyName(r))
            return r;
    throw ParameterError("data-in-memory", "'" + name + "' is not auto, on or off");
}

std::size_t sampleBytes(const DatasetInfo& dataset, std::size_t count)
{
    const std::size_t planes = dataset.paired() ? 2 + dataset.contextRadiiMpc.size() : 1;
    return count * planes * dataset.rows * dataset.cols * sizeof(float);
}

DataResidency resolveResidency(DataResidency residency, std::size_t splitBytes, std::size_t budgetBytes)
{
    if (residency != DataResidency::Auto)
        return residency;
    return splitBytes <= budgetBytes ? DataResidency::InMemory : DataResidency::Streamed;
}

std::shared_ptr<const ResidentSamples> holdSamples(const DatasetFile& dataset, const std::vector<std::int64_t>& indices,
    DataResidency residency, std::size_t budgetBytes)
{
    if (resolveResidency(residency, sampleBytes(dataset.info(), indices.size()), budgetBytes)
        != DataResidency::InMemory)
        return nullptr;
    return std::make_shared<const ResidentSamples>(dataset, indices);
}

// ---- BatchStream ------------------------------------------------------------------------------

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
    m_next = m_opt.firstBatch;
    if (m_opt.resident)
        return;
    planWindows();
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

std::vector<std::int64_t> BatchStream::rankShare(std::size_t batch) const
{
    std::vector<std::int64_t> share;
    const std::size_t begin = batch * m_opt.batchSize, end = std::min(m_order.size(), begin + m_opt.batchSize);
    for (std::size_t i = begin + std::size_t(m_opt.rank); i < end; i += std::size_t(m_opt.worldSize))
        share.push_back(m_order[i]);
    return share;
}

void BatchStream::planWindows()
{
    const std::size_t perSample = std::max<std::size_t>(1, sampleBytes(m_ds->info(), 1));
    const std::size_t capSamples = std::max<std::size_t>(1, m_opt.cacheBytes / 2 / perSample);
    const std::size_t perBatch = (m_opt.batchSize + std::size_t(m_opt.worldSize) - 1) / std::size_t(m_opt.worldSize);
    std::size_t rampBatches = 1; // 1, 2, 4, ... batches: the first batch comes quickly
    for (std::size_t b = m_opt.firstBatch; b < m_batchCount;) {
        const std::size_t begin = b;
        std::size_t samples = 0;
        while (b < m_batchCount && (b == begin || (samples + perBatch <= capSamples && b - begin < rampBatches))) {
            samples += perBatch;
            ++b;
        }
        m_plan.emplace_back(begin, b);
        rampBatches *= 2;
    }
}

void BatchStream::readerLoop()
{
    h5::silenceErrorPrinting(); // per thread in thread-safe HDF5
    try {
        for (const auto& [first, end] : m_plan) {
            std::vector<std::int64_t> indices;
            for (std::size_t b = first; b < end; ++b) {
                const std::vector<std::int64_t> share = rankShare(b);
                indices.insert(indices.end(), share.begin(), share.end());
            }
            const std::size_t bytes = sampleBytes(m_ds->info(), indices.size());
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_cv.wait(lock, [&] { return m_quit || m_windows.size() <= 1; }); // this one is the second
                if (m_quit)
                    return;
                m_liveBytes += bytes;
                m_peakBytes = std::max(m_peakBytes, m_liveBytes);
            }
            Window w;
            w.firstBatch = first;
            w.endBatch = end;
            w.samples = std::make_unique<ResidentSamples>(*m_ds, std::move(indices));
            std::lock_guard<std::mutex> lock(m_mutex);
            m_windows.push_back(std::move(w));
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

Batch BatchStream::assemble(std::size_t number, const ResidentSamples& from) const
{
    const DatasetInfo& info = m_ds->info();
    const std::size_t pixels = info.rows * info.cols, channels = info.contextRadiiMpc.size();
    const float mean = float(info.normMean), inv = float(1.0 / info.normStd);
    Batch batch;
    batch.number = number;
    batch.indices = rankShare(number);
    const std::size_t begin = number * m_opt.batchSize, n = batch.size();
    batch.globalSize = std::min(m_order.size(), begin + m_opt.batchSize) - begin;
    batch.x.resize(n * pixels);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t row = from.row(batch.indices[i]);
        if (row == from.count())
            throw ParameterError(
                "sample", std::to_string(batch.indices[i]) + " of " + info.path + " is not among the samples held");
        const float* src = from.x(row);
        float* dst = batch.x.data() + i * pixels;
        for (std::size_t p = 0; p < pixels; ++p)
            dst[p] = (src[p] - mean) * inv;
        if (const float* y = from.y(row))
            batch.y.insert(batch.y.end(), y, y + pixels);
        if (const float* c = from.context(row))
            batch.context.insert(batch.context.end(), c, c + pixels * channels);
    }
    return batch;
}

std::optional<Batch> BatchStream::next()
{
    if (m_next >= m_batchCount)
        return std::nullopt;
    if (m_opt.resident)
        return assemble(m_next++, *m_opt.resident);
    const Window* w = nullptr;
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait(lock, [&] { return !m_windows.empty() || m_done; });
        if (m_windows.empty()) {
            if (m_error)
                std::rethrow_exception(m_error);
            return std::nullopt;
        }
        w = &m_windows.front(); // the reader only appends: the reference stays valid
    }
    Batch batch = assemble(m_next++, *w->samples);
    if (m_next >= w->endBatch) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_liveBytes -= w->samples->bytes();
        m_windows.pop_front();
        m_cv.notify_all();
    }
    return batch;
}

std::size_t BatchStream::peakCacheBytes() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_peakBytes;
}

} // namespace rs::ml

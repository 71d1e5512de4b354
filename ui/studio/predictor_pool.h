#pragma once
/// \file predictor_pool.h
/// Loaded runs for the studio's background jobs (evaluation, reconstructions, projections,
/// predictions on Explorer cubes). A rs::ml::Predictor serves one thread at a time: a job takes
/// a lease, which holds the predictor's lock until the job drops it, so two jobs never use one
/// predictor together. A run whose weights file changed on disk (it is still training, or
/// finished since) is loaded again. Plain C++, thread-safe; no Qt.

#include "ml/predictor.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace rs::ui {

/// The weights file a run's model would be loaded from now (final, best, last checkpoint) and its
/// modification time in ns; {"", 0} when it has none yet. Models loaded from a run are loaded
/// again when this changes.
std::pair<std::string, long long> runWeightsStamp(const std::string& runDir);

class PredictorPool {
    struct Entry {
        std::mutex use; ///< held by a lease
        std::shared_ptr<const rs::ml::Predictor> predictor;
        std::string weights; ///< file the weights came from
        long long stamp = 0; ///< its modification time (ns) when loaded
    };

public:
    /// Exclusive use of one run's predictor while the lease lives.
    class Lease {
    public:
        const rs::ml::Predictor& operator*() const { return *m_predictor; }
        const rs::ml::Predictor* operator->() const { return m_predictor.get(); }
        const rs::ml::Predictor* get() const { return m_predictor.get(); }

    private:
        friend class PredictorPool;
        std::shared_ptr<Entry> m_entry; ///< outlives the lock below (declared first, destroyed last)
        std::unique_lock<std::mutex> m_lock;
        std::shared_ptr<const rs::ml::Predictor> m_predictor;
    };

    /// The run's predictor, loaded (or reloaded when its weights changed), locked for the
    /// caller, with the calling thread's LibTorch thread count set (computeThreads()). Blocks
    /// while another thread holds it. Throws what Predictor's constructor throws.
    Lease acquire(const std::string& runDir);
    /// Compute threads of inference jobs (default 1: training keeps the other cores).
    void setComputeThreads(int n) { m_threads = n; }
    int computeThreads() const { return m_threads; }
    /// Forgets every loaded run (new runs folder).
    void clear();

private:
    std::mutex m_mutex; ///< guards m_entries
    std::atomic<int> m_threads {1};
    std::map<std::string, std::shared_ptr<Entry>> m_entries;
};

} // namespace rs::ui

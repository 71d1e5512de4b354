#include "studio/predictor_pool.h"

#include "ml/ml_setup.h"
#include "ml/run_folder.h"

#include <filesystem>

namespace rs::ui {

std::pair<std::string, long long> runWeightsStamp(const std::string& runDir)
{
    namespace fs = std::filesystem;
    for (const std::string& p :
        {rs::ml::finalModelPath(runDir), rs::ml::bestCheckpointPath(runDir), rs::ml::checkpointPath(runDir)}) {
        std::error_code ec;
        const auto t = fs::last_write_time(p, ec);
        if (!ec)
            return {p, static_cast<long long>(t.time_since_epoch().count())};
    }
    return {{}, 0};
}

PredictorPool::Lease PredictorPool::acquire(const std::string& runDir)
{
    rs::ml::setComputeThreads(m_threads); // per thread in this LibTorch: the job's thread
    std::shared_ptr<Entry> entry;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto& slot = m_entries[runDir];
        if (!slot)
            slot = std::make_shared<Entry>();
        entry = slot;
    }
    Lease lease;
    lease.m_entry = entry;
    lease.m_lock = std::unique_lock<std::mutex>(entry->use);
    const auto [weights, stamp] = runWeightsStamp(runDir);
    if (!entry->predictor || weights != entry->weights || stamp != entry->stamp) {
        entry->predictor = std::make_shared<const rs::ml::Predictor>(runDir);
        entry->weights = weights;
        entry->stamp = stamp;
    }
    lease.m_predictor = entry->predictor;
    return lease;
}

void PredictorPool::clear()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.clear(); // leases in use keep their entries alive
}

} // namespace rs::ui

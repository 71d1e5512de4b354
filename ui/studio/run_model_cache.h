#pragma once
/// \file run_model_cache.h
/// One loaded model of one run (a rs::ml::Translator or rs::ml::MapGenerator) for a view's
/// background jobs: loaded on first use, loaded again when another run is asked for, the run's
/// weights changed on disk (it is still training, or finished since) or its config.json did (a
/// generator draws with the calibrated points stored there: `reionscope-cli calibrate`). A lease holds the model's
/// lock, so two jobs (an old one still running while a newer one starts) never use it together.
/// Plain C++, thread-safe; no Qt.

#include "ml/ml_setup.h"
#include "ml/run_folder.h"
#include "studio/predictor_pool.h"
#include "util/file_stamp.h"

#include <memory>
#include <mutex>
#include <string>

namespace rs::ui {

template<typename Model> class RunModelCache {
public:
    class Lease {
    public:
        const Model& operator*() const { return *m_model; }
        const Model* operator->() const { return m_model.get(); }

    private:
        friend class RunModelCache;
        std::unique_lock<std::mutex> m_lock;
        std::shared_ptr<const Model> m_model;
    };

    /// The run's model, locked for the caller, with the calling thread's LibTorch thread count
    /// set to `threads`. Blocks while another thread holds it. Throws what Model's constructor
    /// throws (IoError, FormatError, ParameterError naming the run).
    Lease acquire(const std::string& runDir, int threads)
    {
        rs::ml::setComputeThreads(threads);
        Lease lease;
        lease.m_lock = std::unique_lock<std::mutex>(m_mutex);
        const auto [weights, stamp] = runWeightsStamp(runDir);
        const std::uint64_t configStamp = rs::fileChangeStamp(rs::ml::runConfigPath(runDir));
        if (!m_model || runDir != m_run || weights != m_weights || stamp != m_stamp || configStamp != m_configStamp) {
            m_model.reset();
            m_model = std::make_shared<const Model>(runDir);
            m_run = runDir;
            m_weights = weights;
            m_stamp = stamp;
            m_configStamp = configStamp;
        }
        lease.m_model = m_model;
        return lease;
    }

private:
    std::mutex m_mutex;
    std::shared_ptr<const Model> m_model;
    std::string m_run, m_weights;
    long long m_stamp = 0;
    std::uint64_t m_configStamp = 0;
};

} // namespace rs::ui

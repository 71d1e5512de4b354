#pragma once
/// \file run_trainer.h
/// PRIVATE to core/ml (includes LibTorch): the object behind `train`/`trainDistributed` (trainer.h).
/// One RunTrainer trains one run folder for one session: `prepare` (trainer_setup.cpp) opens or
/// creates the folder and the network, `trainEpoch` (trainer_epoch.cpp) trains and validates one
/// epoch, `run` (trainer.cpp) loops over epochs and writes the final model.

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/detail/checkpoint.h"
#include "ml/detail/collective.h"
#include "ml/detail/nets.h"
#include "ml/run_config.h"
#include "ml/run_status.h"
#include "ml/trainer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace rs::ml::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The checkpoint header a run of `c` expects (no epoch done, best validation loss +inf).
CheckpointMeta expectedMeta(const RunConfig& c);

/// Running sums over an epoch: loss·n, and two task sums (classify: correct, -; regress: squared
/// error, -; reconstruct: squared error, squared input), with their mean metric.
struct Running {
    double loss = 0, a = 0, b = 0;
    std::size_t n = 0;
    double meanLoss() const { return n ? loss / double(n) : kNaN; }
    double metric(Task t) const
    {
        if (!n)
            return kNaN;
        switch (t) {
        case Task::Classify:
            return a / double(n);
        case Task::Regress:
            return 1.0 - a / double(n); // targets are standardised on the training split
        case Task::Reconstruct:
            return b > 0 ? a / b : kNaN;
        case Task::Translate:
            return a / double(n); // sum of per-sample pixel accuracies
        }
        return kNaN;
    }
};

class RunTrainer {
public:
    RunTrainer(std::string runDir, const RunConfig& requested, TrainCallback onProgress, StopToken stop,
        PauseToken pause, DistributedSetup dist = {})
        : m_dir(std::move(runDir))
        , m_cfg(requested)
        , m_on(std::move(onProgress))
        , m_stop(std::move(stop))
        , m_pause(std::move(pause))
        , m_dist(std::move(dist))
    { }

    TrainResult run();

private:
    /// One batch's forward pass: the loss (undefined for an empty share), its value, and this
    /// rank's sums (loss·n, the two task sums, n).
    struct Step {
        torch::Tensor loss;
        double lossValue = kNaN;
        std::vector<double> sums = std::vector<double>(4, 0.0);
    };

    // trainer_setup.cpp
    void prepare();
    bool openFolder(); ///< true when the folder already held this run
    void continueRun();
    void createRun(std::error_code ec); ///< `ec`: from looking at the folder (a rank that creates nothing reports it)
    void buildNet(bool exists);
    void restoreHistory();
    // trainer_epoch.cpp
    bool trainEpoch(int epoch); ///< false when stopped
    bool waitWhilePaused(int epoch, std::size_t done, double& windowPaused); ///< false when stopped
    Step forwardBatch(const Batch& batch);
    [[noreturn]] void diverged(int epoch, std::size_t done, const Running& run, double lossValue);
    bool finishEpoch(int epoch, std::size_t done, const Running& run, double sps); ///< false when stopped
    // trainer.cpp
    void saveStopped(int epoch, const std::string& why);
    /// Distributed: every rank's stop and pause flags summed; waits while any rank is paused.
    /// Returns false when any rank asked to stop.
    bool agreeToGoOn(double stopFlag, double pauseFlag, double& windowPaused);
    bool writer() const { return !m_comm || m_comm->rank() == 0; } ///< rank 0 writes the run folder
    void finish();
    void report(
        TrainProgress::Kind kind, int epoch, std::size_t batch, const Running& r, double sps, const EvalMetrics* val);
    HistoryRecord record(const std::string& type, int epoch, std::size_t batch, const Running& r, double sps) const;
    double lr() const { return std::isfinite(m_meta.schedule.lr) ? m_meta.schedule.lr : m_cfg.optimizer.lr; }
    void startEpochSchedule(int epoch);

    std::string m_dir;
    RunConfig m_cfg;
    TrainCallback m_on;
    StopToken m_stop;
    PauseToken m_pause;
    DistributedSetup m_dist;
    std::unique_ptr<Collective> m_comm; ///< null for one process
    TrainResult m_result;
    std::unique_ptr<RunLock> m_lock;
    std::shared_ptr<const DatasetFile> m_ds;
    std::shared_ptr<const ResidentSamples> m_resident; ///< training samples held in memory; null: streamed
    std::shared_ptr<NetBase> m_net;
    std::unique_ptr<torch::optim::Optimizer> m_opt;
    torch::Device m_device {torch::kCPU};
    CheckpointMeta m_meta;
    std::size_t m_batchesPerEpoch = 0;
    std::chrono::steady_clock::time_point m_sessionStart;
    double m_wallBefore = 0, m_pausedSeconds = 0;

    double wall() const
    {
        return m_wallBefore - m_pausedSeconds
            + std::chrono::duration<double>(std::chrono::steady_clock::now() - m_sessionStart).count();
    }
};

} // namespace rs::ml::detail

#include "ml/trainer.h"

#include "ml/detail/checkpoint.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/run_trainer.h"
#include "ml/detail/torchscript_export.h"
#include "ml/run_status.h"
#include "ml/schedule.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

// The trainer in three files: this one (pause switch, the epoch loop, finishing and stopping),
// trainer_setup.cpp (opening or creating the run folder and the network) and trainer_epoch.cpp
// (one epoch's batches, validation and checkpoint).

namespace rs::ml {

namespace fs = std::filesystem;

// ---- PauseToken -------------------------------------------------------------------------------

struct PauseToken::State {
    std::mutex mutex;
    std::condition_variable cv;
    bool paused = false;
};

PauseToken::PauseToken()
    : m_state(std::make_shared<State>())
{ }

void PauseToken::pause() const
{
    std::lock_guard<std::mutex> lock(m_state->mutex);
    m_state->paused = true;
}

void PauseToken::resume() const
{
    {
        std::lock_guard<std::mutex> lock(m_state->mutex);
        m_state->paused = false;
    }
    m_state->cv.notify_all();
}

bool PauseToken::paused() const
{
    std::lock_guard<std::mutex> lock(m_state->mutex);
    return m_state->paused;
}

double PauseToken::waitWhilePaused(const StopToken& stop) const
{
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(m_state->mutex);
    while (m_state->paused && !stop.stopRequested()) // a stop is a plain flag: poll it
        m_state->cv.wait_for(lock, std::chrono::milliseconds(50));
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// ---- training ---------------------------------------------------------------------------------

namespace detail {

CheckpointMeta expectedMeta(const RunConfig& c)
{
    CheckpointMeta m;
    m.model = c.model;
    m.task = c.task;
    m.rows = c.rows;
    m.cols = c.cols;
    m.outputs = detail::outputCount(c);
    m.datasetHash = c.datasetHash;
    m.bestValLoss = std::numeric_limits<double>::infinity();
    return m;
}

HistoryRecord RunTrainer::record(
    const std::string& type, int epoch, std::size_t batch, const Running& r, double sps) const
{
    HistoryRecord h;
    h.type = type;
    h.epoch = epoch + 1; // `epoch` counts from 0 in here; people, files and reports count from 1
    h.batch = batch;
    h.batches = m_batchesPerEpoch;
    h.step = m_meta.step;
    h.trainLoss = r.meanLoss();
    h.trainMetric = r.metric(m_cfg.task);
    h.valLoss = kNaN;
    h.valMetric = kNaN;
    h.lr = lr();
    h.samplesPerSecond = sps;
    h.wallSeconds = wall();
    return h;
}

void RunTrainer::report(
    TrainProgress::Kind kind, int epoch, std::size_t batch, const Running& r, double sps, const EvalMetrics* val)
{
    if (!m_on || !writer())
        return;
    TrainProgress p;
    p.kind = kind;
    p.epoch = epoch + 1;
    p.epochs = m_cfg.epochs;
    p.batch = batch;
    p.batches = m_batchesPerEpoch;
    p.step = m_meta.step;
    p.trainLoss = r.meanLoss();
    p.trainMetric = r.metric(m_cfg.task);
    p.valLoss = val ? val->loss : kNaN;
    p.valMetric = val ? headlineMetric(*val) : kNaN;
    p.lr = lr();
    p.samplesPerSecond = sps;
    p.wallSeconds = wall();
    p.metric = metricName(m_cfg.task);
    m_on(p);
}

void RunTrainer::startEpochSchedule(int epoch)
{
    m_meta.schedule.lr = scheduledLr(m_cfg, epoch + 1, m_meta.schedule);
    for (torch::optim::OptimizerParamGroup& g : m_opt->param_groups())
        g.options().set_lr(m_meta.schedule.lr);
}

void RunTrainer::finish()
{
    CheckpointMeta fin = expectedMeta(m_cfg);
    if (fs::exists(bestCheckpointPath(m_dir)))
        detail::loadCheckpoint(bestCheckpointPath(m_dir), fin, *m_net, nullptr);
    detail::toChannelsLast(*m_net, m_device);
    // generator: how generation draws at each training point (gen8 note)
    const std::string noise
        = m_cfg.task == Task::Generate ? detail::calibrateGeneratorPoints(*m_net, m_cfg, *m_ds, m_device) : "";
    if (!noise.empty())
        writeRunConfig(m_dir, m_cfg);
    fin = m_meta;
    fin.kind = "final";
    detail::saveCheckpoint(finalModelPath(m_dir), fin, *m_net, nullptr);
    detail::exportTorchScript(torchScriptPath(m_dir), *m_net, m_cfg);
    EvalMetrics test = detail::evaluateNet(*m_net, m_cfg, m_ds, Split::Test, m_device, 0);
    writeMetrics(m_dir, test);
    m_result.metrics = test;
    HistoryRecord h = record("finished", m_meta.epoch - 1, 0, Running {}, kNaN);
    h.message = "final.pt = weights of epoch " + std::to_string(m_meta.bestEpoch) + " (lowest validation loss)";
    if (!noise.empty())
        h.message += "; " + noise;
    appendHistory(m_dir, h, m_cfg.task);
}

void RunTrainer::saveStopped(int epoch, const std::string& why)
{
    m_meta.wallSeconds = wall();
    m_result.message = why == "stopped"
        ? "stopped in epoch " + std::to_string(epoch + 1) + " after batch " + std::to_string(m_meta.batchInEpoch) + " ("
            + std::to_string(m_meta.epoch) + " epochs done); checkpoint saved"
        : why + "; checkpoint at epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(m_meta.batchInEpoch);
    if (!writer())
        return;
    detail::saveCheckpoint(checkpointPath(m_dir), m_meta, *m_net, m_opt.get());
    HistoryRecord h = record(why == "stopped" ? "stopped" : "error", epoch, m_meta.batchInEpoch, Running {}, kNaN);
    h.message = m_result.message;
    appendHistory(m_dir, h, m_cfg.task);
}

bool RunTrainer::agreeToGoOn(double stopFlag, double pauseFlag, double& windowPaused)
{
    const auto t0 = std::chrono::steady_clock::now();
    while (pauseFlag > 0 && stopFlag == 0) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(50)); // one small collective per poll keeps the group alive
        const std::vector<double> f = m_comm->sum({m_stop.stopRequested() ? 1.0 : 0.0, m_pause.paused() ? 1.0 : 0.0});
        stopFlag = f[0];
        pauseFlag = f[1];
    }
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m_pausedSeconds += waited;
    windowPaused += waited;
    return stopFlag == 0;
}

namespace {

/// Whether every finishing step (final.pt, model.ts, the test metrics, the "finished" line) was
/// done for `epochsDone` epochs: a trainer killed among them left final.pt without the rest, and
/// its run is finished on resume instead of being called done.
bool finishedOnDisk(const std::string& dir, int epochsDone)
{
    if (!fs::exists(finalModelPath(dir)) || !fs::exists(metricsPath(dir)))
        return false;
    const std::vector<HistoryRecord> history = readHistory(dir);
    return std::any_of(history.begin(), history.end(),
        [epochsDone](const HistoryRecord& r) { return r.type == "finished" && r.epoch == epochsDone; });
}

} // namespace

TrainResult RunTrainer::run()
{
    prepare();
    const bool trained = m_meta.epoch >= m_cfg.epochs || stopEarly(m_cfg, m_meta.schedule);
    if (trained && finishedOnDisk(m_dir, m_meta.epoch)) {
        m_result.epochsDone = m_meta.epoch;
        m_result.metrics = readMetrics(m_dir);
        m_result.message = "already finished (" + std::to_string(m_meta.epoch) + " epochs); raise --epochs to train on";
        return m_result;
    }
    for (int epoch = m_meta.epoch; !trained && epoch < m_cfg.epochs; ++epoch) { // trained: only the finish is left
        bool goOn = true;
        try {
            goOn = trainEpoch(epoch);
        } catch (const DistributedError& e) {
            saveStopped(epoch, std::string("another rank failed: ") + e.what());
            throw;
        }
        if (!goOn) {
            saveStopped(epoch, "stopped");
            m_result.status = TrainStatus::Stopped;
            m_result.epochsDone = m_meta.epoch;
            return m_result;
        }
        if (stopEarly(m_cfg, m_meta.schedule)) {
            HistoryRecord h = record("early_stop", epoch, 0, Running {}, kNaN);
            h.message = "early stop after epoch " + std::to_string(epoch + 1) + ": " + m_cfg.earlyStop.metric
                + " has not improved for " + std::to_string(m_meta.schedule.earlyBad) + " epochs (best in epoch "
                + std::to_string(m_meta.schedule.earlyBestEpoch) + ")";
            if (writer())
                appendHistory(m_dir, h, m_cfg.task);
            m_result.message = "finished: " + h.message;
            break;
        }
    }
    if (!writer()) { // rank 0 writes final.pt, model.ts and the test metrics
        m_result.epochsDone = m_meta.epoch;
        m_result.message = "finished (rank " + std::to_string(m_comm->rank()) + ")";
        return m_result;
    }
    finish();
    m_result.epochsDone = m_meta.epoch;
    if (m_result.message.empty())
        m_result.message = "finished";
    return m_result;
}

} // namespace detail

TrainResult train(const std::string& runDir, const RunConfig& config, const TrainCallback& onProgress,
    const StopToken& stop, const PauseToken& pause)
{
    detail::RunTrainer t(runDir, config, onProgress, stop, pause);
    return t.run();
}

TrainResult trainDistributed(const std::string& runDir, const RunConfig& config, const DistributedSetup& setup,
    const TrainCallback& onProgress, const StopToken& stop, const PauseToken& pause)
{
    detail::RunTrainer t(runDir, config, onProgress, stop, pause, setup);
    return t.run();
}

} // namespace rs::ml

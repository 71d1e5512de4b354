#include "ml/trainer.h"

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/detail/checkpoint.h"
#include "ml/detail/collective.h"
#include "ml/detail/epoch_samples_writer.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/nets.h"
#include "ml/detail/torchscript_export.h"
#include "ml/ml_setup.h"
#include "ml/run_config.h"
#include "ml/run_status.h"
#include "ml/schedule.h"
#include "util/error.h"
#include "util/file_util.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <thread>

namespace rs::ml {

namespace fs = std::filesystem;
using detail::CheckpointMeta;
using detail::NetBase;

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

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string absolutePath(const std::string& p)
{
    std::error_code ec;
    const fs::path a = p.empty() ? fs::path() : fs::absolute(p, ec).lexically_normal();
    return ec ? p : a.string();
}

/// What would only fail after the run folder exists (and then strand it): checked first.
void checkBeforeCreating(const RunConfig& c)
{
    const double mom = c.optimizer.momentum, wd = c.optimizer.weightDecay;
    if (!(mom >= 0 && mom < 1))
        throw ParameterError("momentum", "must be in [0, 1), got " + std::to_string(mom));
    if (!(wd >= 0 && std::isfinite(wd)))
        throw ParameterError("weight_decay", "must be zero or positive, got " + std::to_string(wd));
    if (!std::isfinite(c.optimizer.lr))
        throw ParameterError("lr", "must be a finite number");
    if (c.model == ModelKind::CodesCnn && !fs::exists(finalModelPath(c.encoderRun)))
        throw FormatError(c.encoderRun.empty() ? std::string("--encoder") : c.encoderRun,
            "is not a finished ae run (no final.pt); codes-cnn needs one as its encoder");
}

/// Missing, empty, or holding only what a run killed before its config.json leaves: dead
/// writers' temporaries and an empty `checkpoints/` (older versions created it first).
bool isFreshFolder(const std::string& dir)
{
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return true;
    removeStaleTemporaries(dir);
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
        if (e.path().filename() == "checkpoints" && e.is_directory(ec)) {
            removeStaleTemporaries(e.path().string());
            if (fs::is_empty(e.path(), ec))
                continue;
        }
        return false;
    }
    return !ec;
}

std::string nowUtc()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

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

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const RunConfig& c, NetBase& net)
{
    std::vector<torch::Tensor> params;
    for (const torch::Tensor& p : net.parameters())
        if (p.requires_grad())
            params.push_back(p);
    if (c.optimizer.name == "sgd")
        return std::make_unique<torch::optim::SGD>(params,
            torch::optim::SGDOptions(c.optimizer.lr)
                .momentum(c.optimizer.momentum)
                .weight_decay(c.optimizer.weightDecay));
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(c.optimizer.lr).weight_decay(c.optimizer.weightDecay));
}

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
    void prepare();
    bool trainEpoch(int epoch); ///< false when stopped
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
    std::unique_ptr<detail::Collective> m_comm; ///< null for one process
    TrainResult m_result;
    std::unique_ptr<RunLock> m_lock;
    std::shared_ptr<const DatasetFile> m_ds;
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

void RunTrainer::prepare()
{
    setComputeThreads(m_cfg.threads);
    m_result.device = resolveDevice(m_cfg.device);
    m_device = torch::Device(m_result.device == "cuda" ? torch::kCUDA : torch::kCPU);
    torch::manual_seed(m_cfg.seed);

    if (m_dist.active())
        m_comm = std::make_unique<detail::Collective>(m_dist, m_dir);
    const bool exists = isRunFolder(m_dir);
    std::error_code ec;
    if (!exists && fs::exists(m_dir, ec) && !isFreshFolder(m_dir))
        throw FormatError(m_dir, "exists and is not a run folder (no config.json); choose a new --out");
    if (m_comm)
        m_comm->barrier(); // every rank has looked at the folder before rank 0 writes to it
    if (exists) {
        removeStaleTemporaries(m_dir); // what a killed session was writing
        removeStaleTemporaries((fs::path(m_dir) / "checkpoints").string());
        if (writer())
            m_lock = std::make_unique<RunLock>(m_dir);
        RunConfig stored = readRunConfig(m_dir);
        if (stored.model != m_cfg.model)
            throw FormatError(m_dir,
                std::string("is a run of model '") + modelName(stored.model) + "'; it cannot be continued as '"
                    + modelName(m_cfg.model) + "'");
        if (m_cfg.model != ModelKind::Autoencoder && m_cfg.model != ModelKind::UNet
            && (stored.target != m_cfg.target || stored.task != m_cfg.task))
            throw FormatError(m_dir,
                std::string("is a run that learns to ") + taskName(stored.task) + " '" + targetName(stored.target)
                    + "'; it cannot be continued for " + taskName(m_cfg.task) + " '" + targetName(m_cfg.target) + "'");
        const std::string dsPath = absolutePath(m_cfg.datasetPath.empty() ? stored.datasetPath : m_cfg.datasetPath);
        m_ds = DatasetFile::open(dsPath);
        if (m_ds->info().contentHash != stored.datasetHash)
            throw FormatError(dsPath,
                "is not the dataset this run was trained on (content hash " + m_ds->info().contentHash
                    + ", the run's is " + stored.datasetHash + ")");
        stored.datasetPath = dsPath;
        stored.epochs = m_cfg.epochs;
        stored.threads = m_cfg.threads;
        stored.device = m_cfg.device;
        stored.historyEvery = m_cfg.historyEvery;
        m_cfg = stored;
    } else {
        // Stored resolved, so `evaluate RUN` works from any folder.
        m_cfg.datasetPath = absolutePath(m_cfg.datasetPath);
        if (!m_cfg.encoderRun.empty())
            m_cfg.encoderRun = absolutePath(m_cfg.encoderRun);
        m_ds = DatasetFile::open(m_cfg.datasetPath);
        resolveRunConfig(m_cfg, *m_ds);
        checkBeforeCreating(m_cfg);
        m_cfg.created = nowUtc();
        if (writer()) {
            fs::create_directories(m_dir, ec);
            if (ec)
                throw IoError(m_dir, "cannot create run folder: " + ec.message());
            // config.json first: from this instant on the folder is a run that `train` resumes.
            writeRunConfig(m_dir, m_cfg);
            fs::create_directories(fs::path(m_dir) / "checkpoints", ec);
        }
        if (ec)
            throw IoError(m_dir, "cannot create run folder: " + ec.message());
        if (writer())
            m_lock = std::make_unique<RunLock>(m_dir);
    }
    m_cfg.worldSize = m_dist.worldSize;

    m_net = detail::makeNet(
        m_cfg.model, m_cfg.rows, m_cfg.cols, detail::outputCount(m_cfg), detail::inputChannels(m_cfg));
    if (m_cfg.model == ModelKind::CodesCnn) {
        auto* codes = dynamic_cast<detail::CodesCnnImpl*>(m_net.get());
        const RunConfig enc = readRunConfig(m_cfg.encoderRun);
        auto ae = detail::makeNet(ModelKind::Autoencoder, enc.rows, enc.cols, 0);
        CheckpointMeta want = expectedMeta(enc);
        detail::loadCheckpoint(finalModelPath(m_cfg.encoderRun), want, *ae, nullptr);
        torch::NoGradGuard noGrad;
        auto src = dynamic_cast<detail::AutoencoderImpl*>(ae.get())->encoder->named_parameters();
        for (auto& p : codes->encoder->named_parameters())
            p.value().copy_(src[p.key()]);
        codes->freezeEncoder();
    }
    detail::toChannelsLast(*m_net, m_device);
    m_opt = makeOptimizer(m_cfg, *m_net);
    m_meta = expectedMeta(m_cfg);
    if (exists && fs::exists(checkpointPath(m_dir))) {
        m_meta = detail::loadCheckpoint(checkpointPath(m_dir), expectedMeta(m_cfg), *m_net, m_opt.get(), m_device);
        detail::toChannelsLast(*m_net, m_device);
        m_result.resumed = true;
    }
    m_wallBefore = m_meta.wallSeconds;
    m_sessionStart = std::chrono::steady_clock::now();
    const bool finished = m_meta.epoch >= m_cfg.epochs && fs::exists(finalModelPath(m_dir));
    if (exists && !finished && writer()) {
        repairHistory(m_dir);
        // Lines written after the checkpoint (batches a kill lost) are trained again: drop them.
        trimHistoryAfter(m_dir, m_meta.epoch + 1, m_meta.batchInEpoch); // history epochs count from 1
        // A kill between the checkpoint and its history line: put the line back.
        if (m_result.resumed && m_meta.epoch > 0 && !m_meta.lastEpochLine.empty()) {
            bool found = false;
            for (const HistoryRecord& r : readHistory(m_dir))
                found |= r.type == "epoch" && r.epoch == m_meta.epoch;
            if (!found)
                appendHistoryLine(m_dir, m_meta.lastEpochLine);
        }
        HistoryRecord r = record("resume", m_meta.epoch, m_meta.batchInEpoch, Running {}, kNaN);
        r.message = m_result.resumed ? "resumed from checkpoints/last.pt" : "no checkpoint yet: started again";
        appendHistory(m_dir, r, m_cfg.task);
    }
    if (writer())
        writeRunConfig(m_dir, m_cfg);
    if (m_comm) {
        m_comm->broadcastParameters(*m_net);
        m_comm->attach(*m_net);
    }
    const std::size_t n = m_ds->info().splitCounts[0];
    m_batchesPerEpoch = (n + m_cfg.batch - 1) / m_cfg.batch;
    if (m_cfg.maxBatchesPerEpoch)
        m_batchesPerEpoch = std::min(m_batchesPerEpoch, m_cfg.maxBatchesPerEpoch);
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

bool RunTrainer::trainEpoch(int epoch)
{
    startEpochSchedule(epoch);
    BatchStreamOptions so;
    so.batchSize = m_cfg.batch;
    so.seed = m_cfg.seed;
    so.epoch = epoch;
    so.firstBatch = m_meta.batchInEpoch;
    so.maxBatches = m_cfg.maxBatchesPerEpoch;
    so.rank = m_comm ? m_comm->rank() : 0;
    so.worldSize = m_comm ? m_comm->worldSize() : 1;
    BatchStream stream(m_ds, m_ds->indices(Split::Train), so);
    Running run;
    run.loss = m_meta.partialLoss;
    run.a = m_meta.partialMetricA;
    run.b = m_meta.partialMetricB;
    run.n = m_meta.partialSamples;
    m_net->train(true);
    std::size_t windowSamples = 0;
    auto windowStart = std::chrono::steady_clock::now();
    double windowPaused = 0;
    double sps = kNaN;
    std::size_t done = m_meta.batchInEpoch;
    while (true) {
        if (!m_comm) { // distributed runs agree on pauses and stops after each forward pass
            const bool pausing = m_pause.paused() && !m_stop.stopRequested();
            if (pausing)
                appendHistory(m_dir, record("paused", epoch, done, Running {}, kNaN), m_cfg.task);
            const double waited = m_pause.waitWhilePaused(m_stop);
            if (pausing && !m_stop.stopRequested())
                appendHistory(m_dir, record("continued", epoch, done, Running {}, kNaN), m_cfg.task);
            m_pausedSeconds += waited;
            windowPaused += waited;
            if (m_stop.stopRequested())
                return false;
        }
        std::optional<Batch> batch = stream.next();
        if (!batch)
            break;
        // Sums of this rank's samples: loss·n, the two task sums, n.
        std::vector<double> sums(4, 0.0);
        const std::size_t bs = batch->size();
        torch::Tensor loss;
        double lossValue = kNaN;
        m_opt->zero_grad();
        if (bs) { // a rank's share of a short last batch can be empty
            const torch::Tensor x = detail::batchInput(m_cfg, *m_ds, *batch, m_device);
            const torch::Tensor y = detail::batchTargets(m_cfg, *m_ds, batch->indices, m_device);
            const torch::Tensor out = m_net->forward(x);
            loss = detail::lossOf(m_cfg, out, x, y);
            lossValue = loss.item<double>();
            torch::NoGradGuard noGrad;
            sums[0] = lossValue * double(bs);
            if (m_cfg.task == Task::Classify)
                sums[1] = double(out.argmax(1).eq(y).sum().item<std::int64_t>());
            else if (m_cfg.task == Task::Regress)
                sums[1] = (out.squeeze(1) - y).pow(2).sum().item<double>();
            else if (m_cfg.task == Task::Translate)
                sums[1] = detail::pixelAccuracySum(m_cfg, out, y);
            else {
                sums[1] = lossValue * double(x.numel());
                sums[2] = x.pow(2).sum().item<double>();
            }
            sums[3] = double(bs);
        }
        if (m_comm) {
            const std::vector<double> flags {m_stop.stopRequested() ? 1.0 : 0.0, m_pause.paused() ? 1.0 : 0.0};
            sums.insert(sums.end(), flags.begin(), flags.end());
            sums = m_comm->sum(sums);
            if (sums[4] > 0)
                return false; // before backward: the checkpoint holds the last completed step
            lossValue = sums[0] / sums[3];
        }
        if (!std::isfinite(lossValue)) {
            HistoryRecord h = record("error", epoch, done, run, kNaN);
            h.message = "loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite");
            if (writer())
                appendHistory(m_dir, h, m_cfg.task);
            throw TrainingDivergedError(m_dir + ": the loss became " + (std::isnan(lossValue) ? "NaN" : "infinite")
                + " in epoch " + std::to_string(epoch + 1) + " at batch " + std::to_string(done + 1)
                + "; training stopped and the last good "
                  "checkpoint is kept (try a lower --lr)");
        }
        if (bs) // distributed: each rank's mean weighted by its share, so the summed gradient is the global mean's
            (m_comm ? loss * (double(bs) / double(batch->globalSize)) : loss).backward();
        if (m_comm)
            m_comm->finishGradients();
        if (m_cfg.optimizer.gradClip > 0)
            torch::nn::utils::clip_grad_norm_(m_net->parameters(), m_cfg.optimizer.gradClip);
        m_opt->step();
        ++m_meta.step;
        ++done;
        run.loss += sums[0];
        run.a += sums[1];
        run.b += sums[2];
        run.n += std::size_t(sums[3]);
        windowSamples += std::size_t(sums[3]);
        if (m_comm && sums[5] > 0 && !agreeToGoOn(0, 1, windowPaused))
            return false;
        const double windowSeconds
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - windowStart).count() - windowPaused;
        if (windowSeconds > 0)
            sps = double(windowSamples) / windowSeconds;
        m_meta.batchInEpoch = done;
        m_meta.partialLoss = run.loss;
        m_meta.partialMetricA = run.a;
        m_meta.partialMetricB = run.b;
        m_meta.partialSamples = run.n;
        report(TrainProgress::Kind::Batch, epoch, done, run, sps, nullptr);
        if (m_cfg.historyEvery && done % m_cfg.historyEvery == 0) {
            if (writer())
                appendHistory(m_dir, record("batch", epoch, done, run, sps), m_cfg.task);
            windowSamples = 0;
            windowPaused = 0;
            windowStart = std::chrono::steady_clock::now();
        }
    }
    if (!m_comm && m_stop.stopRequested())
        return false;

    // Validation, best-so-far, checkpoint, then the epoch line: the line exists only for epochs
    // whose checkpoint is on disk.
    EvalMetrics val;
    try {
        // Every rank validates the same weights in full (a stop waits for the next step, where ranks agree).
        val = detail::evaluateNet(
            *m_net, m_cfg, m_ds, Split::Validation, m_device, m_cfg.maxBatchesPerEpoch, m_comm ? StopToken {} : m_stop);
    } catch (const CancelledError&) {
        return false; // stopped during validation: the checkpoint keeps the trained epoch, resume validates
    }
    if (val.loss < m_meta.bestValLoss) {
        m_meta.bestValLoss = val.loss;
        m_meta.bestEpoch = epoch + 1;
        CheckpointMeta best = m_meta;
        best.kind = "best";
        if (writer())
            detail::saveCheckpoint(bestCheckpointPath(m_dir), best, *m_net, nullptr);
    }
    HistoryRecord h = record("epoch", epoch, done, run, sps);
    h.valLoss = val.loss;
    h.valMetric = headlineMetric(val);
    updateSchedule(m_cfg, m_meta.schedule, epoch + 1, h.valLoss, h.valMetric);
    m_meta.epoch = epoch + 1;
    m_meta.batchInEpoch = 0;
    m_meta.partialLoss = m_meta.partialMetricA = m_meta.partialMetricB = 0;
    m_meta.partialSamples = 0;
    m_meta.wallSeconds = wall();
    m_meta.lastEpochLine = historyLine(h, m_cfg.task);
    if (writer()) {
        detail::saveCheckpoint(checkpointPath(m_dir), m_meta, *m_net, m_opt.get());
        appendHistoryLine(m_dir, m_meta.lastEpochLine);
        detail::saveEpochSamples(*m_net, m_cfg, m_ds, m_device, m_dir, epoch + 1); // epoch_samples.h
    }
    report(TrainProgress::Kind::Epoch, epoch, done, run, sps, &val);
    return true;
}

void RunTrainer::finish()
{
    CheckpointMeta fin = expectedMeta(m_cfg);
    if (fs::exists(bestCheckpointPath(m_dir)))
        detail::loadCheckpoint(bestCheckpointPath(m_dir), fin, *m_net, nullptr);
    detail::toChannelsLast(*m_net, m_device);
    fin = m_meta;
    fin.kind = "final";
    detail::saveCheckpoint(finalModelPath(m_dir), fin, *m_net, nullptr);
    detail::exportTorchScript(torchScriptPath(m_dir), *m_net, m_cfg);
    EvalMetrics test = detail::evaluateNet(*m_net, m_cfg, m_ds, Split::Test, m_device, 0);
    writeMetrics(m_dir, test);
    m_result.metrics = test;
    HistoryRecord h = record("finished", m_meta.epoch - 1, 0, Running {}, kNaN);
    h.message = "final.pt = weights of epoch " + std::to_string(m_meta.bestEpoch) + " (lowest validation loss)";
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

TrainResult RunTrainer::run()
{
    prepare();
    if ((m_meta.epoch >= m_cfg.epochs || stopEarly(m_cfg, m_meta.schedule)) && fs::exists(finalModelPath(m_dir))) {
        m_result.epochsDone = m_meta.epoch;
        m_result.metrics = readMetrics(m_dir);
        m_result.message = "already finished (" + std::to_string(m_meta.epoch) + " epochs); raise --epochs to train on";
        return m_result;
    }
    for (int epoch = m_meta.epoch; epoch < m_cfg.epochs; ++epoch) {
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

} // namespace

TrainResult train(const std::string& runDir, const RunConfig& config, const TrainCallback& onProgress,
    const StopToken& stop, const PauseToken& pause)
{
    RunTrainer t(runDir, config, onProgress, stop, pause);
    return t.run();
}

TrainResult trainDistributed(const std::string& runDir, const RunConfig& config, const DistributedSetup& setup,
    const TrainCallback& onProgress, const StopToken& stop, const PauseToken& pause)
{
    RunTrainer t(runDir, config, onProgress, stop, pause, setup);
    return t.run();
}

} // namespace rs::ml

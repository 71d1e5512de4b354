// RunTrainer::trainEpoch: one epoch's batches (forward, distributed agreement, backward, step),
// then validation, the best-so-far weights, the checkpoint and the epoch's history line.

#include "ml/batch_stream.h"
#include "ml/detail/epoch_samples_writer.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/run_trainer.h"
#include "ml/physics_history.h"
#include "ml/schedule.h"
#include "util/error.h"

#include <chrono>
#include <cmath>

namespace rs::ml::detail {

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
    so.resident = m_resident;
    so.cacheBytes = m_cfg.dataMemoryMb << 20;
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
        // distributed runs agree on pauses and stops after each forward pass
        if (!m_comm && !waitWhilePaused(epoch, done, windowPaused))
            return false;
        std::optional<Batch> batch = stream.next();
        if (!batch)
            break;
        Step s = forwardBatch(*batch);
        std::vector<double>& sums = s.sums;
        if (m_comm) {
            const std::vector<double> flags {m_stop.stopRequested() ? 1.0 : 0.0, m_pause.paused() ? 1.0 : 0.0};
            sums.insert(sums.end(), flags.begin(), flags.end());
            sums = m_comm->sum(sums);
            if (sums[4] > 0)
                return false; // before backward: the checkpoint holds the last completed step
            s.lossValue = sums[0] / sums[3];
        }
        if (!std::isfinite(s.lossValue))
            diverged(epoch, done, run, s.lossValue);
        const std::size_t bs = batch->size();
        if (bs) // distributed: each rank's mean weighted by its share, so the summed gradient is the global mean's
            (m_comm ? s.loss * (double(bs) / double(batch->globalSize)) : s.loss).backward();
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
    return finishEpoch(epoch, done, run, sps);
}

bool RunTrainer::waitWhilePaused(int epoch, std::size_t done, double& windowPaused)
{
    const bool pausing = m_pause.paused() && !m_stop.stopRequested();
    if (pausing)
        appendHistory(m_dir, record("paused", epoch, done, Running {}, kNaN), m_cfg.task);
    const double waited = m_pause.waitWhilePaused(m_stop);
    if (pausing && !m_stop.stopRequested())
        appendHistory(m_dir, record("continued", epoch, done, Running {}, kNaN), m_cfg.task);
    m_pausedSeconds += waited;
    windowPaused += waited;
    return !m_stop.stopRequested();
}

RunTrainer::Step RunTrainer::forwardBatch(const Batch& batch)
{
    Step s;
    std::vector<double>& sums = s.sums;
    const std::size_t bs = batch.size();
    m_opt->zero_grad();
    if (bs) { // a rank's share of a short last batch can be empty
        const torch::Tensor x = detail::batchInput(m_cfg, *m_ds, batch, m_device);
        const torch::Tensor y = detail::batchTargets(m_cfg, *m_ds, batch, m_device);
        const torch::Tensor out = m_net->forward(x);
        s.loss = detail::lossOf(m_cfg, out, x, y, m_net.get());
        s.lossValue = s.loss.item<double>();
        torch::NoGradGuard noGrad;
        sums[0] = s.lossValue * double(bs);
        if (m_cfg.task == Task::Classify)
            sums[1] = double(out.argmax(1).eq(y).sum().item<std::int64_t>());
        else if (m_cfg.task == Task::Regress)
            sums[1] = (out.squeeze(1) - y).pow(2).sum().item<double>();
        else if (m_cfg.task == Task::Translate)
            sums[1] = detail::pixelAccuracySum(m_cfg, out, y);
        else if (m_cfg.task == Task::Generate)
            std::tie(sums[1], sums[2]) = detail::generatorSums(m_cfg, out, x);
        else {
            sums[1] = s.lossValue * double(x.numel());
            sums[2] = x.pow(2).sum().item<double>();
        }
        sums[3] = double(bs);
    }
    return s;
}

void RunTrainer::diverged(int epoch, std::size_t done, const Running& run, double lossValue)
{
    HistoryRecord h = record("error", epoch, done, run, kNaN);
    h.message = "loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite");
    if (writer())
        appendHistory(m_dir, h, m_cfg.task);
    throw TrainingDivergedError(m_dir + ": the loss became " + (std::isnan(lossValue) ? "NaN" : "infinite")
        + " in epoch " + std::to_string(epoch + 1) + " at batch " + std::to_string(done + 1)
        + "; training stopped and the last good "
          "checkpoint is kept (try a lower --lr)");
}

bool RunTrainer::finishEpoch(int epoch, std::size_t done, const Running& run, double sps)
{
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
    m_meta.lastEpochLine = withPhysics(historyLine(h, m_cfg.task), physicsMetrics(val)); // physics_history.h
    if (writer()) {
        detail::saveCheckpoint(checkpointPath(m_dir), m_meta, *m_net, m_opt.get());
        appendHistoryLine(m_dir, m_meta.lastEpochLine);
        detail::saveEpochSamples(*m_net, m_cfg, m_ds, m_device, m_dir, epoch + 1); // epoch_samples.h
    }
    report(TrainProgress::Kind::Epoch, epoch, done, run, sps, &val);
    return true;
}

} // namespace rs::ml::detail

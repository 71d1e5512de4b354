#pragma once
/// \file trainer.h
/// Trains a run (a folder, see run_folder.h) on a worker thread of the caller's choosing: creates
/// it or resumes it from its last checkpoint, reports every batch and epoch, stops within one
/// batch on a StopToken (writing a checkpoint at that point), pauses on a PauseToken without
/// losing state. No Qt, no LibTorch in this header.

#include "ml/metrics.h"
#include "ml/run_folder.h"
#include "util/error.h"
#include "util/progress.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace rs::ml {

/// A shared pause switch: the trainer waits between batches while it is paused (a stop request
/// ends the wait). Copies share the state.
class PauseToken {
public:
    PauseToken();
    void pause() const;
    void resume() const;
    bool paused() const;
    /// Blocks while paused and no stop is requested. Returns the seconds spent waiting.
    double waitWhilePaused(const StopToken& stop) const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

/// One progress report. Batch reports carry running means over the epoch so far; epoch reports
/// add the validation results.
struct TrainProgress {
    enum class Kind { Batch, Epoch };
    Kind kind = Kind::Batch;
    int epoch = 0, epochs = 0;
    std::size_t batch = 0, batches = 0; ///< batches done in this epoch, batches per epoch
    std::int64_t step = 0;
    double trainLoss = 0, trainMetric = 0;
    double valLoss = 0, valMetric = 0; ///< NaN in batch reports
    double lr = 0, samplesPerSecond = 0, wallSeconds = 0;
    std::string metric; ///< "accuracy", "r2" or "relative_mse"
};
using TrainCallback = std::function<void(const TrainProgress&)>;

enum class TrainStatus { Finished, Stopped };

struct TrainResult {
    TrainStatus status = TrainStatus::Finished;
    bool resumed = false;
    int epochsDone = 0;
    std::string device; ///< "cpu" or "cuda"
    std::optional<EvalMetrics> metrics; ///< test-set metrics once finished
    std::string message; ///< e.g. "already finished" or "stopped in epoch 3 at batch 12"
};

/// Trains (or resumes) the run in `runDir`. A new folder gets `config` (its resolved fields are
/// filled from the dataset). An existing run continues from checkpoints/last.pt with its stored
/// configuration; only `epochs`, `threads`, `device` and `historyEvery` may change, and the
/// model, task, target and dataset content must match. Calls setComputeThreads(config.threads)
/// on the calling thread.
///
/// Throws ParameterError for bad settings or a dataset unsuited to the task (one class only, a
/// class absent from the training split, missing labels), FormatError for a damaged dataset,
/// checkpoint or config, or a folder of another run type, IoError when files cannot be written,
/// TrainingDivergedError when the loss becomes NaN/Inf (the last good checkpoint is kept).
/// A stop request returns TrainStatus::Stopped after saving a checkpoint at the current batch.
TrainResult train(const std::string& runDir, const RunConfig& config, const TrainCallback& onProgress = {},
    const StopToken& stop = {}, const PauseToken& pause = {});

/// The loss became NaN or infinite; the run keeps its last good checkpoint.
class TrainingDivergedError : public Error {
public:
    using Error::Error;
};

} // namespace rs::ml

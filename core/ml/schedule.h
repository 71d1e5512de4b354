#pragma once
/// \file schedule.h
/// The learning-rate schedule and early stopping of a run (RunConfig::schedule, ::earlyStop) as
/// plain arithmetic over epochs, so the trainer, its checkpoints and tests agree on every number.
/// The whole state fits in ScheduleState, which checkpoints store: a resumed run continues with
/// exactly the rates and patience counters it would have had without the interruption.
/// No LibTorch here.

#include "ml/run_folder.h"

#include <limits>

namespace rs::ml {

/// Where a schedule and early stopping stand after some epochs.
struct ScheduleState {
    static constexpr double none = std::numeric_limits<double>::quiet_NaN();
    double lr = none; ///< the rate of the current epoch (NaN before the first)
    double plateauBest = none; ///< plateau: the lowest validation loss so far
    int plateauBad = 0; ///< plateau: epochs since it last fell
    double earlyBest = none; ///< early stopping: the best monitored value so far
    int earlyBad = 0; ///< early stopping: epochs since it last improved
    int earlyBestEpoch = 0; ///< early stopping: the epoch (from 1) of earlyBest
};

/// Whether a larger value of the task's metric (metricName) is better: accuracy and R² yes,
/// relative MSE no.
bool metricHigherIsBetter(Task task);

/// Checks the schedule and early-stopping settings. Throws ParameterError naming the setting.
void checkScheduleConfig(const RunConfig& config);

/// The learning rate of `epoch` (from 1): constant is the base rate (config.optimizer.lr);
/// plateau keeps the state's rate (the base rate until its first cut); step multiplies the base rate by gamma every
/// stepEpochs epochs; cosine falls from the base rate at epoch 1 to minLr at the last epoch (config.epochs).
double scheduledLr(const RunConfig& config, int epoch, const ScheduleState& state);

/// Feeds one finished epoch's validation results: the plateau schedule cuts the rate after
/// `patience` epochs without a lower loss (not below minLr), early stopping counts epochs without
/// improvement of its metric. `epoch` is from 1.
void updateSchedule(const RunConfig& config, ScheduleState& state, int epoch, double valLoss, double valMetric);

/// Whether early stopping ends the run after the epochs fed so far.
bool stopEarly(const RunConfig& config, const ScheduleState& state);

} // namespace rs::ml

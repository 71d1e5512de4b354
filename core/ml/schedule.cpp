#include "ml/schedule.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rs::ml {

bool metricHigherIsBetter(Task task)
{
    return task != Task::Reconstruct;
}

void checkScheduleConfig(const RunConfig& c)
{
    const ScheduleConfig& s = c.schedule;
    if (s.kind != "constant" && s.kind != "step" && s.kind != "cosine" && s.kind != "plateau")
        throw ParameterError("schedule", "'" + s.kind + "' is not one of constant, step, cosine, plateau");
    if (s.stepEpochs < 1)
        throw ParameterError("step-epochs", "must be at least 1");
    if (!(s.gamma > 0 && s.gamma <= 1))
        throw ParameterError("gamma", "must lie in (0, 1]");
    if (!(s.minLr >= 0) || s.minLr > c.optimizer.lr)
        throw ParameterError("min-lr", "must lie between 0 and the learning rate");
    if (s.patience < 0)
        throw ParameterError("plateau-patience", "must not be negative");
    const EarlyStopConfig& e = c.earlyStop;
    if (e.patience < 0)
        throw ParameterError("early-stop", "patience must not be negative");
    if (e.metric != "val_loss" && e.metric != "val_metric")
        throw ParameterError("early-stop-metric", "'" + e.metric + "' is not one of val_loss, val_metric");
    if (!(e.minDelta >= 0))
        throw ParameterError("min-delta", "must not be negative");
    if (!(c.optimizer.gradClip >= 0))
        throw ParameterError("grad-clip", "must not be negative (0: no clipping)");
    if (!(c.optimizer.weightDecay >= 0))
        throw ParameterError("weight-decay", "must not be negative");
}

double scheduledLr(const RunConfig& c, int epoch, const ScheduleState& state)
{
    const double base = c.optimizer.lr;
    const ScheduleConfig& s = c.schedule;
    if (s.kind == "step")
        return base * std::pow(s.gamma, double((std::max(epoch, 1) - 1) / s.stepEpochs));
    if (s.kind == "cosine") {
        const double t = c.epochs > 1 ? double(std::clamp(epoch, 1, c.epochs) - 1) / double(c.epochs - 1) : 0.0;
        return s.minLr + (base - s.minLr) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
    }
    if (s.kind == "plateau" && std::isfinite(state.lr))
        return state.lr;
    return base;
}

void updateSchedule(const RunConfig& c, ScheduleState& st, int epoch, double valLoss, double valMetric)
{
    if (c.schedule.kind == "plateau" && std::isfinite(valLoss)) {
        if (!std::isfinite(st.plateauBest) || valLoss < st.plateauBest) {
            st.plateauBest = valLoss;
            st.plateauBad = 0;
        } else if (++st.plateauBad > c.schedule.patience) {
            const double current = std::isfinite(st.lr) ? st.lr : c.optimizer.lr;
            st.lr = std::max(c.schedule.minLr, current * c.schedule.gamma);
            st.plateauBad = 0;
        }
    }
    const bool onLoss = c.earlyStop.metric == "val_loss";
    const double v = onLoss ? valLoss : valMetric;
    if (!std::isfinite(v))
        return;
    const bool higher = !onLoss && metricHigherIsBetter(c.task);
    const double gain = !std::isfinite(st.earlyBest) ? std::numeric_limits<double>::infinity()
                                                     : (higher ? v - st.earlyBest : st.earlyBest - v);
    if (gain > c.earlyStop.minDelta) {
        st.earlyBest = v;
        st.earlyBad = 0;
        st.earlyBestEpoch = epoch;
    } else {
        ++st.earlyBad;
    }
}

bool stopEarly(const RunConfig& c, const ScheduleState& st)
{
    return c.earlyStop.patience > 0 && st.earlyBad >= c.earlyStop.patience;
}

} // namespace rs::ml

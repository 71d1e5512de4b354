#include "run_json.h"

#include "ml/run_status.h"

#include <cmath>
#include <cstdio>

namespace rs::cli {

using namespace rs::ml;

namespace {

std::string fmt(double v)
{
    if (!std::isfinite(v))
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

} // namespace

nlohmann::json historyRecordJson(const HistoryRecord& record, Task task)
{
    nlohmann::json j = nlohmann::json::parse(historyLine(record, task));
    j.erase("v");
    return j;
}

nlohmann::json runSummaryJson(const RunSummary& s)
{
    const RunConfig& c = s.config;
    nlohmann::json e = {{"path", s.path}, {"model", modelName(c.model)}, {"task", taskName(c.task)},
        {"target", targetName(c.target)}, {"epochs_done", s.epochsDone}, {"epochs", c.epochs}, {"finished", s.finished},
        {"status", runStatusName(s.status)}, {"name", s.name}, {"notes", s.meta.notes}, {"tags", s.meta.tags}};
    if (s.metrics)
        e["metrics"] = nlohmann::json::parse(metricsToJson(*s.metrics));
    e["best_epoch"] = s.bestEpoch ? nlohmann::json(s.bestEpoch->epoch) : nlohmann::json(nullptr);
    e["best"] = s.bestEpoch ? historyRecordJson(*s.bestEpoch, c.task) : nlohmann::json(nullptr);
    e["last"] = s.lastEpoch ? historyRecordJson(*s.lastEpoch, c.task) : nlohmann::json(nullptr);
    if (!c.sweep.name.empty())
        e["sweep"] = nlohmann::json(c)["sweep"];
    return e;
}

std::string runSummaryText(const RunSummary& s)
{
    const RunConfig& c = s.config;
    std::string t = s.path + "  " + modelName(c.model) + " " + taskName(c.task) + " " + targetName(c.target) + "  "
        + runStatusName(s.status) + "  epoch " + std::to_string(s.epochsDone) + "/" + std::to_string(c.epochs);
    const std::string metric = metricName(c.task);
    if (s.bestEpoch)
        t += "  best epoch " + std::to_string(s.bestEpoch->epoch) + " (val " + metric + " "
            + fmt(s.bestEpoch->valMetric) + ")";
    if (s.lastEpoch && (!s.bestEpoch || s.lastEpoch->epoch != s.bestEpoch->epoch))
        t += "  last epoch " + std::to_string(s.lastEpoch->epoch) + " (val " + metric + " "
            + fmt(s.lastEpoch->valMetric) + ")";
    if (s.metrics && s.metrics->task == Task::Classify)
        t += "  test accuracy " + fmt(s.metrics->accuracy);
    if (s.metrics && s.metrics->task == Task::Regress)
        t += "  test R2 " + fmt(s.metrics->r2);
    if (!c.sweep.name.empty())
        t += "  [sweep " + c.sweep.name + "]";
    if (!s.meta.name.empty())
        t += "  \"" + s.meta.name + "\"";
    for (const std::string& tag : s.meta.tags)
        t += "  #" + tag;
    return t;
}

} // namespace rs::cli

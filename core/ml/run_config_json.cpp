// config.json's one schema: RunConfig <-> JSON (nlohmann ADL), and its flattened form for
// comparing runs. A new RunConfig field is written and read here and nowhere else.
#include "ml/run_folder.h"

#include "util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

namespace rs::ml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json finiteOrNull(double v)
{
    return std::isfinite(v) ? json(v) : json(nullptr);
}

double numberOr(const json& j, const char* key, double fallback)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

/// A sweep setting's value as JSON: a number when the text is one, else the text.
json settingValue(const std::string& text)
{
    std::istringstream in(text);
    double v = 0;
    if (in >> v && in.peek() == std::char_traits<char>::eof())
        return v;
    return text;
}

std::string settingText(const json& v)
{
    if (v.is_string())
        return v.get<std::string>();
    return v.dump();
}

std::string normalisedPath(const std::string& p)
{
    if (p.empty())
        return p;
    std::error_code ec;
    const fs::path abs = fs::weakly_canonical(fs::absolute(fs::path(p), ec), ec);
    return ec ? fs::path(p).lexically_normal().string() : abs.string();
}

std::string flatValue(const json& v)
{
    if (v.is_null())
        return "–";
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_float()) {
        std::ostringstream s;
        s.precision(8);
        s << v.get<double>();
        return s.str();
    }
    if (v.is_array()) {
        std::string s = "[";
        for (std::size_t i = 0; i < v.size(); ++i)
            s += (i ? ", " : "") + flatValue(v[i]);
        return s + "]";
    }
    return v.dump();
}

void flatten(const json& v, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out)
{
    if (v.is_object() && !v.empty()) {
        for (auto it = v.begin(); it != v.end(); ++it)
            flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
        return;
    }
    if (v.is_array() && !v.empty() && v.front().is_object()) { // generator.points: too long for a table cell
        out.emplace_back(prefix, std::to_string(v.size()) + (v.size() == 1 ? " entry" : " entries"));
        return;
    }
    out.emplace_back(prefix, flatValue(v));
}

} // namespace

namespace {

/// Throws ParameterError("generator.points", ...) for a calibration generation could not use.
void checkPointCalibration(const GeneratorPointCalibration& p)
{
    const auto finite = [](double v) { return std::isfinite(v); };
    const auto rising = [&](const std::vector<double>& q) {
        return q.size() >= 2 && std::all_of(q.begin(), q.end(), finite) && std::is_sorted(q.begin(), q.end());
    };
    if (!finite(p.z) || !finite(p.zeta) || !finite(p.ionizedOffset) || !(p.noiseScale >= 0 && p.noiseScale <= 2)
        || !(p.noiseWidth >= 0 && p.noiseWidth <= 8) || !(p.ionizedSharpness >= 0.1 && p.ionizedSharpness <= 10))
        throw ParameterError("generator.points",
            "a point's z, zeta, offset, sharpness (0.1..10), noise scale (0..2) or width (0..8) is not usable");
    if (!rising(p.drawnQuantiles) || !rising(p.simulatedQuantiles)
        || p.drawnQuantiles.size() != p.simulatedQuantiles.size())
        throw ParameterError("generator.points", "a point's quantiles are not two rising lists of one length");
}

} // namespace

int runFormatVersion(const RunConfig& c)
{
    // 2: history.jsonl numbers epochs from 1. 3: a key whose absence a reader of version 2 takes
    // for the old behaviour, so that such a reader would silently do something else: a
    // generator's drawn ionized state (generator.sample_mask), a translator's barrier context
    // (translation.context_barrier). Readers of version 2 refuse version 3 by name.
    // 4: a generator's per-point calibration (generator.points), which a reader of 3 ignores.
    // 5: points that sharpen the ionized logit (ionized_sharpness), which a reader of 4 ignores,
    // drawing other neutral fractions with the offsets fitted for it.
    // 6: every point's neutral fractions (generator.neutral_points), from which generation solves
    // the offset and measures the drawn quantiles where it draws; a reader of 5 would interpolate
    // the offsets instead, and between points draw other neutral fractions.
    if (c.model == ModelKind::Generator && !c.generatorNeutralPoints.empty() && !c.generatorPoints.empty())
        return 6;
    if (c.model == ModelKind::Generator && !c.generatorPoints.empty()) {
        const bool sharpened = std::any_of(c.generatorPoints.begin(), c.generatorPoints.end(),
            [](const GeneratorPointCalibration& p) { return p.ionizedSharpness != 1; });
        return sharpened ? 5 : 4;
    }
    const bool misread = (c.model == ModelKind::Generator && c.generatorSampleMask)
        || (c.model == ModelKind::UNet && c.contextBarrier);
    return misread ? 3 : 2;
}

void to_json(json& j, const RunConfig& c)
{
    j = json::object();
    j["format"] = "reionscope-run";
    j["format_version"] = runFormatVersion(c);
    j["model"] = modelName(c.model);
    j["task"] = taskName(c.task);
    j["target"] = targetName(c.target);
    j["dataset"] = {{"path", c.datasetPath}, {"content_hash", c.datasetHash},
        {"quantity", std::string(quantityName(c.quantity))}, {"rows", c.rows}, {"cols", c.cols},
        {"norm_mean", c.normMean}, {"norm_std", c.normStd}, {"cell_size_mpc", finiteOrNull(c.cellSizeMpc)}};
    j["encoder_run"] = c.encoderRun;
    j["optimizer"] = {{"name", c.optimizer.name}, {"lr", c.optimizer.lr}, {"momentum", c.optimizer.momentum},
        {"weight_decay", c.optimizer.weightDecay}, {"grad_clip", c.optimizer.gradClip}};
    j["schedule"] = {{"kind", c.schedule.kind}, {"step_epochs", c.schedule.stepEpochs}, {"gamma", c.schedule.gamma},
        {"min_lr", c.schedule.minLr}, {"patience", c.schedule.patience}};
    j["early_stop"]
        = {{"patience", c.earlyStop.patience}, {"metric", c.earlyStop.metric}, {"min_delta", c.earlyStop.minDelta}};
    j["batch"] = c.batch;
    j["epochs"] = c.epochs;
    j["seed"] = c.seed;
    j["threads"] = c.threads;
    j["world_size"] = c.worldSize;
    j["device"] = c.device;
    j["history_every"] = c.historyEvery;
    j["max_batches_per_epoch"] = c.maxBatchesPerEpoch;
    j["data_in_memory"] = c.dataInMemory;
    j["data_memory_mb"] = c.dataMemoryMb;
    j["classes"] = c.classes;
    j["label_mean"] = c.labelMean;
    j["label_std"] = c.labelStd;
    j["created"] = c.created;
    if (c.model == ModelKind::UNet)
        j["translation"] = {{"target_quantity", std::string(quantityName(c.targetQuantity))},
            {"target_mean", c.targetMean}, {"target_std", c.targetStd}, {"context_radii_mpc", c.contextRadiiMpc},
            {"context_mean", c.contextMean}, {"context_std", c.contextStd}, {"condition", c.condition},
            {"condition_mean", c.conditionMean}, {"condition_std", c.conditionStd}};
    if (c.model == ModelKind::UNet)
        j["translation"]["condition_budget"] = c.conditionBudget; // the ln(ζ f_ST) plane (ionizing_budget.h)
    if (c.model == ModelKind::UNet && c.contextBarrier)
        j["translation"]["context_barrier"] = true; // barrierContext channels (density_context.h)
    if (c.model == ModelKind::Generator)
        j["generator"] = {{"condition_mean", c.conditionMean}, {"condition_std", c.conditionStd},
            {"condition_min", c.conditionMin}, {"condition_max", c.conditionMax}, {"power_loss", c.powerLossWeight},
            {"noise", c.generatorNoise}, {"prior_loss", c.priorLossWeight}, {"noise_scale", c.generatorNoiseScale},
            {"noise_scale_slope", c.generatorNoiseSlope}, {"sample_mask", c.generatorSampleMask}};
    if (c.model == ModelKind::Generator && !c.generatorPoints.empty()) {
        json points = json::array();
        for (const GeneratorPointCalibration& p : c.generatorPoints) {
            points.push_back({{"z", p.z}, {"zeta", p.zeta}, {"ionized_offset", p.ionizedOffset},
                {"noise_scale", p.noiseScale}, {"noise_width_cells", p.noiseWidth},
                {"drawn_quantiles", p.drawnQuantiles}, {"simulated_quantiles", p.simulatedQuantiles}});
            if (p.ionizedSharpness != 1) // absent: 1 (format 4)
                points.back()["ionized_sharpness"] = p.ionizedSharpness;
        }
        j["generator"]["points"] = std::move(points);
        if (!c.generatorNeutralPoints.empty()) {
            json neutral = json::array();
            for (const GeneratorNeutralPoint& p : c.generatorNeutralPoints)
                neutral.push_back({{"z", p.z}, {"zeta", p.zeta}, {"simulated", p.simulated}, {"drawn", p.drawn}});
            j["generator"]["neutral_points"] = std::move(neutral);
        }
        if (!c.generatorCalibrationDataset.empty()) // a reader of 4 without it draws the same maps
            j["generator"]["calibrated_on"] = {{"dataset", c.generatorCalibrationDataset},
                {"rows", c.generatorCalibrationRows}, {"cols", c.generatorCalibrationCols}};
    }
    if (!c.sweep.name.empty()) {
        json settings = json::object();
        for (const auto& [k, v] : c.sweep.settings)
            settings[k] = settingValue(v);
        j["sweep"] = {{"name", c.sweep.name}, {"settings", settings}};
    }
}

void from_json(const json& j, RunConfig& c)
{
    c = RunConfig {};
    c.model = modelFromName(j.at("model").get<std::string>());
    c.task = taskFromName(j.at("task").get<std::string>());
    c.target = targetFromName(j.at("target").get<std::string>());
    const json& d = j.at("dataset");
    c.datasetPath = d.at("path").get<std::string>();
    c.datasetHash = d.value("content_hash", std::string());
    c.quantity = quantityFromName(d.value("quantity", std::string("other"))).value_or(Quantity::Other);
    c.rows = d.value("rows", std::size_t(0));
    c.cols = d.value("cols", std::size_t(0));
    c.normMean = d.value("norm_mean", 0.0);
    c.normStd = d.value("norm_std", 1.0);
    c.cellSizeMpc = numberOr(d, "cell_size_mpc", std::numeric_limits<double>::quiet_NaN());
    c.encoderRun = j.value("encoder_run", std::string());
    const json& o = j.at("optimizer");
    c.optimizer.name = o.at("name").get<std::string>();
    c.optimizer.lr = o.at("lr").get<double>();
    c.optimizer.momentum = o.value("momentum", 0.0);
    c.optimizer.weightDecay = o.value("weight_decay", 0.0);
    c.optimizer.gradClip = o.value("grad_clip", 0.0);
    const json s = j.value("schedule", json::object());
    c.schedule.kind = s.value("kind", c.schedule.kind);
    c.schedule.stepEpochs = s.value("step_epochs", c.schedule.stepEpochs);
    c.schedule.gamma = s.value("gamma", c.schedule.gamma);
    c.schedule.minLr = s.value("min_lr", c.schedule.minLr);
    c.schedule.patience = s.value("patience", c.schedule.patience);
    const json e = j.value("early_stop", json::object());
    c.earlyStop.patience = e.value("patience", c.earlyStop.patience);
    c.earlyStop.metric = e.value("metric", c.earlyStop.metric);
    c.earlyStop.minDelta = e.value("min_delta", c.earlyStop.minDelta);
    c.batch = j.at("batch").get<std::size_t>();
    c.epochs = j.at("epochs").get<int>();
    c.seed = j.value("seed", std::uint64_t(0));
    c.threads = j.value("threads", 2);
    c.worldSize = j.value("world_size", 1);
    c.device = j.value("device", std::string("auto"));
    c.historyEvery = j.value("history_every", std::size_t(20));
    c.maxBatchesPerEpoch = j.value("max_batches_per_epoch", std::size_t(0));
    c.dataInMemory = j.value("data_in_memory", c.dataInMemory);
    c.dataMemoryMb = j.value("data_memory_mb", c.dataMemoryMb);
    c.classes = j.value("classes", std::vector<double>());
    c.labelMean = j.value("label_mean", 0.0);
    c.labelStd = j.value("label_std", 1.0);
    c.created = j.value("created", std::string());
    if (auto t = j.find("translation"); t != j.end()) {
        c.targetQuantity = quantityFromName(t->at("target_quantity").get<std::string>()).value_or(Quantity::Other);
        c.targetMean = t->at("target_mean").get<double>();
        c.targetStd = t->at("target_std").get<double>();
        c.contextRadiiMpc = t->at("context_radii_mpc").get<std::vector<double>>();
        c.contextMean = t->at("context_mean").get<std::vector<double>>();
        c.contextStd = t->at("context_std").get<std::vector<double>>();
        c.condition = t->at("condition").get<bool>();
        c.conditionMean = t->at("condition_mean").get<std::array<double, 2>>();
        c.conditionStd = t->at("condition_std").get<std::array<double, 2>>();
        c.conditionBudget = t->value("condition_budget", false); // runs before the budget plane
        c.contextBarrier = t->value("context_barrier", false); // runs before the barrier context
        if (c.contextMean.size() != c.contextRadiiMpc.size() || c.contextStd.size() != c.contextRadiiMpc.size())
            throw ParameterError("translation", "context channels disagree in config.json");
    }
    if (auto g = j.find("generator"); g != j.end()) {
        c.conditionMean = g->at("condition_mean").get<std::array<double, 2>>();
        c.conditionStd = g->at("condition_std").get<std::array<double, 2>>();
        c.conditionMin = g->at("condition_min").get<std::array<double, 2>>();
        c.conditionMax = g->at("condition_max").get<std::array<double, 2>>();
        c.powerLossWeight = g->value("power_loss", c.powerLossWeight);
        c.generatorNoise = g->value("noise", false); // runs before the heteroscedastic decoder
        c.priorLossWeight = g->value("prior_loss", 0.0);
        c.generatorNoiseScale = g->value("noise_scale", 1.0); // runs before the calibration: unscaled
        c.generatorNoiseSlope = g->value("noise_scale_slope", std::array<double, 2> {0, 0});
        c.generatorSampleMask = g->value("sample_mask", false); // runs before it: the 1/2 threshold
        if (!(c.generatorNoiseScale >= 0 && std::isfinite(c.generatorNoiseScale)))
            throw ParameterError("generator.noise_scale", "must be zero or positive");
        if (!std::isfinite(c.generatorNoiseSlope[0]) || !std::isfinite(c.generatorNoiseSlope[1]))
            throw ParameterError("generator.noise_scale_slope", "must be finite numbers");
        c.generatorPoints.clear();
        if (auto pts = g->find("points"); pts != g->end())
            for (const json& e : *pts) {
                GeneratorPointCalibration p;
                p.z = e.at("z").get<double>();
                p.zeta = e.at("zeta").get<double>();
                p.ionizedOffset = e.at("ionized_offset").get<double>();
                p.ionizedSharpness = e.value("ionized_sharpness", 1.0);
                p.noiseScale = e.at("noise_scale").get<double>();
                p.noiseWidth = e.at("noise_width_cells").get<double>();
                p.drawnQuantiles = e.at("drawn_quantiles").get<std::vector<double>>();
                p.simulatedQuantiles = e.at("simulated_quantiles").get<std::vector<double>>();
                checkPointCalibration(p);
                if (!c.generatorPoints.empty() && p.drawnQuantiles.size() != c.generatorPoints[0].drawnQuantiles.size())
                    throw ParameterError("generator.points", "the points' quantile lists differ in length");
                c.generatorPoints.push_back(std::move(p));
            }
        c.generatorNeutralPoints.clear();
        if (auto pts = g->find("neutral_points"); pts != g->end())
            for (const json& e : *pts) {
                GeneratorNeutralPoint p {e.at("z").get<double>(), e.at("zeta").get<double>(),
                    e.at("simulated").get<double>(), e.at("drawn").get<double>()};
                const auto share = [](double v) { return v >= 0 && v <= 1; };
                if (!std::isfinite(p.z) || !std::isfinite(p.zeta) || !share(p.simulated) || !share(p.drawn))
                    throw ParameterError(
                        "generator.neutral_points", "a point's z, zeta or neutral fractions (0..1) are not usable");
                c.generatorNeutralPoints.push_back(p);
            }
        c.generatorCalibrationDataset.clear();
        c.generatorCalibrationRows = c.generatorCalibrationCols = 0;
        if (auto on = g->find("calibrated_on"); on != g->end() && on->is_object()) {
            c.generatorCalibrationDataset = on->value("dataset", std::string());
            c.generatorCalibrationRows = on->value("rows", std::size_t(0));
            c.generatorCalibrationCols = on->value("cols", std::size_t(0));
        }
    }
    if (auto it = j.find("sweep"); it != j.end() && it->is_object()) {
        c.sweep.name = it->value("name", std::string());
        if (auto st = it->find("settings"); st != it->end() && st->is_object())
            for (auto kv = st->begin(); kv != st->end(); ++kv)
                c.sweep.settings.emplace_back(kv.key(), settingText(kv.value()));
    }
}

std::vector<std::pair<std::string, std::string>> flattenRunConfig(const RunConfig& config)
{
    RunConfig c = config;
    c.datasetPath = normalisedPath(c.datasetPath);
    c.encoderRun = normalisedPath(c.encoderRun);
    std::vector<std::pair<std::string, std::string>> out;
    flatten(json(c), {}, out);
    return out;
}

} // namespace rs::ml

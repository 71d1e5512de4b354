#include "ml/run_folder.h"

#include "ml/run_status.h"

#include "util/error.h"
#include "util/file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>

namespace rs::ml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

json num(double v)
{
    return std::isfinite(v) ? json(v) : json(nullptr);
}

double getNum(const json& j, const char* key, double fallback = kNaN)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

/// Generator metrics (generation_metrics.h) into an evaluate/metrics.json object.
void generationToJson(json& j, const GenerationMetrics& g)
{
    j["power_ratio_median"] = num(g.powerRatioMedian);
    j["power_ratio_min"] = num(g.powerRatioMin);
    j["power_ratio_max"] = num(g.powerRatioMax);
    j["pdf_ks"] = num(g.pdfKs);
    j["pdf_ks_max"] = num(g.pdfKsMax);
    j["nf_error"] = num(g.nfError);
    j["nf_error_max_abs"] = num(g.nfErrorMaxAbs);
    j["diversity"] = num(g.diversity);
    json groups = json::array();
    for (const GenerationGroupMetrics& e : g.groups)
        groups.push_back({{"z", e.z}, {"zeta", e.zeta}, {"simulated", e.simulated}, {"generated", e.generated},
            {"power_ratio_median", num(e.powerRatioMedian)}, {"pdf_ks", num(e.pdfKs)},
            {"nf_simulated", num(e.nfSimulated)}, {"nf_generated", num(e.nfGenerated)}, {"nf_error", num(e.nfError)},
            {"diversity", num(e.diversity)}});
    j["groups"] = groups;
}

GenerationMetrics generationFromJson(const json& j)
{
    GenerationMetrics g;
    g.powerRatioMedian = getNum(j, "power_ratio_median");
    g.powerRatioMin = getNum(j, "power_ratio_min");
    g.powerRatioMax = getNum(j, "power_ratio_max");
    g.pdfKs = getNum(j, "pdf_ks");
    g.pdfKsMax = getNum(j, "pdf_ks_max");
    g.nfError = getNum(j, "nf_error");
    g.nfErrorMaxAbs = getNum(j, "nf_error_max_abs");
    g.diversity = getNum(j, "diversity");
    if (auto it = j.find("groups"); it != j.end() && it->is_array())
        for (const json& e : *it) {
            GenerationGroupMetrics m;
            m.z = getNum(e, "z");
            m.zeta = getNum(e, "zeta");
            m.simulated = e.value("simulated", std::size_t(0));
            m.generated = e.value("generated", std::size_t(0));
            m.powerRatioMedian = getNum(e, "power_ratio_median");
            m.pdfKs = getNum(e, "pdf_ks");
            m.nfSimulated = getNum(e, "nf_simulated");
            m.nfGenerated = getNum(e, "nf_generated");
            m.nfError = getNum(e, "nf_error");
            m.diversity = getNum(e, "diversity");
            g.groups.push_back(m);
        }
    return g;
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path, "cannot open: no such file or permission denied");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeText(const std::string& path, const std::string& text)
{
    writeFileAtomically(path, text.data(), text.size());
}

std::optional<HistoryRecord> parseHistoryObject(const json& j);

} // namespace

const char* modelName(ModelKind m)
{
    switch (m) {
    case ModelKind::Autoencoder:
        return "ae";
    case ModelKind::Mlp:
        return "mlp";
    case ModelKind::Cnn:
        return "cnn";
    case ModelKind::CodesCnn:
        return "codes-cnn";
    case ModelKind::UNet:
        return "unet";
    case ModelKind::Generator:
        return "generator";
    }
    return "?";
}

ModelKind modelFromName(std::string_view name)
{
    for (ModelKind m : {ModelKind::Autoencoder, ModelKind::Mlp, ModelKind::Cnn, ModelKind::CodesCnn, ModelKind::UNet,
             ModelKind::Generator})
        if (name == modelName(m))
            return m;
    throw ParameterError("model", "'" + std::string(name) + "' is not one of ae, mlp, cnn, codes-cnn, unet, generator");
}

const char* metricName(Task t)
{
    switch (t) {
    case Task::Classify:
        return "accuracy";
    case Task::Regress:
        return "r2";
    case Task::Reconstruct:
        return "relative_mse";
    case Task::Translate:
        return "pixel_accuracy";
    case Task::Generate:
        return "relative_mse";
    }
    return "metric";
}

std::string runConfigPath(const std::string& d)
{
    return (fs::path(d) / "config.json").string();
}
std::string historyPath(const std::string& d)
{
    return (fs::path(d) / "history.jsonl").string();
}
std::string metricsPath(const std::string& d)
{
    return (fs::path(d) / "metrics.json").string();
}
std::string checkpointPath(const std::string& d)
{
    return (fs::path(d) / "checkpoints" / "last.pt").string();
}
std::string bestCheckpointPath(const std::string& d)
{
    return (fs::path(d) / "checkpoints" / "best.pt").string();
}
std::string finalModelPath(const std::string& d)
{
    return (fs::path(d) / "final.pt").string();
}
std::string torchScriptPath(const std::string& d)
{
    return (fs::path(d) / "model.ts").string();
}

bool isRunFolder(const std::string& runDir)
{
    std::error_code ec;
    return fs::is_regular_file(runConfigPath(runDir), ec);
}

std::string runConfigJson(const RunConfig& c)
{
    return json(c).dump(2) + "\n";
}

void writeRunConfig(const std::string& runDir, const RunConfig& c)
{
    writeText(runConfigPath(runDir), runConfigJson(c));
}

RunConfig readRunConfig(const std::string& runDir)
{
    const std::string path = runConfigPath(runDir);
    const std::string text = readText(path);
    try {
        const json j = json::parse(text);
        if (j.value("format", std::string()) != "reionscope-run")
            throw FormatError(path, "not a ReionScope run configuration (no \"format\": \"reionscope-run\")");
        if (j.value("format_version", 1) > kRunFormatVersion)
            throw FormatError(path,
                "written by a newer ReionScope (format_version " + std::to_string(j.value("format_version", 1)) + ")");
        RunConfig c = j.get<RunConfig>();
        return c;
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("damaged run configuration: ") + e.what());
    } catch (const ParameterError& e) {
        throw FormatError(path, std::string("damaged run configuration: ") + e.what());
    }
}

void appendHistory(const std::string& runDir, const HistoryRecord& r, Task task)
{
    appendHistoryLine(runDir, historyLine(r, task));
}

std::string historyLine(const HistoryRecord& r, Task task)
{
    json j;
    j["v"] = 2;
    j["type"] = r.type;
    j["epoch"] = r.epoch;
    j["batch"] = r.batch;
    j["batches"] = r.batches;
    j["step"] = r.step;
    const std::string metric = metricName(task);
    auto put = [&](const std::string& key, double v) {
        if (std::isfinite(v))
            j[key] = v;
    };
    put("train_loss", r.trainLoss);
    put("train_" + metric, r.trainMetric);
    put("val_loss", r.valLoss);
    put("val_" + metric, r.valMetric);
    put("lr", r.lr);
    put("samples_per_s", r.samplesPerSecond);
    put("wall_s", r.wallSeconds);
    for (const auto& [name, v] : r.physics)
        put("val_" + name, v);
    if (!r.message.empty())
        j["message"] = r.message;
    return j.dump() + "\n";
}

void appendHistoryLine(const std::string& runDir, const std::string& line)
{
    const std::string path = historyPath(runDir);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        throw IoError(path, std::string("cannot open for appending: ") + std::strerror(errno));
    const ssize_t put_ = ::write(fd, line.data(), line.size());
    const int err = errno;
    ::close(fd);
    if (put_ != ssize_t(line.size()))
        throw IoError(path, std::string("cannot append: ") + std::strerror(err));
}

std::optional<HistoryRecord> parseHistoryLine(std::string_view line)
{
    try {
        return parseHistoryObject(json::parse(line.begin(), line.end(), nullptr, false));
    } catch (const json::exception&) { // a mistyped field ("epoch": "x"): not a record
        return std::nullopt;
    }
}

namespace {
std::optional<HistoryRecord> parseHistoryObject(const json& j)
{
    if (j.is_discarded() || !j.is_object())
        return std::nullopt;
    HistoryRecord r;
    r.type = j.value("type", std::string("epoch"));
    r.epoch = j.value("epoch", 0) + (j.contains("v") ? 0 : 1); // before "v": 2 epochs counted from 0
    r.batch = j.value("batch", std::size_t(0));
    r.batches = j.value("batches", std::size_t(0));
    r.step = j.value("step", std::int64_t(0));
    r.trainLoss = getNum(j, "train_loss");
    r.valLoss = getNum(j, "val_loss");
    r.trainMetric = kNaN;
    r.valMetric = kNaN;
    static constexpr std::array<const char*, 4> kMetrics {"accuracy", "r2", "relative_mse", "pixel_accuracy"};
    for (const char* m : kMetrics) {
        r.trainMetric = std::isnan(r.trainMetric) ? getNum(j, (std::string("train_") + m).c_str()) : r.trainMetric;
        r.valMetric = std::isnan(r.valMetric) ? getNum(j, (std::string("val_") + m).c_str()) : r.valMetric;
    }
    // Every other validation number is a physics metric (physics_history.h); items() is sorted.
    for (const auto& [key, value] : j.items()) {
        if (key.rfind("val_", 0) != 0 || !value.is_number() || key == "val_loss")
            continue;
        const std::string name = key.substr(4);
        if (std::none_of(kMetrics.begin(), kMetrics.end(), [&](const char* m) { return name == m; }))
            r.physics.emplace_back(name, value.get<double>());
    }
    r.lr = getNum(j, "lr");
    r.samplesPerSecond = getNum(j, "samples_per_s");
    r.wallSeconds = getNum(j, "wall_s");
    r.message = j.value("message", std::string());
    return r;
}
} // namespace

HistoryChunk readHistoryFrom(const std::string& runDir, std::uint64_t offset)
{
    const std::string path = historyPath(runDir);
    HistoryChunk out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(path, ec))
            return out; // not written yet
        throw IoError(path, "cannot open: permission denied");
    }
    in.seekg(0, std::ios::end);
    const std::uint64_t size = std::uint64_t(std::streamoff(in.tellg()));
    if (size < offset) { // rewritten or cut: start again
        out.restarted = true;
        offset = 0;
    }
    out.nextOffset = offset;
    if (size == offset)
        return out;
    std::string text(std::size_t(size - offset), '\0');
    in.seekg(std::streamoff(offset));
    if (!in.read(text.data(), std::streamsize(text.size())))
        throw IoError(path, "cannot read");
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            break; // a partially written last line: the next call reads it whole
        if (auto r = parseHistoryLine(std::string_view(text).substr(pos, nl - pos)))
            out.records.push_back(std::move(*r));
        pos = nl + 1;
    }
    out.nextOffset = offset + pos;
    return out;
}

std::vector<HistoryRecord> readHistory(const std::string& runDir)
{
    return readHistoryFrom(runDir, 0).records;
}

void repairHistory(const std::string& runDir)
{
    const std::string path = historyPath(runDir);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return;
    const std::string text = readText(path);
    if (text.empty() || text.back() == '\n')
        return;
    const std::size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
    if (::truncate(path.c_str(), off_t(keep)) != 0)
        throw IoError(path, std::string("cannot cut a partial last line: ") + std::strerror(errno));
}

void trimHistoryAfter(const std::string& runDir, int epoch, std::size_t batchInEpoch)
{
    const std::string path = historyPath(runDir);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return;
    const std::string text = readText(path);
    std::string kept;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            nl = text.size() - 1;
        const std::string_view line = std::string_view(text).substr(pos, nl + 1 - pos);
        pos = nl + 1;
        if (const auto r = parseHistoryLine(line.substr(0, line.size() - (line.back() == '\n' ? 1 : 0)))) {
            const bool aheadBatch
                = r->type == "batch" && (r->epoch > epoch || (r->epoch == epoch && r->batch > batchInEpoch));
            const bool aheadEpoch = r->type == "epoch" && r->epoch >= epoch;
            if (aheadBatch || aheadEpoch)
                continue;
        }
        kept.append(line);
    }
    if (kept.size() != text.size())
        writeText(path, kept);
}

std::string metricsToJson(const EvalMetrics& m)
{
    json j;
    j["model"] = m.model;
    j["task"] = taskName(m.task);
    j["target"] = targetName(m.target);
    j["split"] = m.split;
    j["samples"] = m.samples;
    j["loss"] = num(m.loss);
    if (m.task == Task::Classify) {
        j["classes"] = m.classes;
        j["accuracy"] = num(m.accuracy);
        j["confusion_matrix"] = m.confusion;
        json per = json::array();
        for (double a : m.perClassAccuracy)
            per.push_back(num(a));
        j["per_class_accuracy"] = per;
    } else if (m.task == Task::Regress) {
        j["r2"] = num(m.r2);
        j["rmse"] = num(m.rmse);
        j["mae"] = num(m.mae);
    } else if (m.task == Task::Translate) {
        const TranslationMetrics& t = m.translation;
        j["pixel_accuracy"] = num(t.pixelAccuracy);
        j["iou_ionized"] = num(t.iouIonized);
        j["nf_error"] = num(t.nfError);
        j["mean_predicted"] = num(t.meanPredicted);
        j["mean_true"] = num(t.meanTrue);
        j["power_ratio_median"] = num(t.powerRatioMedian);
        json r = json::object();
        for (std::size_t i = 0; i < 3; ++i)
            r[formatValue(translationMetricKs()[i])] = num(t.rK[i]);
        j["r_k"] = r;
    } else if (m.task == Task::Generate) {
        j["mse"] = num(m.mse);
        j["relative_mse"] = num(m.relativeMse);
        generationToJson(j, m.generation);
    } else {
        j["mse"] = num(m.mse);
        j["relative_mse"] = num(m.relativeMse);
    }
    return j.dump(2);
}

EvalMetrics metricsFromJson(const std::string& text, const std::string& path)
{
    try {
        const json j = json::parse(text);
        EvalMetrics m;
        m.model = j.value("model", std::string());
        m.task = taskFromName(j.at("task").get<std::string>());
        m.target = targetFromName(j.at("target").get<std::string>());
        m.split = j.value("split", std::string("test"));
        m.samples = j.at("samples").get<std::size_t>();
        m.loss = getNum(j, "loss");
        m.classes = j.value("classes", std::vector<double>());
        m.accuracy = getNum(j, "accuracy");
        m.confusion = j.value("confusion_matrix", std::vector<std::vector<std::int64_t>>());
        if (auto it = j.find("per_class_accuracy"); it != j.end() && it->is_array())
            for (const json& v : *it)
                m.perClassAccuracy.push_back(v.is_number() ? v.get<double>() : kNaN);
        m.r2 = getNum(j, "r2");
        m.rmse = getNum(j, "rmse");
        m.mae = getNum(j, "mae");
        m.mse = getNum(j, "mse");
        m.relativeMse = getNum(j, "relative_mse");
        TranslationMetrics& t = m.translation;
        t.pixelAccuracy = getNum(j, "pixel_accuracy");
        t.iouIonized = getNum(j, "iou_ionized");
        t.nfError = getNum(j, "nf_error");
        t.meanPredicted = getNum(j, "mean_predicted");
        t.meanTrue = getNum(j, "mean_true");
        t.powerRatioMedian = getNum(j, "power_ratio_median");
        if (auto r = j.find("r_k"); r != j.end() && r->is_object())
            for (std::size_t i = 0; i < 3; ++i)
                t.rK[i] = getNum(*r, formatValue(translationMetricKs()[i]).c_str());
        if (m.task == Task::Generate)
            m.generation = generationFromJson(j);
        return m;
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("damaged metrics: ") + e.what());
    } catch (const ParameterError& e) {
        throw FormatError(path, std::string("damaged metrics: ") + e.what());
    }
}

void writeMetrics(const std::string& runDir, const EvalMetrics& m)
{
    writeText(metricsPath(runDir), metricsToJson(m) + "\n");
}

std::optional<EvalMetrics> readMetrics(const std::string& runDir)
{
    const std::string path = metricsPath(runDir);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return std::nullopt;
    return metricsFromJson(readText(path), path);
}

std::vector<RunSummary> listRuns(const std::string& folder, std::vector<RunListError>* errors)
{
    std::vector<std::string> dirs;
    if (isRunFolder(folder)) {
        dirs.push_back(folder);
    } else {
        std::error_code ec;
        fs::directory_iterator it(folder, ec);
        if (ec)
            throw IoError(folder, "cannot list folder: " + ec.message());
        for (const fs::directory_entry& e : it)
            if (e.is_directory(ec) && isRunFolder(e.path().string()))
                dirs.push_back(e.path().string());
        std::sort(dirs.begin(), dirs.end());
    }
    std::vector<RunSummary> out;
    for (const std::string& d : dirs) {
        try {
            RunSummary s;
            s.path = d;
            s.config = readRunConfig(d);
            try {
                s.meta = readRunMeta(d);
            } catch (const Error&) { } // a damaged note must not hide the run
            s.name = runDisplayName(d, s.meta);
            const std::vector<HistoryRecord> history = readHistory(d);
            for (const HistoryRecord& r : history)
                if (r.type == "epoch") {
                    s.epochsDone = std::max(s.epochsDone, r.epoch);
                    s.lastEpoch = r;
                }
            s.bestEpoch = bestEpochRecord(history);
            std::error_code ec;
            s.finished = fs::exists(finalModelPath(d), ec);
            s.status = runStatus(d, history);
            try {
                s.metrics = readMetrics(d);
            } catch (const FormatError&) { }
            out.push_back(std::move(s));
        } catch (const Error& e) { // listed apart: one damaged run must not hide the others
            if (errors)
                errors->push_back({d, e.what()});
        }
    }
    return out;
}

} // namespace rs::ml

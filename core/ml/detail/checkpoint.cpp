#include "ml/detail/checkpoint.h"

#include "util/error.h"
#include "util/file_util.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

namespace rs::ml::detail {

namespace {

using nlohmann::json;
constexpr const char* kMetaKey = "reionscope_meta";
constexpr const char* kFormat = "reionscope-checkpoint";

std::string metaToJson(const CheckpointMeta& m)
{
    json j;
    j["format"] = kFormat;
    j["format_version"] = 2; // 2: best_epoch counts from 1; schedule state
    j["kind"] = m.kind;
    j["model"] = modelName(m.model);
    j["task"] = taskName(m.task);
    j["rows"] = m.rows;
    j["cols"] = m.cols;
    j["outputs"] = m.outputs;
    j["dataset_hash"] = m.datasetHash;
    j["epoch"] = m.epoch;
    j["batch_in_epoch"] = m.batchInEpoch;
    j["step"] = m.step;
    j["best_val_loss"] = std::isfinite(m.bestValLoss) ? json(m.bestValLoss) : json(nullptr);
    j["best_epoch"] = m.bestEpoch;
    j["partial"] = {m.partialLoss, m.partialMetricA, m.partialMetricB, double(m.partialSamples)};
    j["wall_s"] = m.wallSeconds;
    j["last_epoch_line"] = m.lastEpochLine;
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    const ScheduleState& s = m.schedule;
    j["schedule"] = {{"lr", num(s.lr)}, {"plateau_best", num(s.plateauBest)}, {"plateau_bad", s.plateauBad},
        {"early_best", num(s.earlyBest)}, {"early_bad", s.earlyBad}, {"early_best_epoch", s.earlyBestEpoch}};
    return j.dump();
}

CheckpointMeta metaFromJson(const std::string& text, const std::string& path)
{
    try {
        const json j = json::parse(text);
        if (j.value("format", std::string()) != kFormat)
            throw FormatError(path, "not a ReionScope checkpoint");
        CheckpointMeta m;
        m.kind = j.at("kind").get<std::string>();
        m.model = modelFromName(j.at("model").get<std::string>());
        m.task = taskFromName(j.at("task").get<std::string>());
        m.rows = j.at("rows").get<std::size_t>();
        m.cols = j.at("cols").get<std::size_t>();
        m.outputs = j.at("outputs").get<int>();
        m.datasetHash = j.value("dataset_hash", std::string());
        m.epoch = j.at("epoch").get<int>();
        m.batchInEpoch = j.at("batch_in_epoch").get<std::size_t>();
        m.step = j.at("step").get<std::int64_t>();
        m.bestValLoss = j.at("best_val_loss").is_number() ? j.at("best_val_loss").get<double>()
                                                          : std::numeric_limits<double>::infinity();
        m.bestEpoch = j.at("best_epoch").get<int>() + (j.value("format_version", 1) < 2 ? 1 : 0);
        const std::vector<double> p = j.at("partial").get<std::vector<double>>();
        if (p.size() == 4) {
            m.partialLoss = p[0];
            m.partialMetricA = p[1];
            m.partialMetricB = p[2];
            m.partialSamples = std::size_t(p[3]);
        }
        m.wallSeconds = j.value("wall_s", 0.0);
        m.lastEpochLine = j.value("last_epoch_line", std::string());
        if (auto it = j.find("schedule"); it != j.end() && it->is_object()) {
            auto num = [&](const char* key) {
                auto v = it->find(key);
                return v != it->end() && v->is_number() ? v->get<double>() : ScheduleState::none;
            };
            m.schedule.lr = num("lr");
            m.schedule.plateauBest = num("plateau_best");
            m.schedule.plateauBad = it->value("plateau_bad", 0);
            m.schedule.earlyBest = num("early_best");
            m.schedule.earlyBad = it->value("early_bad", 0);
            m.schedule.earlyBestEpoch = it->value("early_best_epoch", 0);
        }
        return m;
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("damaged checkpoint metadata: ") + e.what());
    } catch (const ParameterError& e) {
        throw FormatError(path, std::string("damaged checkpoint metadata: ") + e.what());
    }
}

void openArchive(
    torch::serialize::InputArchive& archive, const std::string& path, const torch::Device& device = torch::kCPU)
{
    regularFileSize(path); // IoError for a missing file
    try {
        archive.load_from(path, device);
    } catch (const c10::Error&) {
        throw FormatError(path, "not a ReionScope checkpoint (damaged, or not a LibTorch archive)");
    }
}

CheckpointMeta readMeta(torch::serialize::InputArchive& archive, const std::string& path)
{
    c10::IValue v;
    bool found = false;
    try {
        found = archive.try_read(kMetaKey, v);
    } catch (const c10::Error&) {
        found = false;
    }
    if (!found || !v.isString())
        throw FormatError(path, "a LibTorch archive but not a ReionScope checkpoint (no reionscope_meta)");
    return metaFromJson(v.toStringRef(), path);
}

} // namespace

void saveCheckpoint(
    const std::string& path, const CheckpointMeta& meta, NetBase& net, torch::optim::Optimizer* optimizer)
{
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec)
        throw IoError(std::filesystem::path(path).parent_path().string(), "cannot create folder: " + ec.message());
    // Serialised into memory first: LibTorch's file writer throws from its destructor when a write
    // fails (disk full), which ends the process during unwinding. Our own writer reports it.
    std::string bytes;
    try {
        torch::serialize::OutputArchive archive;
        archive.write(kMetaKey, c10::IValue(metaToJson(meta)));
        torch::serialize::OutputArchive model;
        net.save(model);
        archive.write("model", model);
        if (optimizer) {
            torch::serialize::OutputArchive opt;
            optimizer->save(opt);
            archive.write("optimizer", opt);
            archive.write("rng", at::detail::getDefaultCPUGenerator().get_state(), true);
        }
        archive.save_to([&bytes](const void* data, std::size_t n) {
            bytes.append(static_cast<const char*>(data), n);
            return n;
        });
    } catch (const c10::Error& e) {
        throw IoError(path, std::string("cannot serialise checkpoint: ") + e.what_without_backtrace());
    }
    writeFileAtomically(path, bytes.data(), bytes.size());
}

CheckpointMeta readCheckpointMeta(const std::string& path)
{
    torch::serialize::InputArchive archive;
    openArchive(archive, path);
    return readMeta(archive, path);
}

CheckpointMeta loadCheckpoint(const std::string& path, const CheckpointMeta& expected, NetBase& net,
    torch::optim::Optimizer* optimizer, const torch::Device& device)
{
    torch::serialize::InputArchive archive;
    openArchive(archive, path, device);
    const CheckpointMeta meta = readMeta(archive, path);
    if (meta.model != expected.model)
        throw FormatError(path,
            std::string("holds a '") + modelName(meta.model) + "' model, not '" + modelName(expected.model) + "'");
    if (meta.task != expected.task)
        throw FormatError(
            path, std::string("was trained to ") + taskName(meta.task) + ", not to " + taskName(expected.task));
    if (meta.rows != expected.rows || meta.cols != expected.cols || meta.outputs != expected.outputs)
        throw FormatError(path,
            "was written for " + std::to_string(meta.rows) + "x" + std::to_string(meta.cols) + " inputs and "
                + std::to_string(meta.outputs) + " outputs, not " + std::to_string(expected.rows) + "x"
                + std::to_string(expected.cols) + " and " + std::to_string(expected.outputs));
    try {
        torch::serialize::InputArchive model;
        archive.read("model", model);
        net.load(model);
        if (optimizer) {
            torch::serialize::InputArchive opt;
            if (!archive.try_read("optimizer", opt))
                throw FormatError(path, "holds no optimizer state (a final model, not a checkpoint)");
            optimizer->load(opt);
            torch::Tensor rng;
            if (archive.try_read("rng", rng, true)) {
                at::Generator gen = at::detail::getDefaultCPUGenerator();
                gen.set_state(rng.to(torch::kCPU));
            }
        }
    } catch (const c10::Error& e) {
        throw FormatError(path, std::string("damaged checkpoint: ") + e.what_without_backtrace());
    }
    return meta;
}

} // namespace rs::ml::detail

#include "ml/physics_history.h"

#include "ml/run_folder.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

namespace rs::ml {

namespace {

using json = nlohmann::json;

/// Keys of a history line that are not physics metrics although they start with "val_".
const std::set<std::string>& headlineKeys()
{
    static const std::set<std::string> keys {
        "val_loss", "val_accuracy", "val_r2", "val_relative_mse", "val_pixel_accuracy"};
    return keys;
}

} // namespace

NamedValues physicsMetrics(const EvalMetrics& m)
{
    NamedValues out;
    if (m.task == Task::Translate && m.translation.cells > 0) {
        const TranslationMetrics& t = m.translation;
        out = {{"iou_ionized", t.iouIonized}, {"nf_error", t.nfError}, {"power_ratio_median", t.powerRatioMedian},
            {"r_k_0.1", t.rK[0]}, {"r_k_0.3", t.rK[1]}, {"r_k_1", t.rK[2]}};
    } else if (m.task == Task::Generate && !m.generation.groups.empty()) {
        const GenerationMetrics& g = m.generation;
        out = {{"power_ratio_median", g.powerRatioMedian}, {"pdf_ks", g.pdfKs}, {"nf_error", g.nfError},
            {"diversity", g.diversity}};
    }
    std::erase_if(out, [](const auto& v) { return !std::isfinite(v.second); });
    return out;
}

std::string withPhysics(const std::string& line, const NamedValues& values)
{
    if (values.empty())
        return line;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw FormatError("history.jsonl", "not a history line: " + line.substr(0, 80));
    for (const auto& [name, v] : values)
        j["val_" + name] = v;
    return j.dump() + "\n";
}

namespace {

/// The physics values (val_* numbers beside the headline metric) of one parsed history object.
NamedValues physicsOf(const json& j)
{
    NamedValues out;
    for (const auto& [key, value] : j.items())
        if (key.rfind("val_", 0) == 0 && value.is_number() && !headlineKeys().count(key))
            out.emplace_back(key.substr(4), value.get<double>());
    return out;
}

} // namespace

NamedValues physicsOfLine(std::string_view line)
{
    const json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return {};
    return physicsOf(j);
}

std::vector<PhysicsEpoch> readPhysicsHistory(const std::string& runDir)
{
    std::vector<PhysicsEpoch> out;
    const std::string path = historyPath(runDir);
    std::ifstream in(path);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec))
            return out; // not written yet
        throw IoError(path, "cannot read");
    }
    std::string line;
    while (std::getline(in, line)) {
        const json j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || j.value("type", std::string()) != "epoch")
            continue;
        NamedValues v = physicsOf(j);
        if (v.empty())
            continue;
        PhysicsEpoch e;
        e.epoch = j.value("epoch", 0);
        e.step = j.value("step", std::int64_t(0));
        e.values = std::move(v);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace rs::ml

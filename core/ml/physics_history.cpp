#include "ml/physics_history.h"

#include "ml/run_folder.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>

namespace rs::ml {

namespace {
using json = nlohmann::json;
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

NamedValues physicsOfLine(std::string_view line)
{
    std::optional<HistoryRecord> r = parseHistoryLine(line); // parseHistoryObject picks the val_ keys
    return r ? std::move(r->physics) : NamedValues {};
}

std::vector<PhysicsEpoch> readPhysicsHistory(const std::string& runDir)
{
    std::vector<PhysicsEpoch> out;
    for (HistoryRecord& r : readHistory(runDir))
        if (r.type == "epoch" && !r.physics.empty())
            out.push_back({r.epoch, r.step, std::move(r.physics)});
    return out;
}

} // namespace rs::ml

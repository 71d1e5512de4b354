#include "ml/sweep.h"

#include "util/error.h"
#include "util/file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace rs::ml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Short names → JSON pointers into config.json.
const std::map<std::string, std::string>& aliases()
{
    static const std::map<std::string, std::string> a
        = {{"lr", "/optimizer/lr"}, {"momentum", "/optimizer/momentum"}, {"weight_decay", "/optimizer/weight_decay"},
            {"grad_clip", "/optimizer/grad_clip"}, {"optimizer", "/optimizer/name"}, {"schedule", "/schedule/kind"},
            {"gamma", "/schedule/gamma"}, {"step_epochs", "/schedule/step_epochs"}, {"min_lr", "/schedule/min_lr"},
            {"plateau_patience", "/schedule/patience"}, {"early_stop", "/early_stop/patience"},
            {"min_delta", "/early_stop/min_delta"}, {"batch", "/batch"}, {"epochs", "/epochs"}, {"seed", "/seed"},
            {"model", "/model"}, {"target", "/target"}, {"task", "/task"}, {"max_batches", "/max_batches_per_epoch"}};
    return a;
}

/// The JSON pointer of a grid key; empty when it is no chosen setting.
std::string pointerOf(const std::string& key)
{
    std::string k = key;
    std::replace(k.begin(), k.end(), '-', '_');
    if (auto it = aliases().find(k); it != aliases().end())
        return it->second;
    std::string p = "/" + k;
    std::replace(p.begin(), p.end(), '.', '/');
    static const char* resolved[]
        = {"/format", "/format_version", "/dataset", "/classes", "/label_mean", "/label_std", "/created", "/sweep"};
    for (const char* r : resolved)
        if (p.rfind(r, 0) == 0 && p != "/dataset/path")
            return {};
    const json j = RunConfig {};
    return j.contains(json::json_pointer(p)) && !j.at(json::json_pointer(p)).is_object() ? p : std::string();
}

std::vector<std::string> splitOn(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep))
        out.push_back(cur);
    if (!s.empty() && s.back() == sep)
        out.emplace_back();
    return out;
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

json pointJson(const SweepPoint& p)
{
    json settings = json::array();
    for (const auto& [k, v] : p.settings)
        settings.push_back({k, v});
    return {{"name", p.name}, {"settings", settings}};
}

} // namespace

std::vector<std::string> sweepSettingKeys()
{
    std::vector<std::string> keys;
    for (const auto& [k, v] : aliases())
        keys.push_back(k);
    return keys;
}

std::vector<SweepAxis> parseSweepGrid(const std::string& text)
{
    std::vector<SweepAxis> grid;
    for (const std::string& part : splitOn(text, ';')) {
        if (trim(part).empty())
            continue;
        const auto eq = part.find('=');
        SweepAxis a;
        a.key = trim(part.substr(0, eq == std::string::npos ? part.size() : eq));
        if (eq == std::string::npos || a.key.empty())
            throw ParameterError("--grid", "'" + trim(part) + "' is not key=value,value,...");
        if (pointerOf(a.key).empty()) {
            std::string known;
            for (const std::string& k : sweepSettingKeys())
                known += (known.empty() ? "" : ", ") + k;
            throw ParameterError("--grid",
                "'" + a.key + "' is not a run setting (" + known
                    + ", or a config.json key such as optimizer.momentum)");
        }
        for (const SweepAxis& other : grid)
            if (pointerOf(other.key) == pointerOf(a.key))
                throw ParameterError("--grid", "'" + a.key + "' appears twice");
        for (const std::string& v : splitOn(part.substr(eq + 1), ','))
            if (trim(v).empty())
                throw ParameterError("--grid", "'" + a.key + "' has an empty value");
            else
                a.values.push_back(trim(v));
        if (a.values.empty())
            throw ParameterError("--grid", "'" + a.key + "' has no values");
        grid.push_back(std::move(a));
    }
    if (grid.empty())
        throw ParameterError("--grid", "no settings to sweep (e.g. \"lr=1e-3,3e-3;batch=16,32\")");
    return grid;
}

std::vector<SweepPoint> sweepPoints(const std::vector<SweepAxis>& grid, std::size_t random, std::uint64_t seed)
{
    std::size_t total = 1;
    for (const SweepAxis& a : grid)
        total *= a.values.size();
    std::vector<std::size_t> chosen(total);
    for (std::size_t i = 0; i < total; ++i)
        chosen[i] = i;
    if (random > 0 && random < total) {
        std::mt19937_64 rng(seed);
        std::shuffle(chosen.begin(), chosen.end(), rng);
        chosen.resize(random);
        std::sort(chosen.begin(), chosen.end());
    }
    std::vector<SweepPoint> points;
    for (std::size_t flat : chosen) {
        SweepPoint p;
        std::size_t rest = flat;
        for (std::size_t k = grid.size(); k-- > 0;) {
            const SweepAxis& a = grid[k];
            p.settings.emplace(p.settings.begin(), a.key, a.values[rest % a.values.size()]);
            rest /= a.values.size();
        }
        for (const auto& [k, v] : p.settings) {
            std::string part = k + "=" + v;
            std::replace(part.begin(), part.end(), '/', '-');
            p.name += (p.name.empty() ? "" : "_") + part;
        }
        points.push_back(std::move(p));
    }
    return points;
}

RunConfig applySweepPoint(const RunConfig& base, const SweepPoint& point, const std::string& sweepName)
{
    json j = base;
    for (const auto& [key, text] : point.settings) {
        const std::string ptr = pointerOf(key);
        if (ptr.empty())
            throw ParameterError("--grid", "'" + key + "' is not a run setting");
        json& slot = j[json::json_pointer(ptr)];
        if (slot.is_string()) {
            slot = text;
            continue;
        }
        std::istringstream in(text);
        double v = 0;
        if (!(in >> v) || in.peek() != std::char_traits<char>::eof())
            throw ParameterError("--grid", key + "=" + text + ": not a number");
        if (slot.is_number_integer() || slot.is_number_unsigned()) {
            if (v != double(std::int64_t(v)) || v < 0)
                throw ParameterError("--grid", key + "=" + text + ": needs a whole number");
            slot = std::int64_t(v);
        } else {
            slot = v;
        }
    }
    RunConfig c = j.get<RunConfig>();
    c.sweep.name = sweepName;
    c.sweep.settings = point.settings;
    return c;
}

std::string sweepManifestPath(const std::string& dir)
{
    return (fs::path(dir) / "sweep.json").string();
}

void writeSweepManifest(const std::string& dir, const SweepManifest& m)
{
    json points = json::array();
    for (const SweepPoint& p : m.points)
        points.push_back(pointJson(p));
    const json j = {{"format", "reionscope-sweep"}, {"format_version", 1}, {"name", m.name}, {"grid", m.grid},
        {"random", m.random}, {"seed", m.seed}, {"base", json(m.base)}, {"points", points}};
    const std::string text = j.dump(2) + "\n";
    writeFileAtomically(sweepManifestPath(dir), text.data(), text.size());
}

std::optional<SweepManifest> readSweepManifest(const std::string& dir)
{
    const std::string path = sweepManifestPath(dir);
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const json j = json::parse(text.str());
        if (j.value("format", std::string()) != "reionscope-sweep")
            throw FormatError(path, "not a ReionScope sweep (no \"format\": \"reionscope-sweep\")");
        SweepManifest m;
        m.name = j.at("name").get<std::string>();
        m.grid = j.at("grid").get<std::string>();
        m.random = j.value("random", std::size_t(0));
        m.seed = j.value("seed", std::uint64_t(0));
        m.base = j.at("base").get<RunConfig>();
        for (const json& p : j.at("points")) {
            SweepPoint sp;
            sp.name = p.at("name").get<std::string>();
            for (const json& kv : p.at("settings"))
                sp.settings.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
            m.points.push_back(std::move(sp));
        }
        return m;
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("damaged sweep description: ") + e.what());
    } catch (const ParameterError& e) {
        throw FormatError(path, std::string("damaged sweep description: ") + e.what());
    }
}

bool sameSweep(const SweepManifest& a, const SweepManifest& b)
{
    auto chosen = [](RunConfig c) {
        c.created.clear();
        c.threads = 0; // how many threads a point uses does not change what it learns
        c.device.clear();
        return flattenRunConfig(c);
    };
    return a.grid == b.grid && a.random == b.random && a.seed == b.seed && chosen(a.base) == chosen(b.base);
}

} // namespace rs::ml

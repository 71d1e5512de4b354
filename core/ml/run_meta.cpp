#include "ml/run_meta.h"

#include "ml/run_folder.h"
#include "ml/run_status.h"

#include "util/error.h"
#include "util/file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rs::ml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kMetaFormat = "reionscope-run-meta";

std::string trashedInfoPath(const std::string& dir)
{
    return (fs::path(dir) / "trashed.json").string();
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path, "cannot open for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw IoError(path, "cannot read");
    return ss.str();
}

void writeJson(const std::string& path, const json& j)
{
    const std::string text = j.dump(2) + "\n";
    writeFileAtomically(path, text.data(), text.size());
}

std::string trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void tidyTags(std::vector<std::string>& tags)
{
    for (std::string& t : tags)
        t = trim(t);
    tags.erase(std::remove(tags.begin(), tags.end(), std::string()), tags.end());
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
}

/// rename(2) of a folder; the error names both places.
void moveFolder(const fs::path& from, const fs::path& to)
{
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec)
        throw IoError(from.string(), "cannot move to " + to.string() + ": " + ec.message());
}

} // namespace

std::string runMetaPath(const std::string& runDir)
{
    return (fs::path(runDir) / "meta.json").string();
}

RunMeta readRunMeta(const std::string& runDir)
{
    const std::string path = runMetaPath(runDir);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return {};
    const std::string text = readText(path);
    try {
        const json j = json::parse(text);
        if (!j.is_object() || j.value("format", std::string()) != kMetaFormat)
            throw FormatError(path, "not a ReionScope run note (no \"format\": \"reionscope-run-meta\")");
        RunMeta m;
        m.name = j.value("name", std::string());
        m.notes = j.value("notes", std::string());
        m.tags = j.value("tags", std::vector<std::string>());
        tidyTags(m.tags);
        return m;
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("damaged run note: ") + e.what());
    }
}

void writeRunMeta(const std::string& runDir, RunMeta meta)
{
    if (!isRunFolder(runDir))
        throw FormatError(runDir, "not a run folder (no config.json)");
    tidyTags(meta.tags);
    meta.name = trim(meta.name);
    writeJson(runMetaPath(runDir),
        json {{"format", kMetaFormat}, {"name", meta.name}, {"notes", meta.notes}, {"tags", meta.tags}});
}

std::string runDisplayName(const std::string& runDir, const RunMeta& meta)
{
    return meta.name.empty() ? fs::path(runDir).lexically_normal().filename().string() : meta.name;
}

RunMeta editRunTags(
    const std::string& runDir, const std::vector<std::string>& add, const std::vector<std::string>& remove)
{
    RunMeta m = readRunMeta(runDir);
    for (const std::string& raw : add) {
        const std::string t = trim(raw);
        if (t.empty())
            throw ParameterError("tag", "a tag cannot be empty");
        if (t.find(',') != std::string::npos)
            throw ParameterError("tag", "'" + t + "': a tag cannot contain a comma");
        m.tags.push_back(t);
    }
    for (const std::string& raw : remove)
        m.tags.erase(std::remove(m.tags.begin(), m.tags.end(), trim(raw)), m.tags.end());
    writeRunMeta(runDir, m);
    return readRunMeta(runDir);
}

std::string trashFolder(const std::string& runsFolder)
{
    return (fs::path(runsFolder) / ".trash").string();
}

std::string trashRun(const std::string& runDir)
{
    const fs::path dir = fs::absolute(fs::path(runDir)).lexically_normal();
    const fs::path run = dir.has_filename() ? dir : dir.parent_path();
    if (!isRunFolder(run.string()))
        throw FormatError(run.string(), "not a run folder (no config.json): nothing deleted");
    const RunLock lock(run.string()); // RunBusyError while a trainer works on it; held during the move
    const fs::path trash = trashFolder(run.parent_path().string());
    std::error_code ec;
    fs::create_directories(trash, ec);
    if (ec)
        throw IoError(trash.string(), "cannot create the trash folder: " + ec.message());
    fs::path to = trash / run.filename();
    for (int n = 2; fs::exists(to, ec); ++n)
        to = trash / (run.filename().string() + "-" + std::to_string(n));
    writeJson(trashedInfoPath(run.string()), json {{"from", run.string()}, {"deleted", utcTimestamp()}});
    try {
        moveFolder(run, to);
    } catch (const Error&) {
        fs::remove(trashedInfoPath(run.string()), ec);
        throw;
    }
    return to.string();
}

std::string restoreRun(const std::string& trashedDir)
{
    const fs::path dir = fs::absolute(fs::path(trashedDir)).lexically_normal();
    const fs::path run = dir.has_filename() ? dir : dir.parent_path();
    const std::string info = trashedInfoPath(run.string());
    std::error_code ec;
    if (!fs::exists(info, ec) || !isRunFolder(run.string()))
        throw FormatError(run.string(), "not a deleted run (no trashed.json and config.json): nothing restored");
    fs::path from;
    try {
        from = fs::path(json::parse(readText(info)).at("from").get<std::string>());
    } catch (const json::exception& e) {
        throw FormatError(info, std::string("damaged: ") + e.what());
    }
    if (from.empty() || !from.is_absolute())
        throw FormatError(info, "damaged: \"from\" is not an absolute path");
    if (fs::exists(from, ec))
        throw IoError(from.string(), "already exists: rename or move it away before restoring " + run.string());
    fs::create_directories(from.parent_path(), ec);
    moveFolder(run, from);
    fs::remove(trashedInfoPath(from.string()), ec);
    return from.string();
}

std::string utcTimestamp()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace rs::ml

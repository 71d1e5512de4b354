#include "cli_common.h"

#include "catalog/catalog.h"
#include "cube/comoving.h"
#include "io/cube_loader.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

namespace rs::cli {

int& exitCode()
{
    static int code = 0;
    return code;
}

std::string dumpJson(const nlohmann::json& j, int indent)
{
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

int maxThreads()
{
    return std::max(16, 4 * int(std::thread::hardware_concurrency()));
}

void requireRange(const std::string& option, double value, double lo, double hi)
{
    if (!(value >= lo && value <= hi)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%g is outside the allowed range %g to %g", value, lo, hi);
        throw CLI::ValidationError(option, buf);
    }
}

void requireOutputFile(const std::string& option, const std::string& out, const std::vector<std::string>& inputs)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (out.empty())
        throw CLI::ValidationError(option, "the output path is empty");
    if (fs::is_directory(out, ec))
        throw CLI::ValidationError(option, out + " is a folder; give a file name");
    const fs::path parent = fs::absolute(out, ec).parent_path();
    if (!fs::is_directory(parent, ec))
        throw CLI::ValidationError(option, "the folder " + parent.string() + " does not exist");
    for (const std::string& in : inputs)
        if (fs::exists(in, ec) && fs::exists(out, ec) && fs::equivalent(in, out, ec))
            throw CLI::ValidationError(option, out + " is also an input; give another output file");
}

void printError(const std::string& message)
{
    std::cerr << "error: " << message << std::endl;
}

nlohmann::json toJson(const ParamValue& v)
{
    return std::visit(
        [](const auto& x) -> nlohmann::json {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, double>)
                return number(x);
            else
                return x;
        },
        v);
}

nlohmann::json toJson(const Parameters& p)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : p)
        j[k] = toJson(v);
    return j;
}

nlohmann::json number(double v)
{
    if (!std::isfinite(v))
        return nullptr;
    return v;
}

nlohmann::json statsJson(const SummaryStats& s)
{
    return {{"min", number(s.min)}, {"max", number(s.max)}, {"mean", number(s.mean)}, {"std", number(s.std)},
        {"nonfinite", s.nonfinite}};
}

void addLightconeJson(nlohmann::json& j, const LightconeAxis& a)
{
    const double z0 = a.redshifts.front(), z1 = a.redshifts.back();
    j["redshift_range"] = {number(z0), number(z1)};
    j["frequency_range_mhz"] = {number(frequencyMhz(z1)), number(frequencyMhz(z0))};
    j["comoving_distance_range_mpc"] = {number(a.distances.front()), number(a.distances.back())};
    j["line_of_sight_axis"] = 2;
    if (!a.nodeRedshifts.empty())
        j["node_redshifts"] = a.nodeRedshifts;
    nlohmann::json globals = nlohmann::json::object();
    for (const auto& [name, values] : a.globals) {
        nlohmann::json v = nlohmann::json::array();
        for (double x : values)
            v.push_back(number(x));
        globals[name] = v;
    }
    if (!globals.empty())
        j["global_quantities"] = globals;
}

nlohmann::json cubeJson(const Cube& cube, const SummaryStats& stats)
{
    const CubeMetadata& m = cube.metadata();
    nlohmann::json j;
    j["path"] = m.sourcePath;
    j["format"] = m.sourceFormat;
    if (!m.sourceDataset.empty())
        j["dataset"] = m.sourceDataset;
    j["quantity"] = std::string(quantityName(m.quantity));
    j["units"] = std::string(quantityUnits(m.quantity));
    j["shape"] = {cube.shape()[0], cube.shape()[1], cube.shape()[2]};
    j["box_length_mpc"] = number(cube.boxLength()[0]);
    j["box_lengths_mpc"] = {cube.boxLength()[0], cube.boxLength()[1], cube.boxLength()[2]};
    j["redshift"] = m.redshift ? number(*m.redshift) : nlohmann::json(nullptr);
    j["kind"] = fieldKindName(m.kind);
    if (m.kind == FieldKind::Lightcone && m.lightcone && !m.lightcone->redshifts.empty())
        addLightconeJson(j, *m.lightcone);
    j["parameters"] = toJson(m.parameters);
    j["stats"] = statsJson(stats);
    if (m.quantity == Quantity::NeutralFraction)
        j["neutral_fraction"] = number(stats.mean);
    return j;
}

std::string cubeText(const Cube& cube, const SummaryStats& s)
{
    const CubeMetadata& m = cube.metadata();
    std::ostringstream out;
    char buf[256];
    out << m.sourcePath << (m.sourceDataset.empty() ? "" : " [" + m.sourceDataset + "]") << "\n";
    out << "  format      " << m.sourceFormat << "\n";
    out << "  quantity    " << quantityName(m.quantity) << " (" << quantitySymbol(m.quantity)
        << (quantityUnits(m.quantity).empty() ? "" : ", " + std::string(quantityUnits(m.quantity))) << ")\n";
    const Shape& sh = cube.shape();
    const Extent& b = cube.boxLength();
    std::snprintf(buf, sizeof buf, "  shape       %zu x %zu x %zu\n  box         %g x %g x %g Mpc (cell %.4g Mpc)\n",
        sh[0], sh[1], sh[2], b[0], b[1], b[2], cube.cellSize(0));
    out << buf;
    if (m.kind == FieldKind::Lightcone && m.lightcone && !m.lightcone->redshifts.empty()) {
        const auto& z = m.lightcone->redshifts;
        std::snprintf(buf, sizeof buf, "  lightcone   line of sight along axis 2: z %.4f .. %.4f, %.3f .. %.3f MHz\n",
            z.front(), z.back(), frequencyMhz(z.back()), frequencyMhz(z.front()));
        out << buf;
    } else {
        out << "  redshift    " << (m.redshift ? formatValue(*m.redshift) : "unknown") << "\n";
    }
    if (!m.parameters.empty()) {
        out << "  parameters ";
        for (const auto& [k, v] : m.parameters)
            out << " " << k << "=" << formatValue(v);
        out << "\n";
    }
    std::snprintf(buf, sizeof buf, "  stats       min %.6g  max %.6g  mean %.6g  std %.6g  nonfinite %zu\n", s.min,
        s.max, s.mean, s.std, s.nonfinite);
    out << buf;
    if (m.quantity == Quantity::NeutralFraction) {
        std::snprintf(buf, sizeof buf, "  nf          %.6f\n", s.mean);
        out << buf;
    }
    return out.str();
}

std::vector<CubeEntry> collectCubeEntries(const std::vector<std::string>& paths, int& failures)
{
    std::vector<CubeEntry> entries;
    for (const std::string& path : paths) {
        try {
            if (std::filesystem::is_directory(path)) {
                const Catalog cat = scanFolder(path);
                for (const auto& [p, msg] : cat.errors) {
                    printError(msg);
                    ++failures;
                }
                for (const CatalogRun& r : cat.runs)
                    for (const auto& [z, byQ] : r.cubes)
                        for (const auto& [q, e] : byQ)
                            entries.push_back(e);
                if (cat.runs.empty() && cat.errors.empty())
                    throw FormatError(
                        path, "no cube files found (" + std::to_string(cat.filesSeen) + " files looked at)");
                continue;
            }
            const std::size_t before = entries.size();
            std::string others;
            for (CubeEntry& e : probeFile(path)) {
                if (e.primary)
                    entries.push_back(std::move(e));
                else
                    others += (others.empty() ? "" : ", ") + e.dataset;
            }
            if (entries.size() == before) // never silent: say what the file holds instead
                throw FormatError(path, "holds no field to analyse, only " + others);
        } catch (const Error& e) {
            printError(e.what());
            ++failures;
        }
    }
    return entries;
}

std::vector<double> parseNumberList(const std::string& text, const std::string& option)
{
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty())
            continue;
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0' || !std::isfinite(v))
            throw CLI::ValidationError(option, "'" + item + "' is not a number");
        out.push_back(v);
    }
    if (out.empty())
        throw CLI::ValidationError(option, "needs at least one number");
    return out;
}

CLI::App* subcommandOf(CLI::App& app, const std::string& name, const std::string& description)
{
    for (CLI::App* sub : app.get_subcommands({}))
        if (sub->get_name() == name)
            return sub;
    return app.add_subcommand(name, description);
}

std::string fmt(double v, const char* spec)
{
    if (!std::isfinite(v))
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, spec, v);
    return buf;
}

} // namespace rs::cli

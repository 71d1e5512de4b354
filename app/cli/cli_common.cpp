#include "cli_common.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace rs::cli {

int& exitCode()
{
    static int code = 0;
    return code;
}

void printError(const std::string& message)
{
    std::cerr << "error: " << message << std::endl;
}

nlohmann::json toJson(const ParamValue& v)
{
    return std::visit([](const auto& x) -> nlohmann::json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>)
            return number(x);
        else
            return x;
    }, v);
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
    return {{"min", number(s.min)}, {"max", number(s.max)}, {"mean", number(s.mean)},
            {"std", number(s.std)}, {"nonfinite", s.nonfinite}};
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
    std::snprintf(buf, sizeof buf, "  shape       %zu x %zu x %zu\n  box         %g x %g x %g Mpc (cell %.4g Mpc)\n", sh[0],
                  sh[1], sh[2], b[0], b[1], b[2], cube.cellSize(0));
    out << buf;
    out << "  redshift    " << (m.redshift ? formatValue(*m.redshift) : "unknown") << "\n";
    if (!m.parameters.empty()) {
        out << "  parameters ";
        for (const auto& [k, v] : m.parameters)
            out << " " << k << "=" << formatValue(v);
        out << "\n";
    }
    std::snprintf(buf, sizeof buf, "  stats       min %.6g  max %.6g  mean %.6g  std %.6g  nonfinite %zu\n", s.min, s.max,
                  s.mean, s.std, s.nonfinite);
    out << buf;
    if (m.quantity == Quantity::NeutralFraction) {
        std::snprintf(buf, sizeof buf, "  nf          %.6f\n", s.mean);
        out << buf;
    }
    return out.str();
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

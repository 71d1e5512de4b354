#include "io/classic_name.h"

#include "util/error.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace rs {

namespace {

std::vector<std::string> splitTokens(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t end = s.find(sep, start);
        out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

/// The whole of `s` as a number, or nullopt.
std::optional<double> parseNumber(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    std::string tmp(s);
    char* end = nullptr;
    const double v = std::strtod(tmp.c_str(), &end);
    if (end != tmp.c_str() + tmp.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<std::int64_t> parseInteger(std::string_view s)
{
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

/// Known classic tokens: name prefix → parameter key. Values are numbers after the prefix.
/// Order matters where one prefix begins another (effPLindex before eff).
struct TokenRule {
    std::string_view prefix;
    const char* key;
    bool integer;
};
constexpr TokenRule kRules[] = {
    {"effPLindex", "eff_pl_index", false},
    {"eff", param::zeta, false},
    {"HIIfilter", param::filter, true},
    {"Mmin", param::mMin, false},
    {"RHIImax", param::rMax, false},
    {"Fstar", param::fstar, false},
    {"starPL", "star_pl", false},
    {"Fesc", param::fesc, false},
    {"escPL", "esc_pl", false},
    {"Mturn", param::mTurn, false},
    {"useTs", param::useTs, true},
    {"nf", param::nf, false},
    {"zetaX", "zeta_x", false},
    {"alphaX", "alpha_x", false},
    {"TvirminX", "t_vir_min_x", false},
    {"Tvirmin", param::tvirMin, false},
    {"aveTb", "ave_tb", false},
    {"Pop", "pop", true},
    {"zeta", param::zeta, false},
};

void addUnknown(Parameters& p, const std::string& token)
{
    auto it = p.find("extra_tokens");
    if (it == p.end())
        p["extra_tokens"] = token;
    else
        it->second = std::get<std::string>(it->second) + "_" + token;
}

} // namespace

std::optional<ClassicName> parseClassicName(const std::string& fileName)
{
    ClassicName out;
    std::string_view rest = fileName;
    auto take = [&](std::string_view prefix) {
        if (!startsWith(rest, prefix))
            return false;
        rest.remove_prefix(prefix.size());
        return true;
    };
    if (take("sphere_")) {
        out.parameters["bubble_algorithm"] = std::string("sphere");
        out.kind = "sphere";
        out.quantity = Quantity::NeutralFraction; // sphere boxes are neutral-fraction boxes
        take("xH_nohalos_") || take("xH_");
    } else if (take("updated_smoothed_deltax_")) {
        out.kind = "updated_smoothed_deltax";
        out.quantity = Quantity::Density;
    } else if (take("smoothed_deltax_")) {
        out.kind = "smoothed_deltax";
        out.quantity = Quantity::Density;
        out.parameters["linear"] = true;
    } else if (take("xH_nohalos_")) {
        out.kind = "xH_nohalos";
        out.quantity = Quantity::NeutralFraction;
        out.parameters["halos"] = false;
    } else if (take("xH_")) {
        out.kind = "xH";
        out.quantity = Quantity::NeutralFraction;
        out.parameters["halos"] = true;
    } else if (take("delta_T_")) {
        out.kind = "delta_T";
        out.quantity = Quantity::BrightnessTemperature;
    } else {
        return std::nullopt;
    }

    std::vector<std::string> tokens = splitTokens(std::string(rest), '_');
    // N and L: an integer token followed by "<L>Mpc", searched from the end.
    std::size_t nIndex = tokens.size();
    for (std::size_t i = tokens.size(); i-- > 0;) {
        const std::string& t = tokens[i];
        if (t.size() > 3 && t.compare(t.size() - 3, 3, "Mpc") == 0) {
            if (auto l = parseNumber(std::string_view(t).substr(0, t.size() - 3)); l && i > 0) {
                if (auto n = parseInteger(tokens[i - 1]); n && *n > 0) {
                    out.boxMpc = *l;
                    out.n = std::size_t(*n);
                    nIndex = i - 1;
                    break;
                }
            }
        }
    }

    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i == nIndex || i == nIndex + 1)
            continue;
        const std::string& t = tokens[i];
        if (t.empty())
            continue;
        if (t.size() > 1 && t[0] == 'z' && std::isdigit(static_cast<unsigned char>(t[1]))) {
            if (auto z = parseNumber(std::string_view(t).substr(1))) {
                out.redshift = *z;
                continue;
            }
        }
        if (out.kind == "delta_T" && t.size() > 1 && t[0] == 'v' && std::isdigit(static_cast<unsigned char>(t[1]))) {
            if (auto v = parseInteger(std::string_view(t).substr(1))) {
                out.parameters[param::velocityAxis] = *v;
                continue;
            }
        }
        bool matched = false;
        for (const TokenRule& rule : kRules) {
            if (!startsWith(t, rule.prefix))
                continue;
            const std::string_view value = std::string_view(t).substr(rule.prefix.size());
            if (rule.integer) {
                if (auto v = parseInteger(value)) {
                    out.parameters[rule.key] = *v;
                    matched = true;
                }
            } else if (auto v = parseNumber(value)) {
                out.parameters[rule.key] = *v;
                matched = true;
            }
            if (matched)
                break;
        }
        if (!matched)
            addUnknown(out.parameters, t);
    }
    if (out.kind == "smoothed_deltax" && !out.redshift)
        out.redshift = 0.0;
    // Classic v2 names store F_STAR10/F_ESC10 themselves (not log10); ζ follows for a constant model.
    return out;
}

Parameters parseFolderLabels(const std::string& folderName)
{
    Parameters p;
    // Accept separators '_', '-', ',', ' ' between labels, and "key=value", "keyvalue", "key_value".
    std::string s = folderName;
    for (char& c : s)
        if (c == '-' || c == ',' || c == ' ')
            c = '_';
    std::vector<std::string> tokens = splitTokens(s, '_');
    struct Label {
        std::string_view name;
        const char* key;
    };
    constexpr Label labels[]
        = {{"zeta", param::zeta}, {"fesc", param::fesc}, {"seed", param::seed}, {"eff", param::zeta}};
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::string t = tokens[i];
        if (t == "f" && i + 1 < tokens.size() && startsWith(tokens[i + 1], "esc")) // "f_esc0.1"
            t = "f" + tokens[++i];
        std::string lower = t;
        for (char& c : lower)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        for (const Label& l : labels) {
            if (!startsWith(lower, l.name))
                continue;
            std::string_view value = std::string_view(t).substr(l.name.size());
            if (!value.empty() && value[0] == '=')
                value.remove_prefix(1);
            std::optional<double> v = parseNumber(value);
            if (!v && value.empty() && i + 1 < tokens.size()) { // "zeta_20"
                v = parseNumber(tokens[i + 1]);
                if (v)
                    ++i;
            }
            if (!v)
                continue;
            if (std::string_view(l.key) == param::seed)
                p[l.key] = std::int64_t(std::llround(*v));
            else
                p[l.key] = *v;
            break;
        }
    }
    return p;
}

std::string classicFileName(Quantity q, double z, std::size_t n, double boxMpc, const Parameters& p)
{
    if (n == 0 || !(boxMpc > 0))
        throw ParameterError("classic name", "N and L must be positive");
    char buf[512];
    auto need = [&](const char* key) {
        auto v = numberOf(p, key);
        if (!v)
            throw ParameterError(key, "needed for a classic 21cmFAST file name");
        return *v;
    };
    auto numberOr = [&](const char* key, double fallback) { return numberOf(p, key).value_or(fallback); };
    switch (q) {
    case Quantity::Density:
        std::snprintf(buf, sizeof buf, "updated_smoothed_deltax_z%06.2f_%zu_%.0fMpc", z, n, boxMpc);
        break;
    case Quantity::NeutralFraction:
        std::snprintf(buf, sizeof buf,
            "xH_nohalos_z%06.2f_nf%f_eff%.1f_effPLindex0_HIIfilter%d_Mmin%.1e_RHIImax%.0f_%zu_%.0fMpc", z,
            need(param::nf), need(param::zeta), int(numberOr(param::filter, 1)), numberOr(param::mMin, 5e8),
            numberOr(param::rMax, 50), n, boxMpc);
        break;
    case Quantity::BrightnessTemperature:
        if (auto v = numberOf(p, param::velocityAxis))
            std::snprintf(buf, sizeof buf, "delta_T_v%d_z%06.2f_nf%f_useTs%d_%zu_%.0fMpc", int(*v), z, need(param::nf),
                int(numberOr(param::useTs, 0)), n, boxMpc);
        else
            std::snprintf(buf, sizeof buf, "delta_T_z%06.2f_nf%f_useTs%d_%zu_%.0fMpc", z, need(param::nf),
                int(numberOr(param::useTs, 0)), n, boxMpc);
        break;
    default:
        throw ParameterError(
            "quantity", "classic 21cmFAST has no file name for '" + std::string(quantityName(q)) + "' cubes");
    }
    return buf;
}

} // namespace rs

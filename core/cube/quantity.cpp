#include "cube/quantity.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace rs {

std::string_view quantityName(Quantity q)
{
    switch (q) {
    case Quantity::Density:
        return "density";
    case Quantity::NeutralFraction:
        return "neutral_fraction";
    case Quantity::BrightnessTemperature:
        return "brightness_temperature";
    case Quantity::SpinTemperature:
        return "spin_temperature";
    case Quantity::KineticTemperature:
        return "kinetic_temperature";
    case Quantity::ElectronFraction:
        return "electron_fraction";
    case Quantity::Other:
        break;
    }
    return "other";
}

std::optional<Quantity> quantityFromName(std::string_view name)
{
    std::string s(name);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "density" || s == "delta" || s == "deltax" || s == "density_contrast")
        return Quantity::Density;
    if (s == "neutral_fraction" || s == "xh" || s == "x_hi" || s == "xhi" || s == "xh_box" || s == "nf")
        return Quantity::NeutralFraction;
    if (s == "brightness_temperature" || s == "brightness_temp" || s == "dtb" || s == "tb" || s == "delta_t")
        return Quantity::BrightnessTemperature;
    if (s == "spin_temperature" || s == "ts" || s == "t_s" || s == "ts_box")
        return Quantity::SpinTemperature;
    if (s == "kinetic_temperature" || s == "tk" || s == "t_k" || s == "tk_box" || s == "kinetic_temp_neutral")
        return Quantity::KineticTemperature;
    if (s == "electron_fraction" || s == "xe" || s == "x_e" || s == "x_e_box" || s == "xray_ionised_fraction")
        return Quantity::ElectronFraction;
    if (s == "other")
        return Quantity::Other;
    return std::nullopt;
}

std::string_view quantityUnits(Quantity q)
{
    switch (q) {
    case Quantity::BrightnessTemperature:
        return "mK";
    case Quantity::SpinTemperature:
    case Quantity::KineticTemperature:
        return "K";
    default:
        return "";
    }
}

std::string_view quantitySymbol(Quantity q)
{
    switch (q) {
    case Quantity::Density:
        return "δ";
    case Quantity::NeutralFraction:
        return "x_HI";
    case Quantity::BrightnessTemperature:
        return "δT_b";
    case Quantity::SpinTemperature:
        return "T_s";
    case Quantity::KineticTemperature:
        return "T_k";
    case Quantity::ElectronFraction:
        return "x_e";
    case Quantity::Other:
        break;
    }
    return "value";
}

std::optional<double> numberOf(const ParamValue& v)
{
    if (auto b = std::get_if<bool>(&v))
        return *b ? 1.0 : 0.0;
    if (auto i = std::get_if<std::int64_t>(&v))
        return double(*i);
    if (auto d = std::get_if<double>(&v))
        return *d;
    return std::nullopt;
}

std::optional<double> numberOf(const Parameters& p, const std::string& key)
{
    auto it = p.find(key);
    if (it == p.end())
        return std::nullopt;
    return numberOf(it->second);
}

std::string formatValue(const ParamValue& v)
{
    if (auto b = std::get_if<bool>(&v))
        return *b ? "true" : "false";
    if (auto i = std::get_if<std::int64_t>(&v))
        return std::to_string(*i);
    if (auto d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", *d);
        return buf;
    }
    return std::get<std::string>(v);
}

} // namespace rs

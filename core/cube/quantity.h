#pragma once
/// \file quantity.h
/// What a cube's voxels mean, and the typed key→value parameters attached to a cube.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace rs {

/// The physical quantity stored in a cube.
enum class Quantity {
    Density, ///< matter density contrast δ (dimensionless, ≥ -1)
    NeutralFraction, ///< neutral hydrogen fraction x_HI in [0, 1]
    BrightnessTemperature, ///< 21cm differential brightness temperature δT_b [mK]
    Other,
    SpinTemperature, ///< 21cm spin temperature T_s [K] (py21cmfast TsBox)
    KineticTemperature, ///< gas kinetic temperature T_k [K] (of the neutral gas)
    ElectronFraction, ///< electron fraction x_e from X-ray ionisation in neutral gas, [0, 1]
};

/// Stable machine name: "density", "neutral_fraction", "brightness_temperature", "other",
/// "spin_temperature", "kinetic_temperature", "electron_fraction".
std::string_view quantityName(Quantity q);
/// Inverse of quantityName; also accepts short aliases ("delta", "xH", "x_HI", "dTb", "Tb", "Ts",
/// "Tk", "x_e") and py21cmfast's dataset names ("Ts_box", "kinetic_temp_neutral", ...).
std::optional<Quantity> quantityFromName(std::string_view name);
/// Units of the voxel values ("" for dimensionless, "mK", "K").
std::string_view quantityUnits(Quantity q);
/// Symbol for display: "δ", "x_HI", "δT_b", "T_s", "T_k", "x_e".
std::string_view quantitySymbol(Quantity q);

/// One parameter value: flags, integers (seeds, N), reals (ζ, masses), or text (code version).
using ParamValue = std::variant<bool, std::int64_t, double, std::string>;

/// Simulation parameters by name. Names are lowercase snake_case; the well-known ones are listed
/// in `param` below so every reader and writer spells them alike.
using Parameters = std::map<std::string, ParamValue>;

namespace param {
inline constexpr const char* zeta = "zeta"; ///< ionizing efficiency ζ
inline constexpr const char* fesc = "f_esc"; ///< escape fraction (f_esc, or F_ESC10 for v2+)
inline constexpr const char* fstar = "f_star"; ///< star formation efficiency (f_*, or F_STAR10)
inline constexpr const char* mMin = "m_min"; ///< minimum halo mass [Msun]
inline constexpr const char* mTurn = "m_turn"; ///< turnover halo mass [Msun]
inline constexpr const char* tvirMin = "t_vir_min"; ///< minimum virial temperature [K]
inline constexpr const char* rMax = "r_max"; ///< maximum bubble radius / mfp [Mpc]
inline constexpr const char* filter = "hii_filter"; ///< 0 top-hat, 1 sharp-k, 2 Gaussian
inline constexpr const char* seed = "random_seed";
inline constexpr const char* codeVersion = "code_version";
inline constexpr const char* nf = "nf"; ///< box-mean neutral fraction
inline constexpr const char* useTs = "use_ts";
inline constexpr const char* velocityAxis = "velocity_axis";
inline constexpr const char* dim = "hii_dim";
inline constexpr const char* boxLen = "box_len";
} // namespace param

/// The value as a double when it is numeric (bool, int, double), else nullopt.
std::optional<double> numberOf(const ParamValue& v);
/// Shortcut: the numeric value of `key` in `p`, or nullopt.
std::optional<double> numberOf(const Parameters& p, const std::string& key);
/// Human text for a value: integers plainly, reals with up to 6 significant digits.
std::string formatValue(const ParamValue& v);

} // namespace rs

#pragma once
/// \file telescope.h
/// The radio arrays `observe` models, as simple, documented approximations (see README,
/// "Telescope model"): station/dish layout within the longest baseline used, effective collecting
/// area, receiver temperature, and how the sky moves through the array's uv plane.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rs {

enum class Telescope { SkaLow, Hera };

/// "ska-low" or "hera" (case-sensitive); nullopt otherwise.
std::optional<Telescope> telescopeFromName(std::string_view name);
std::string_view telescopeName(Telescope t);

struct TelescopeModel {
    std::string name;
    std::vector<std::array<double, 2>> positions; ///< east, north [m]
    double effectiveArea = 0; ///< per station / dish [m²]
    double maxBaseline = 0; ///< longest baseline kept [m]; sets the beam (λ / B)
    double receiverTemperature = 0; ///< T_rcv [K]; T_sys = T_rcv + 60 K (ν / 300 MHz)^−2.55
    double trackHours = 0; ///< hours of one day's synthesis (uv tracks); 0: drift scan snapshot
    double trackStepHours = 0; ///< sampling of the tracks [h]
};

/// The model of `t`. The layouts are deterministic (a fixed internal seed).
TelescopeModel telescopeModel(Telescope t);

/// T_sys(ν) of `m` at frequency ν [MHz], in K.
double systemTemperature(const TelescopeModel& m, double frequencyMHz);

} // namespace rs

#include "observe/telescope.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace rs {

std::optional<Telescope> telescopeFromName(std::string_view name)
{
    if (name == "ska-low")
        return Telescope::SkaLow;
    if (name == "hera")
        return Telescope::Hera;
    return std::nullopt;
}

std::string_view telescopeName(Telescope t)
{
    return t == Telescope::SkaLow ? "ska-low" : "hera";
}

namespace {

/// SKA-Low: 512 stations of 38 m. Half of them in the compact core (uniform over r < 500 m),
/// the other half with log-uniform radii between 0.5 and 2 km at random angles; stations
/// further out (to 65 km) only make baselines longer than the 2 km kept for EoR imaging.
std::vector<std::array<double, 2>> skaLowLayout()
{
    std::mt19937_64 rng(20240501);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<std::array<double, 2>> p;
    for (int i = 0; i < 512; ++i) {
        const double r = i < 256 ? 500.0 * std::sqrt(u(rng)) : 500.0 * std::pow(4.0, u(rng));
        const double phi = 2 * std::numbers::pi * u(rng);
        p.push_back({r * std::cos(phi), r * std::sin(phi)});
    }
    return p;
}

/// HERA: the 320 dishes (14 m) of its core on a hexagonal close-packed grid of 14.6 m spacing
/// (the innermost 320 points of the grid; the split-core offsets and 30 outriggers are left out).
std::vector<std::array<double, 2>> heraLayout()
{
    const double s = 14.6;
    std::vector<std::array<double, 2>> p;
    for (int a = -12; a <= 12; ++a)
        for (int b = -12; b <= 12; ++b)
            p.push_back({s * (a + 0.5 * b), s * (std::sqrt(3.0) / 2.0) * b});
    std::stable_sort(p.begin(), p.end(),
        [](const auto& x, const auto& y) { return std::hypot(x[0], x[1]) < std::hypot(y[0], y[1]); });
    p.resize(320);
    return p;
}

} // namespace

TelescopeModel telescopeModel(Telescope t)
{
    TelescopeModel m;
    m.name = std::string(telescopeName(t));
    if (t == Telescope::SkaLow) {
        m.positions = skaLowLayout();
        m.effectiveArea = 962.0; // SKA1-Low station at 110 MHz (SKA baseline design)
        m.maxBaseline = 2000.0;
        m.receiverTemperature = 40.0;
        m.trackHours = 6.0; // ±3 h around transit each night
        m.trackStepHours = 1.0 / 6.0;
    } else {
        m.positions = heraLayout();
        m.effectiveArea = 93.5; // 14 m dish (DeBoer et al. 2017)
        m.maxBaseline = 0; // set from the layout below
        m.receiverTemperature = 100.0;
        m.trackHours = 0; // drift scan: the field crosses a fixed snapshot uv coverage
        m.trackStepHours = 0;
        for (const auto& a : m.positions)
            for (const auto& b : m.positions)
                m.maxBaseline = std::max(m.maxBaseline, std::hypot(a[0] - b[0], a[1] - b[1]));
    }
    return m;
}

double systemTemperature(const TelescopeModel& m, double frequencyMHz)
{
    return m.receiverTemperature + 60.0 * std::pow(frequencyMHz / 300.0, -2.55);
}

} // namespace rs

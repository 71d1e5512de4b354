#pragma once
/// \file colormap.h
/// Colour maps for cube slices, colour bars, figures and volume transfer functions: a perceptually
/// uniform map for density, a diverging map centred on 0 for δT_b where it goes negative, a
/// two-tone map for x_HI. Viridis and inferno are matplotlib's exact 256-entry tables, cool–warm
/// is Moreland's diverging map as VTK 9.1 samples it, the two-tone and grey maps interpolate their
/// end colours in RGB. Every view, export and `reionscope-cli figure` shares them (Qt Gui only).

#include "cube/cube_stats.h"
#include "cube/quantity.h"

#include <QColor>
#include <QImage>
#include <QString>

#include <array>
#include <optional>
#include <vector>

namespace rs::figure {

enum class ColormapId {
    Viridis, ///< perceptually uniform, dark violet → yellow (density)
    Inferno, ///< perceptually uniform, black → pale yellow (δT_b ≥ 0)
    CoolWarm, ///< diverging blue → light grey → red, centred on 0 (δT_b of either sign)
    Ionization, ///< two-tone: ionized (0) deep blue, neutral (1) sand (x_HI)
    Greys, ///< black → white
    /// py21cmfast's "EoR" map for δT_b (plotting.py: white, yellow, orange, red, black at 0.86, blue,
    /// cyan), always over py21cmfast's fixed −150…30 mK so that black marks δT_b ≈ 0.
    EoR,
};

/// The δT_b range [mK] py21cmfast draws its EoR map over.
inline constexpr double kEoRLowMk = -150.0, kEoRHighMk = 30.0;

/// Every map, in menu order.
std::vector<ColormapId> allColormaps();
/// Name for menus: "Viridis", "Cool–warm (diverging)", ...
QString colormapName(ColormapId id);
/// Stable key for settings and the CLI ("viridis", "coolwarm", ...), and back (Viridis when unknown).
QString colormapKey(ColormapId id);
ColormapId colormapFromKey(const QString& key);
/// The map of a key, or nullopt when no map has that key (for options that must refuse it).
std::optional<ColormapId> findColormap(const QString& key);
bool isDiverging(ColormapId id);

/// The map suited to a quantity: density → Viridis, x_HI → Ionization, δT_b → CoolWarm when
/// `hasNegative` else Inferno, anything else → Viridis.
ColormapId defaultColormap(Quantity q, bool hasNegative);

using Rgb8 = std::array<unsigned char, 3>;
/// 256 colours at equal steps from the low end (0) to the high end (255).
const std::array<Rgb8, 256>& colormapTable(ColormapId id);
/// Colour at t in [0, 1] (clamped; NaN gives the low end).
QColor colormapColor(ColormapId id, double t);
/// A horizontal strip `width` × `height` running low → high (for colour bars and combo icons).
QImage colormapStrip(ColormapId id, int width, int height);

/// The value interval a colour map spans.
struct DisplayRange {
    double lo = 0, hi = 1;
    /// Every value is the same (`value`); lo/hi are padded around it. Shown as "constant".
    bool constant = false;
    double value = 0;
    bool operator==(const DisplayRange&) const = default;
};

/// The range for values summarised by `stats`: [min, max], widened to symmetric [-m, m] for a
/// diverging map, py21cmfast's fixed [−150, 30] mK for the EoR map, and never empty (a constant field gets ±0.5 around
/// its value, or ±1 when 0, and is marked constant).
DisplayRange displayRange(const SummaryStats& stats, ColormapId id);

} // namespace rs::figure

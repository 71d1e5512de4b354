#include "figure/colormap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

namespace rs::figure {

namespace {

#include "figure/colormap_tables.inc"
#include "figure/coolwarm_table.inc"

std::array<Rgb8, 256> fromHex(const unsigned* hex)
{
    std::array<Rgb8, 256> table {};
    for (std::size_t i = 0; i < 256; ++i)
        table[i] = {static_cast<unsigned char>(hex[i] >> 16), static_cast<unsigned char>(hex[i] >> 8),
            static_cast<unsigned char>(hex[i])};
    return table;
}

struct Anchor {
    double t;
    unsigned rgb; // 0xRRGGBB
};

/// Piecewise-linear RGB interpolation between anchor colours (t ascending from 0 to 1), rounded
/// to 8 bits (what matplotlib's LinearSegmentedColormap and VTK's RGB transfer functions do).
std::array<Rgb8, 256> piecewise(const std::vector<Anchor>& anchors)
{
    std::array<Rgb8, 256> table {};
    for (int i = 0; i < 256; ++i) {
        const double t = i / 255.0;
        std::size_t k = 1;
        while (k + 1 < anchors.size() && anchors[k].t < t)
            ++k;
        const Anchor& a = anchors[k - 1];
        const Anchor& b = anchors[k];
        const double w = b.t > a.t ? std::clamp((t - a.t) / (b.t - a.t), 0.0, 1.0) : 1.0;
        for (int c = 0; c < 3; ++c) {
            const int shift = 16 - 8 * c;
            const double x = (a.rgb >> shift) & 0xff, y = (b.rgb >> shift) & 0xff;
            table[std::size_t(i)][std::size_t(c)] = static_cast<unsigned char>(std::lround(x + (y - x) * w));
        }
    }
    return table;
}

std::array<Rgb8, 256> twoTone(unsigned lo, unsigned hi)
{
    return piecewise({{0.0, lo}, {1.0, hi}});
}

std::array<Rgb8, 256> buildTable(ColormapId id)
{
    switch (id) {
    case ColormapId::Viridis:
        return fromHex(kViridisTable);
    case ColormapId::Inferno:
        return fromHex(kInfernoTable);
    case ColormapId::CoolWarm:
        return fromHex(kCoolWarmTable);
    case ColormapId::Ionization:
        return twoTone(0x0d2149, 0xf0d59a);
    case ColormapId::Greys:
        return twoTone(0x000000, 0xffffff);
    case ColormapId::EoR:
        // py21cmfast's EoR map: matplotlib's named colours white, yellow, orange (#ffa500), red,
        // black, blue and cyan at these positions.
        return piecewise({{0.0, 0xffffff}, {0.21, 0xffff00}, {0.42, 0xffa500}, {0.63, 0xff0000}, {0.86, 0x000000},
            {0.9, 0x0000ff}, {1.0, 0x00ffff}});
    }
    return twoTone(0x000000, 0xffffff);
}

} // namespace

std::vector<ColormapId> allColormaps()
{
    return {ColormapId::Viridis, ColormapId::Inferno, ColormapId::CoolWarm, ColormapId::Ionization, ColormapId::Greys,
        ColormapId::EoR};
}

QString colormapName(ColormapId id)
{
    switch (id) {
    case ColormapId::Viridis:
        return QStringLiteral("Viridis");
    case ColormapId::Inferno:
        return QStringLiteral("Inferno");
    case ColormapId::CoolWarm:
        return QStringLiteral("Cool–warm (diverging)");
    case ColormapId::Ionization:
        return QStringLiteral("Ionized / neutral (two-tone)");
    case ColormapId::Greys:
        return QStringLiteral("Greys");
    case ColormapId::EoR:
        return QStringLiteral("EoR (py21cmfast, −150…30 mK)");
    }
    return {};
}

QString colormapKey(ColormapId id)
{
    switch (id) {
    case ColormapId::Viridis:
        return QStringLiteral("viridis");
    case ColormapId::Inferno:
        return QStringLiteral("inferno");
    case ColormapId::CoolWarm:
        return QStringLiteral("coolwarm");
    case ColormapId::Ionization:
        return QStringLiteral("ionization");
    case ColormapId::Greys:
        return QStringLiteral("greys");
    case ColormapId::EoR:
        return QStringLiteral("eor");
    }
    return {};
}

std::optional<ColormapId> findColormap(const QString& key)
{
    for (ColormapId id : allColormaps())
        if (colormapKey(id) == key)
            return id;
    return std::nullopt;
}

ColormapId colormapFromKey(const QString& key)
{
    return findColormap(key).value_or(ColormapId::Viridis);
}

bool isDiverging(ColormapId id)
{
    return id == ColormapId::CoolWarm;
}

ColormapId defaultColormap(Quantity q, bool hasNegative)
{
    switch (q) {
    case Quantity::Density:
        return ColormapId::Viridis;
    case Quantity::NeutralFraction:
        return ColormapId::Ionization;
    case Quantity::BrightnessTemperature:
        return hasNegative ? ColormapId::CoolWarm : ColormapId::Inferno;
    case Quantity::SpinTemperature:
    case Quantity::KineticTemperature:
        return ColormapId::Inferno;
    case Quantity::ElectronFraction:
    case Quantity::Other:
        return ColormapId::Viridis;
    }
    return ColormapId::Viridis;
}

const std::array<Rgb8, 256>& colormapTable(ColormapId id)
{
    // Built on first use from any thread (views, exporters).
    static std::mutex mutex;
    static std::map<ColormapId, std::array<Rgb8, 256>> tables;
    std::lock_guard lock(mutex);
    auto it = tables.find(id);
    if (it == tables.end())
        it = tables.emplace(id, buildTable(id)).first;
    return it->second;
}

QColor colormapColor(ColormapId id, double t)
{
    const auto& table = colormapTable(id);
    const double c = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
    const Rgb8& rgb = table[std::size_t(std::lround(c * 255.0))];
    return QColor(rgb[0], rgb[1], rgb[2]);
}

QImage colormapStrip(ColormapId id, int width, int height)
{
    QImage img(std::max(width, 1), std::max(height, 1), QImage::Format_RGB32);
    for (int x = 0; x < img.width(); ++x) {
        const QRgb c = colormapColor(id, img.width() > 1 ? double(x) / (img.width() - 1) : 0.0).rgb();
        for (int y = 0; y < img.height(); ++y)
            img.setPixel(x, y, c);
    }
    return img;
}

DisplayRange displayRange(const SummaryStats& stats, ColormapId id)
{
    double lo = stats.min, hi = stats.max;
    if (!std::isfinite(lo) || !std::isfinite(hi) || stats.count == 0)
        return {0.0, 1.0};
    if (id == ColormapId::EoR && hi > lo)
        return {kEoRLowMk, kEoRHighMk};
    if (isDiverging(id)) {
        const double m = std::max(std::abs(lo), std::abs(hi));
        lo = -m;
        hi = m;
    }
    if (!(hi > lo)) {
        const double value = stats.min;
        const double pad = lo == 0 ? 1.0 : 0.5 * std::abs(lo);
        return {lo - pad, hi + pad, true, value};
    }
    return {lo, hi};
}

} // namespace rs::figure

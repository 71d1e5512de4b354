#include "vtk/colormap.h"

#include <vtkColorTransferFunction.h>
#include <vtkLookupTable.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

namespace rs::ui {

namespace {

struct Anchor {
    double t;
    unsigned rgb; // 0xRRGGBB
};

#include "vtk/colormap_tables.inc"

// Anchor colours of the maps without an exact table; VTK interpolates between them in Moreland's
// diverging space (cool-warm) or RGB.
const std::vector<Anchor>& anchors(ColormapId id)
{
    static const std::vector<Anchor> coolWarm = {{0.0, 0x3b4cc0}, {1.0, 0xb40426}};
    static const std::vector<Anchor> ionization = {{0.0, 0x0d2149}, {1.0, 0xf0d59a}};
    static const std::vector<Anchor> greys = {{0.0, 0x000000}, {1.0, 0xffffff}};
    // py21cmfast's EoR map: matplotlib's named colours white, yellow, orange (#ffa500), red, black,
    // blue and cyan at these positions, interpolated linearly in RGB (LinearSegmentedColormap).
    static const std::vector<Anchor> eor = {{0.0, 0xffffff}, {0.21, 0xffff00}, {0.42, 0xffa500}, {0.63, 0xff0000},
        {0.86, 0x000000}, {0.9, 0x0000ff}, {1.0, 0x00ffff}};
    switch (id) {
    case ColormapId::CoolWarm:
        return coolWarm;
    case ColormapId::Ionization:
        return ionization;
    case ColormapId::Greys:
        return greys;
    case ColormapId::EoR:
        return eor;
    default:
        return greys; // viridis and inferno come from exact tables
    }
}

vtkSmartPointer<vtkColorTransferFunction> anchorFunction(ColormapId id)
{
    auto f = vtkSmartPointer<vtkColorTransferFunction>::New();
    if (id == ColormapId::CoolWarm)
        f->SetColorSpaceToDiverging();
    else
        f->SetColorSpaceToRGB();
    for (const Anchor& a : anchors(id))
        f->AddRGBPoint(a.t, ((a.rgb >> 16) & 0xff) / 255.0, ((a.rgb >> 8) & 0xff) / 255.0, (a.rgb & 0xff) / 255.0);
    return f;
}

std::array<Rgb8, 256> buildTable(ColormapId id)
{
    std::array<Rgb8, 256> table {};
    // Viridis and inferno are matplotlib's exact tables; the others interpolate their anchors.
    const unsigned* exact = id == ColormapId::Viridis ? kViridisTable
        : id == ColormapId::Inferno                   ? kInfernoTable
                                                      : nullptr;
    if (exact) {
        for (std::size_t i = 0; i < 256; ++i)
            table[i] = {static_cast<unsigned char>(exact[i] >> 16), static_cast<unsigned char>(exact[i] >> 8),
                static_cast<unsigned char>(exact[i])};
        return table;
    }
    auto f = anchorFunction(id);
    for (int i = 0; i < 256; ++i) {
        double rgb[3];
        f->GetColor(i / 255.0, rgb);
        for (int c = 0; c < 3; ++c)
            table[std::size_t(i)][std::size_t(c)]
                = static_cast<unsigned char>(std::lround(std::clamp(rgb[c], 0.0, 1.0) * 255.0));
    }
    return table;
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

ColormapId colormapFromKey(const QString& key)
{
    for (ColormapId id : allColormaps())
        if (colormapKey(id) == key)
            return id;
    return ColormapId::Viridis;
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
    // Built on first use from any thread (views, exporters); VTK objects are created per call.
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

vtkSmartPointer<vtkLookupTable> makeLookupTable(ColormapId id, double lo, double hi)
{
    auto lut = vtkSmartPointer<vtkLookupTable>::New();
    lut->SetNumberOfTableValues(256);
    lut->SetTableRange(lo, hi > lo ? hi : lo + 1.0);
    const auto& table = colormapTable(id);
    for (int i = 0; i < 256; ++i) {
        const Rgb8& c = table[std::size_t(i)];
        lut->SetTableValue(i, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, 1.0);
    }
    lut->SetNanColor(1.0, 0.0, 1.0, 1.0);
    lut->SetUseBelowRangeColor(false);
    lut->SetUseAboveRangeColor(false);
    lut->BuildSpecialColors();
    return lut;
}

vtkSmartPointer<vtkColorTransferFunction> makeColorFunction(ColormapId id, double lo, double hi, int points)
{
    auto f = vtkSmartPointer<vtkColorTransferFunction>::New();
    const double span = hi > lo ? hi - lo : 1.0;
    points = std::max(points, 2);
    for (int i = 0; i < points; ++i) {
        const double t = double(i) / (points - 1);
        const QColor c = colormapColor(id, t);
        f->AddRGBPoint(lo + t * span, c.redF(), c.greenF(), c.blueF());
    }
    f->ClampingOn();
    return f;
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

} // namespace rs::ui

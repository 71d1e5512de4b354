// The voxel PDF and the bubble size distributions as publication figures.
#include "figure/stats_figures.h"

#include "figure/palette.h"
#include "util/error.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rs::figure {

PlotFigure pdfFigure(const std::vector<NamedPdf>& pdfs, const QString& xLabel, const QString& title)
{
    const bool one = pdfs.size() == 1;
    PlotPanel panel;
    std::vector<double> xs, ys {0.0};
    for (std::size_t c = 0; c < pdfs.size(); ++c) {
        const Histogram& h = pdfs[c].pdf.histogram;
        Series ser {pdfs[c].name, one ? QColor(0x2c, 0x71, 0x8e) : seriesColor(c), {}, {}, {}, false};
        for (std::size_t i = 0; i < h.counts.size() && i + 1 < h.edges.size(); ++i) {
            const double y = one ? double(h.counts[i]) : pdfs[c].pdf.density(i);
            ser.x.insert(ser.x.end(), {h.edges[i], h.edges[i + 1]});
            ser.y.insert(ser.y.end(), {y, y});
        }
        xs.insert(xs.end(), ser.x.begin(), ser.x.end());
        ys.insert(ys.end(), ser.y.begin(), ser.y.end());
        panel.series.push_back(std::move(ser));
    }
    if (xs.empty())
        throw ParameterError("pdf", "no histogram bin to draw");
    const auto [xLo, xHi] = dataRange(xs, false, 0.0);
    const double peak = *std::max_element(ys.begin(), ys.end());
    panel.x = axisOver(xLo, xHi, xLabel);
    panel.y = axisOver(
        0.0, peak > 0 ? peak * 1.05 : 1.0, one ? QStringLiteral("voxels") : QStringLiteral("probability density"));
    panel.legend = !one;
    PlotFigure f;
    f.title = title;
    f.panels.push_back(std::move(panel));
    return f;
}

BubbleFigures bubbleFigures(const std::vector<NamedBubbles>& bubbles)
{
    BubbleFigures f;
    PlotPanel rays, regions;
    std::vector<double> rx, ry {0.0}, vx, vy;
    const bool one = bubbles.size() == 1;
    for (std::size_t c = 0; c < bubbles.size(); ++c) {
        const NamedBubbles& b = bubbles[c];
        const QColor colour = seriesColor(c);
        if (!b.mfp.r.empty()) {
            rays.series.push_back({QStringLiteral("%1: ⟨R⟩ %2 Mpc").arg(b.name).arg(b.mfp.mean, 0, 'f', 2), colour,
                b.mfp.r, b.mfp.rdPdR, {}, true});
            rx.insert(rx.end(), b.mfp.r.begin(), b.mfp.r.end());
            ry.insert(ry.end(), b.mfp.rdPdR.begin(), b.mfp.rdPdR.end());
        }
        if (!b.regions.v.empty()) {
            regions.series.push_back({QStringLiteral("%1: %2 regions").arg(b.name).arg(b.regions.volumes.size()),
                colour, b.regions.v, b.regions.vdPdV, {}, true});
            vx.insert(vx.end(), b.regions.v.begin(), b.regions.v.end());
            vy.insert(vy.end(), b.regions.vdPdV.begin(), b.regions.vdPdV.end());
        }
    }
    if (rays.series.empty() && regions.series.empty())
        throw ParameterError("bubble sizes", "no ionized region (x_HI < 0.5) to draw");
    const auto [rLo, rHi] = dataRange(rx, true, 0.03);
    const auto [pLo, pHi] = dataRange(ry, false, 0.05);
    rays.x = axisOver(rLo, rHi, QStringLiteral("R [Mpc]"), true);
    rays.y = axisOver(std::min(0.0, pLo), pHi, QStringLiteral("R dP/dR"));
    rays.legend = !one;
    const auto [vLo, vHi] = dataRange(vx, true, 0.03);
    const auto [wLo, wHi] = dataRange(vy, true, 0.08);
    regions.x = axisOver(vLo, vHi, QStringLiteral("V [Mpc³]"), true);
    regions.y = axisOver(wLo, wHi, QStringLiteral("V dP/dV"), true);
    regions.legend = !one;
    const NamedBubbles& first = bubbles.front();
    f.mfp.title = one
        ? QStringLiteral("Mean free path: ⟨R⟩ = %1 Mpc (%2 rays)").arg(first.mfp.mean, 0, 'f', 2).arg(first.mfp.rays)
        : QStringLiteral("Mean free path");
    f.fof.title = one ? QStringLiteral("Friends of friends: %1 regions, largest %2 Mpc³")
                            .arg(first.regions.volumes.size())
                            .arg(first.regions.largest, 0, 'g', 3)
                      : QStringLiteral("Friends of friends");
    f.mfp.panels.push_back(std::move(rays));
    f.fof.panels.push_back(std::move(regions));
    return f;
}

void paintBubbles(QPainter& p, const QRectF& rect, const BubbleFigures& f)
{
    const double half = rect.width() / 2;
    paintPlot(p, QRectF(rect.left(), rect.top(), half, rect.height()), f.mfp);
    paintPlot(p, QRectF(rect.left() + half, rect.top(), half, rect.height()), f.fof);
}

} // namespace rs::figure

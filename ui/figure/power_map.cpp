#include "figure/power_map.h"

#include "figure/axes.h"
#include "figure/colormap.h"

#include <QPaintDevice>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rs::figure {

namespace {

/// Cell edges of log-spaced bin centres: geometric midpoints, the ends mirrored.
std::vector<double> logEdges(const std::vector<double>& c)
{
    std::vector<double> e(c.size() + 1);
    if (c.empty())
        return e;
    if (c.size() == 1) {
        e[0] = c[0] / 1.22;
        e[1] = c[0] * 1.22;
        return e;
    }
    for (std::size_t i = 1; i < c.size(); ++i)
        e[i] = std::sqrt(c[i - 1] * c[i]);
    e.front() = c.front() * c.front() / e[1];
    e.back() = c.back() * c.back() / e[c.size() - 1];
    return e;
}

/// log10 of the smallest and largest finite positive cell, or {NaN, NaN} when none.
std::pair<double, double> logExtent(const CylindricalPower& power)
{
    double lo = INFINITY, hi = -INFINITY;
    for (double v : power.power)
        if (std::isfinite(v) && v > 0) {
            lo = std::min(lo, std::log10(v));
            hi = std::max(hi, std::log10(v));
        }
    if (!(hi >= lo))
        return {std::nan(""), std::nan("")};
    return {lo, hi};
}

} // namespace

std::pair<double, double> powerMapRange(const CylindricalPower& power)
{
    const auto [lo, hi] = logExtent(power);
    if (std::isfinite(lo) && hi - lo < 1e-6)
        return {lo - 0.5, hi + 0.5};
    return {lo, hi};
}

std::pair<double, double> powerMapRange(const PowerMapData& d)
{
    if (!d.ratio)
        return powerMapRange(d.power);
    const auto [lo, hi] = logExtent(d.power);
    if (!std::isfinite(lo))
        return {lo, hi};
    const double m = std::max({std::abs(lo), std::abs(hi), 0.01});
    return {-m, m};
}

void paintPowerMap(QPainter& p, const QRectF& rect, const PowerMapData& d, double s)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    QFont font = p.font();
    font.setPointSizeF(9.0 * s);
    p.setFont(font);
    const QFontMetricsF fm(font, p.device());
    const double lh = fm.height();
    const QColor ink = Qt::black;
    p.setPen(ink);
    QFont titleFont = font;
    titleFont.setPointSizeF(10.5 * s);
    titleFont.setBold(true);
    p.setFont(titleFont);
    const QRectF titleRect(rect.left(), rect.top(), rect.width(), 1.6 * lh);
    p.drawText(titleRect, Qt::AlignCenter,
        QFontMetricsF(titleFont, p.device()).elidedText(d.title, Qt::ElideMiddle, titleRect.width()));
    p.setFont(font);

    const auto [cLo, cHi] = powerMapRange(d);
    const std::vector<double> kx = [&] {
        std::vector<double> v;
        for (double k : d.power.kPerp)
            v.push_back(d.units.k(k));
        return v;
    }();
    const std::vector<double> ky = [&] {
        std::vector<double> v;
        for (double k : d.power.kPar)
            v.push_back(d.units.k(k));
        return v;
    }();
    if (!std::isfinite(cLo) || kx.empty() || ky.empty()) {
        p.drawText(rect, Qt::AlignCenter, QStringLiteral("No positive P(k⊥, k∥) to draw"));
        p.restore();
        return;
    }
    // Plot area: room for tick labels and axis titles left and below, the colour bar right.
    const double left = rect.left() + fm.horizontalAdvance(QStringLiteral("0.000")) + 2.2 * lh;
    const double barW = 1.2 * lh, barGap = 1.0 * lh;
    const double barLabels = fm.horizontalAdvance(QStringLiteral("−00.0")) + 2.2 * lh;
    const double right = rect.right() - barW - barGap - barLabels;
    const double top = titleRect.bottom() + 0.4 * lh;
    const double bottom = rect.bottom() - 2.6 * lh;
    if (right - left < 20 || bottom - top < 20) {
        p.restore();
        return;
    }
    const QRectF plot(QPointF(left, top), QPointF(right, bottom));
    const std::vector<double> ex = logEdges(kx), ey = logEdges(ky);
    const double xLo = std::log10(ex.front()), xHi = std::log10(ex.back());
    const double yLo = std::log10(ey.front()), yHi = std::log10(ey.back());
    auto X = [&](double k) { return plot.left() + (std::log10(k) - xLo) / (xHi - xLo) * plot.width(); };
    auto Y = [&](double k) { return plot.bottom() - (std::log10(k) - yLo) / (yHi - yLo) * plot.height(); };

    const ColormapId map = d.ratio ? ColormapId::CoolWarm : ColormapId::Viridis;
    for (std::size_t i = 0; i < kx.size(); ++i)
        for (std::size_t j = 0; j < ky.size(); ++j) {
            const double v = d.power.at(i, j);
            if (!(std::isfinite(v) && v > 0))
                continue;
            const QRectF cell(QPointF(X(ex[i]), Y(ey[j + 1])), QPointF(X(ex[i + 1]), Y(ey[j])));
            p.fillRect(cell.adjusted(0, 0, 0.5, 0.5), colormapColor(map, (std::log10(v) - cLo) / (cHi - cLo)));
        }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(ink, 0.8 * s * p.device()->logicalDpiY() / 72.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot);
    const double tick = 0.35 * lh;
    for (double v : logTicks(ex.front(), ex.back())) {
        const double x = X(v);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + tick));
        p.drawText(QRectF(x - 3 * lh, plot.bottom() + tick, 6 * lh, lh), Qt::AlignHCenter | Qt::AlignTop, tickLabel(v));
    }
    for (double v : logTicks(ey.front(), ey.back())) {
        const double y = Y(v);
        p.drawLine(QPointF(plot.left() - tick, y), QPointF(plot.left(), y));
        p.drawText(QRectF(rect.left(), y - lh / 2, plot.left() - tick - rect.left() - 0.2 * lh, lh),
            Qt::AlignRight | Qt::AlignVCenter, tickLabel(v));
    }
    const QString kUnit = d.units.perH ? QStringLiteral("h Mpc⁻¹") : QStringLiteral("Mpc⁻¹");
    p.drawText(QRectF(plot.left(), plot.bottom() + tick + lh, plot.width(), 1.4 * lh), Qt::AlignCenter,
        QStringLiteral("k⊥ [%1]").arg(kUnit));
    p.save();
    p.translate(rect.left() + 0.7 * lh, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -0.7 * lh, plot.height(), 1.4 * lh), Qt::AlignCenter,
        QStringLiteral("k∥ [%1]").arg(kUnit));
    p.restore();

    // Colour bar: log10 P with integer and half ticks.
    const QRectF bar(plot.right() + barGap, plot.top(), barW, plot.height());
    const int steps = std::max(2, int(bar.height()));
    for (int i = 0; i < steps; ++i) {
        const double t = (i + 0.5) / steps;
        p.fillRect(
            QRectF(bar.left(), bar.bottom() - (i + 1) * bar.height() / steps, bar.width(), bar.height() / steps + 0.5),
            colormapColor(map, t));
    }
    p.drawRect(bar);
    const double span = cHi - cLo, step = span > 4 ? 1.0 : span > 1.5 ? 0.5 : span > 0.6 ? 0.2 : 0.1;
    for (double n = std::ceil(cLo / step - 1e-9); n * step <= cHi + 1e-9; n += 1) {
        const double v = n * step; // whole multiples: 0 stays 0 (no −5.55e-17 from summing steps)
        const double y = bar.bottom() - (v - cLo) / span * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + tick, y));
        p.drawText(QRectF(bar.right() + tick + 0.2 * lh, y - lh / 2, barLabels, lh), Qt::AlignLeft | Qt::AlignVCenter,
            tickLabel(v));
    }
    const QString pUnit = d.units.perH ? QStringLiteral("h⁻³ Mpc³") : QStringLiteral("Mpc³");
    const QString pLabel = d.ratio  ? QStringLiteral("log₁₀ (%1)").arg(d.ratioLabel)
        : d.quantityUnits.isEmpty() ? QStringLiteral("log₁₀ P [%1]").arg(pUnit)
                                    : QStringLiteral("log₁₀ P [%1² %2]").arg(d.quantityUnits, pUnit);
    p.save();
    p.translate(rect.right() - 0.7 * lh, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -0.7 * lh, plot.height(), 1.4 * lh), Qt::AlignCenter, pLabel);
    p.restore();
    p.restore();
}

} // namespace rs::figure

// Line plots in stacked panels: Δ²(k) with error bars, nf(z) and ⟨δT_b⟩(z).
#include "figure/figures.h"

#include "figure/palette.h"
#include "util/error.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rs::figure {

namespace {

bool usable(double v, bool log)
{
    return std::isfinite(v) && (!log || v > 0);
}

/// A series clipped to its panel: polyline through usable points, error bars, markers.
void drawSeries(QPainter& p, const QRectF& plot, const PlotPanel& panel, const Series& ser, const Style& s)
{
    auto X = [&](double v) { return panel.x.map(v, plot.left(), plot.right()); };
    auto Y = [&](double v) { return panel.y.map(v, plot.bottom(), plot.top()); };
    p.setPen(QPen(ser.color, 0.9 * s.pt));
    for (std::size_t i = 0; i < ser.error.size() && i < ser.y.size(); ++i) {
        const double e = ser.error[i];
        if (!usable(ser.x[i], panel.x.log) || !usable(ser.y[i], panel.y.log) || !(e > 0))
            continue;
        const double lo = ser.y[i] - e;
        const double yLo = usable(lo, panel.y.log) ? Y(lo) : plot.bottom(), yHi = Y(ser.y[i] + e);
        const double x = X(ser.x[i]), cap = 2.0 * s.pt;
        p.drawLine(QPointF(x, std::min(yLo, plot.bottom())), QPointF(x, std::max(yHi, plot.top())));
        if (yHi >= plot.top())
            p.drawLine(QPointF(x - cap, yHi), QPointF(x + cap, yHi));
        if (yLo <= plot.bottom())
            p.drawLine(QPointF(x - cap, yLo), QPointF(x + cap, yLo));
    }
    QPainterPath path;
    bool pen = false;
    for (std::size_t i = 0; i < ser.x.size() && i < ser.y.size(); ++i) {
        if (!usable(ser.x[i], panel.x.log) || !usable(ser.y[i], panel.y.log)) {
            pen = false; // a gap where the series has no value
            continue;
        }
        const QPointF pt(X(ser.x[i]), Y(ser.y[i]));
        pen ? path.lineTo(pt) : path.moveTo(pt);
        pen = true;
        if (ser.markers) {
            path.addEllipse(pt, 1.8 * s.pt, 1.8 * s.pt);
            path.moveTo(pt);
        }
    }
    p.setPen(QPen(ser.color, 1.5 * s.pt, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
}

} // namespace

std::pair<double, double> dataRange(const std::vector<double>& values, bool log, double margin)
{
    double lo = INFINITY, hi = -INFINITY;
    for (double v : values)
        if (usable(v, log)) {
            lo = std::min(lo, log ? std::log10(v) : v);
            hi = std::max(hi, log ? std::log10(v) : v);
        }
    if (!(hi >= lo))
        return {log ? 0.1 : 0.0, 1.0};
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
        const double pad = log ? 0.5 : (hi == 0 ? 1.0 : 0.1 * std::abs(hi));
        lo -= pad;
        hi += pad;
    }
    const double m = margin * (hi - lo);
    lo -= m;
    hi += m;
    return log ? std::pair {std::pow(10.0, lo), std::pow(10.0, hi)} : std::pair {lo, hi};
}

void paintPlot(QPainter& p, const QRectF& rect, const PlotFigure& f)
{
    if (f.panels.empty())
        return;
    const Style s = figureStyle(p);
    const double lh = s.lineHeight;
    const double titleH = drawTitle(p, rect, f.title, s);
    double left = 0;
    for (const PlotPanel& panel : f.panels)
        left = std::max(left, axisMargins(panel.y, s).left);
    const Margins m = axisMargins(f.panels.front().y, s);
    const double gap = 1.0 * lh; // between panels: room for nothing but a breath
    const double top = rect.top() + titleH + m.top, bottom = rect.bottom() - m.bottom;
    const double h = (bottom - top - gap * double(f.panels.size() - 1)) / double(f.panels.size());
    if (h < 10 || rect.width() - left - 2 * m.right < 10)
        return;
    for (std::size_t i = 0; i < f.panels.size(); ++i) {
        const PlotPanel& panel = f.panels[i];
        const QRectF plot(rect.left() + left, top + double(i) * (h + gap), rect.width() - left - 2 * m.right, h);
        p.save();
        p.setClipRect(plot.adjusted(-s.pt, -s.pt, s.pt, s.pt));
        p.setRenderHint(QPainter::Antialiasing, true);
        for (const Series& ser : panel.series)
            drawSeries(p, plot, panel, ser, s);
        p.restore();
        Axis x = panel.x;
        if (i + 1 < f.panels.size()) { // shared x: ticks without labels above the lowest panel
            x.label.clear();
            x.ticks = x.tickList(std::max(3, int(plot.width() / (6 * lh))));
            for (Tick& t : x.ticks)
                t.label.clear();
        }
        drawAxes(p, plot, x, panel.y, s);
        if (panel.legend) {
            std::vector<LegendEntry> entries;
            std::vector<QPointF> points; // the legend goes where it hides the fewest
            for (const Series& ser : panel.series) {
                entries.push_back({ser.color, ser.name});
                for (std::size_t k = 0; k < ser.x.size() && k < ser.y.size(); ++k)
                    if (usable(ser.x[k], panel.x.log) && usable(ser.y[k], panel.y.log))
                        points.push_back({panel.x.map(ser.x[k], plot.left(), plot.right()),
                            panel.y.map(ser.y[k], plot.bottom(), plot.top())});
            }
            drawLegend(p, plot, entries, s, points);
        }
    }
}

PlotFigure powerFigure(const std::vector<NamedSpectrum>& spectra, const QString& title, bool perH, double hubble)
{
    PlotPanel panel;
    std::vector<double> xs, ys;
    bool allTb = !spectra.empty();
    for (std::size_t i = 0; i < spectra.size(); ++i) {
        const PowerSpectrum& ps = spectra[i].spectrum;
        Series ser {spectra[i].name, seriesColor(i), {}, ps.delta2, ps.error(), true};
        for (double k : ps.k)
            ser.x.push_back(perH ? k / hubble : k);
        xs.insert(xs.end(), ser.x.begin(), ser.x.end());
        ys.insert(ys.end(), ser.y.begin(), ser.y.end());
        allTb = allTb && spectra[i].quantity == Quantity::BrightnessTemperature;
        panel.series.push_back(std::move(ser));
    }
    if (std::none_of(ys.begin(), ys.end(), [](double v) { return usable(v, true); }))
        throw ParameterError("power", "no positive Δ²(k) to draw");
    const auto [xLo, xHi] = dataRange(xs, true, 0.03);
    const auto [yLo, yHi] = dataRange(ys, true, 0.08);
    panel.x = axisOver(xLo, xHi, perH ? QStringLiteral("k [h Mpc⁻¹]") : QStringLiteral("k [Mpc⁻¹]"), true);
    bool allDimensionless = true;
    for (const NamedSpectrum& n : spectra)
        allDimensionless = allDimensionless && quantityUnits(n.quantity).empty();
    panel.y = axisOver(yLo, yHi,
        allTb                  ? QStringLiteral("Δ²(k) [mK²]")
            : allDimensionless ? QStringLiteral("Δ²(k)")
                               : QStringLiteral("Δ²(k) [field units²]"),
        true);
    panel.legend = spectra.size() > 1;
    PlotFigure f;
    f.title = title;
    f.panels.push_back(std::move(panel));
    return f;
}

PlotFigure historyFigure(const std::vector<NamedSeries>& histories, const QString& title)
{
    PlotFigure f;
    f.title = title;
    f.inches = QSizeF(6.0, 6.0);
    std::vector<double> zs;
    for (const NamedSeries& h : histories)
        zs.insert(zs.end(), h.series.z.begin(), h.series.z.end());
    const auto [zLo, zHi] = dataRange(zs, false, 0.03);
    const Axis zAxis = axisOver(zLo, zHi, QStringLiteral("redshift z"));
    auto panelOf = [&](auto member, const QString& label) -> std::optional<PlotPanel> {
        PlotPanel panel;
        std::vector<double> ys;
        for (std::size_t i = 0; i < histories.size(); ++i) {
            const RedshiftSeries& r = histories[i].series;
            const std::vector<double>& y = r.*member;
            ys.insert(ys.end(), y.begin(), y.end());
            panel.series.push_back({histories[i].name, seriesColor(i), r.z, y, {}, true});
        }
        if (std::none_of(ys.begin(), ys.end(), [](double v) { return std::isfinite(v); }))
            return std::nullopt;
        const auto [lo, hi] = dataRange(ys, false, 0.08);
        panel.x = zAxis;
        panel.y = axisOver(lo, hi, label);
        panel.legend = histories.size() > 1;
        return panel;
    };
    if (auto nf = panelOf(&RedshiftSeries::nf, QStringLiteral("neutral fraction x̄_HI")))
        f.panels.push_back(*nf);
    if (auto tb = panelOf(&RedshiftSeries::meanTb, QStringLiteral("⟨δT_b⟩ [mK]")))
        f.panels.push_back(*tb);
    if (f.panels.empty())
        throw ParameterError("history", "no x_HI or δT_b cube with a redshift to draw");
    if (f.panels.size() == 2)
        f.panels.back().legend = false;
    else
        f.inches = QSizeF(6.0, 4.0);
    return f;
}

} // namespace rs::figure

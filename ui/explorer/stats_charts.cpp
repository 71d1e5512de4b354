#include "explorer/stats_charts.h"

#include "charts/chart_setup.h"
#include "charts/palette.h"
#include "shell/text_format.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

/// A log axis range widened to whole decades when it spans less than two, so that at least two
/// labelled ticks (powers of ten) show.
std::pair<double, double> decadeRange(double lo, double hi)
{
    if (std::log10(hi / lo) >= 2.0)
        return {lo, hi};
    return {std::pow(10.0, std::floor(std::log10(lo))), std::pow(10.0, std::ceil(std::log10(hi)))};
}

void reset(QChart* chart, const QString& title)
{
    charts::clearChart(chart, title);
    chart->setMargins(QMargins(4, 4, 4, 4));
}

} // namespace

void showChartNote(QChart* chart, const QString& note)
{
    reset(chart, note);
}

void fillHistogramChart(QChart* chart, const StatsSet& set)
{
    if (set.items.empty())
        return showChartNote(chart, QStringLiteral("No data yet"));
    const bool one = set.items.size() == 1;
    auto momentsText = [](const Moments& m) {
        return QStringLiteral("mean %1, variance %2, skewness %3, kurtosis %4")
            .arg(m.mean, 0, 'g', 4)
            .arg(m.variance, 0, 'g', 4)
            .arg(m.skewness, 0, 'g', 3)
            .arg(m.kurtosis, 0, 'g', 3);
    };
    const CubeStatistics& first = *set.items[0];
    reset(chart,
        one ? QStringLiteral("PDF of %1: %2").arg(quantityHtml(first.quantity), momentsText(first.field.pdf.moments))
            : QStringLiteral("PDF of %1").arg(quantityHtml(first.quantity)));
    // One cube: voxel counts. Several: probability density, comparable between grids.
    double lo = INFINITY, hi = -INFINITY, peak = 0;
    std::vector<QLineSeries*> lines;
    for (std::size_t c = 0; c < set.items.size(); ++c) {
        const Pdf& pdf = set.items[c]->field.pdf;
        const Histogram& h = pdf.histogram;
        auto* line = new QLineSeries(chart);
        line->setName(one ? quantityPlain(first.quantity)
                          : QStringLiteral("%1 (%2)").arg(set.names[c], momentsText(pdf.moments)));
        for (std::size_t i = 0; i < h.counts.size(); ++i) {
            const double y = one ? double(h.counts[i]) : pdf.density(i);
            line->append(h.edges[i], y);
            line->append(h.edges[i + 1], y);
            peak = std::max(peak, y);
        }
        if (!h.edges.empty()) {
            lo = std::min(lo, h.edges.front());
            hi = std::max(hi, h.edges.back());
        }
        line->setPen(charts::seriesPen(one ? QColor(0x2c, 0x71, 0x8e) : charts::seriesColor(c)));
        chart->addSeries(line);
        lines.push_back(line);
    }
    chart->legend()->setVisible(!one);
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* x = new QValueAxis(chart);
    x->setTitleText(quantityWithUnitsHtml(first.quantity));
    if (hi > lo)
        x->setRange(lo, hi);
    x->setLabelFormat(QStringLiteral("%.3g"));
    x->applyNiceNumbers();
    auto* y = new QValueAxis(chart);
    y->setTitleText(one ? QStringLiteral("voxels") : QStringLiteral("probability density"));
    y->setRange(0, (peak > 0 ? peak : 1.0) * 1.05);
    y->setLabelFormat(one ? QStringLiteral("%.0f") : QStringLiteral("%.3g"));
    y->applyNiceNumbers();
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* line : lines)
        line->attachAxis(x), line->attachAxis(y);
}

namespace {

/// Vertical bars Δ² ± error of one curve, one two-point series per bin (hidden from the legend);
/// the lower end is clamped above 0 on a log axis. Widens [lo, hi] to the bars.
std::vector<QLineSeries*> errorBars(QChart* chart, const SpectrumCurve& c, bool logY, double& lo, double& hi)
{
    std::vector<QLineSeries*> bars;
    for (std::size_t i = 0; i < c.error.size() && i < c.k.size() && i < c.delta2.size(); ++i) {
        const double k = c.k[i], d = c.delta2[i], e = c.error[i];
        if (!(k > 0) || !std::isfinite(d) || !std::isfinite(e) || e <= 0 || (logY && !(d > 0)))
            continue;
        const double top = d + e, bottom = logY ? std::max(d - e, d * 1e-2) : d - e;
        auto* bar = new QLineSeries(chart);
        bar->append(k, bottom);
        bar->append(k, top);
        QPen p = charts::seriesPen(c.colour, 1.0);
        bar->setPen(p);
        chart->addSeries(bar);
        bars.push_back(bar);
        lo = std::min(lo, bottom);
        hi = std::max(hi, top);
    }
    return bars;
}

} // namespace

void fillSpectraChart(QChart* chart, const QString& title, const std::vector<SpectrumCurve>& curves,
    const QString& xTitle, const QString& yTitle, bool logY)
{
    reset(chart, title);
    double kLo = INFINITY, kHi = 0, dLo = INFINITY, dHi = logY ? 0 : -INFINITY;
    std::vector<QLineSeries*> lines, bars;
    for (const SpectrumCurve& c : curves) {
        auto* line = new QLineSeries(chart);
        line->setName(c.name);
        line->setPointsVisible(c.points);
        QPen p = charts::seriesPen(c.colour);
        if (c.dashed)
            p.setStyle(Qt::DashLine);
        line->setPen(p);
        for (std::size_t i = 0; i < c.k.size() && i < c.delta2.size(); ++i) {
            const double k = c.k[i], d = c.delta2[i];
            if (k > 0 && std::isfinite(d) && (d > 0 || !logY)) {
                line->append(k, d);
                kLo = std::min(kLo, k);
                kHi = std::max(kHi, k);
                dLo = std::min(dLo, d);
                dHi = std::max(dHi, d);
            }
        }
        chart->addSeries(line);
        lines.push_back(line);
        for (QLineSeries* b : errorBars(chart, c, logY, dLo, dHi))
            bars.push_back(b);
    }
    if (!(kHi > 0)) {
        showChartNote(chart, logY ? QStringLiteral("No positive Δ²(k) to plot") : QStringLiteral("Nothing to plot"));
        return;
    }
    chart->legend()->setVisible(lines.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    for (QLineSeries* b : bars)
        for (QLegendMarker* m : chart->legend()->markers(b))
            m->setVisible(false);
    auto* x = new QLogValueAxis(chart);
    x->setBase(10);
    x->setTitleText(xTitle);
    const auto xr = decadeRange(kLo / 1.2, kHi * 1.2);
    x->setRange(xr.first, xr.second);
    x->setLabelFormat(QStringLiteral("%g"));
    x->setMinorTickCount(8);
    QAbstractAxis* y = nullptr;
    if (logY) {
        auto* ly = new QLogValueAxis(chart);
        ly->setBase(10);
        const auto yr = decadeRange(dLo / 1.5, dHi * 1.5);
        ly->setRange(yr.first, yr.second);
        ly->setLabelFormat(QStringLiteral("%g"));
        ly->setMinorTickCount(8);
        y = ly;
    } else {
        auto* vy = new QValueAxis(chart);
        vy->setRange(std::min(0.0, dLo), dHi > 0 ? dHi * 1.08 : 1.0);
        vy->setLabelFormat(QStringLiteral("%.3g"));
        vy->applyNiceNumbers();
        y = vy;
    }
    y->setTitleText(yTitle);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* line : lines)
        line->attachAxis(x), line->attachAxis(y);
    for (QLineSeries* line : bars)
        line->attachAxis(x), line->attachAxis(y);
}

void fillSpectrumChart(QChart* chart, const StatsSet& set, const SpectrumUnits& units)
{
    if (set.items.empty())
        return showChartNote(chart, QStringLiteral("No data yet"));
    auto inUnits = [&](const std::vector<double>& k) {
        std::vector<double> out(k.size());
        for (std::size_t i = 0; i < k.size(); ++i)
            out[i] = units.k(k[i]);
        return out;
    };
    const bool one = set.items.size() == 1;
    std::vector<SpectrumCurve> curves;
    for (std::size_t c = 0; c < set.items.size(); ++c) {
        const CubeStatistics& s = *set.items[c];
        curves.push_back({one ? QStringLiteral("ReionScope") : set.names[c], inUnits(s.spectrum.k), s.spectrum.delta2,
            one ? QColor(0xba, 0x36, 0x55) : charts::seriesColor(c), false, true, s.spectrum.error()});
    }
    const CubeStatistics& first = *set.items[0];
    if (one && first.reference)
        curves.push_back({QStringLiteral("21cmFAST ps file"), inUnits(first.reference->k), first.reference->delta2,
            QColor(0x40, 0x40, 0x40), true, false, {}});
    const QString qUnits = unitsText(first.quantity);
    fillSpectraChart(chart, QStringLiteral("Power spectrum of %1").arg(quantityHtml(first.quantity)), curves,
        units.perH ? QStringLiteral("k [h Mpc<sup>−1</sup>]") : QStringLiteral("k [Mpc<sup>−1</sup>]"),
        qUnits.isEmpty() ? QStringLiteral("Δ<sup>2</sup>(k)")
                         : QStringLiteral("Δ<sup>2</sup>(k) [%1<sup>2</sup>]").arg(qUnits));
}

void fillBubbleCharts(QChart* mfp, QChart* fof, const StatsSet& set)
{
    std::vector<SpectrumCurve> rays, regions;
    QString mfpTitle, fofTitle;
    for (std::size_t c = 0; c < set.items.size(); ++c) {
        const FieldStatistics& f = set.items[c]->field;
        if (!f.meanFreePath || !f.regions)
            continue;
        const QColor colour = charts::seriesColor(c);
        const MeanFreePath& m = *f.meanFreePath;
        const FofRegions& r = *f.regions;
        if (!m.r.empty())
            rays.push_back({QStringLiteral("%1: ⟨R⟩ %2 Mpc").arg(set.names[c]).arg(m.mean, 0, 'f', 2), m.r, m.rdPdR,
                colour, false, true, {}});
        if (!r.v.empty())
            regions.push_back({QStringLiteral("%1: %2 regions").arg(set.names[c]).arg(r.volumes.size()), r.v, r.vdPdV,
                colour, false, true, {}});
        if (mfpTitle.isEmpty()) {
            mfpTitle = QStringLiteral("Mean free path: ⟨R⟩ = %1 Mpc (%2 rays)").arg(m.mean, 0, 'f', 2).arg(m.rays);
            fofTitle = QStringLiteral("Friends of friends: %1 regions, largest %2 Mpc<sup>3</sup> (%3 % of ionized)")
                           .arg(r.volumes.size())
                           .arg(r.largest, 0, 'g', 3)
                           .arg(r.ionizedVolume > 0 ? 100.0 * r.largest / r.ionizedVolume : 0.0, 0, 'f', 0);
        }
    }
    if (rays.size() > 1)
        mfpTitle = QStringLiteral("Mean free path"), fofTitle = QStringLiteral("Friends of friends");
    const QString none
        = QStringLiteral("Bubble sizes: choose an x<sub>HI</sub> cube with ionized cells (x<sub>HI</sub> &lt; 0.5)");
    if (rays.empty())
        showChartNote(mfp, none);
    else
        fillSpectraChart(mfp, mfpTitle, rays, QStringLiteral("R [Mpc]"), QStringLiteral("R dP/dR"), false);
    if (regions.empty())
        showChartNote(fof, none);
    else
        fillSpectraChart(
            fof, fofTitle, regions, QStringLiteral("V [Mpc<sup>3</sup>]"), QStringLiteral("V dP/dV"), true);
}

void fillSeriesChart(QChart* chart, const QString& title, const std::vector<HistoryCurve>& curves,
    const QString& yTitle, std::optional<std::pair<double, double>> yRange)
{
    reset(chart, title);
    double zLo = INFINITY, zHi = -INFINITY, vLo = INFINITY, vHi = -INFINITY;
    std::vector<QLineSeries*> lines;
    for (std::size_t c = 0; c < curves.size(); ++c) {
        const HistoryCurve& curve = curves[c];
        auto* line = new QLineSeries(chart);
        line->setName(curve.name);
        line->setPointsVisible(true);
        line->setPen(charts::seriesPen(curves.size() == 1 ? QColor(0x21, 0x90, 0x8d) : charts::seriesColor(c)));
        for (std::size_t i = 0; i < curve.z.size() && i < curve.y.size(); ++i) {
            if (!std::isfinite(curve.y[i]))
                continue;
            line->append(curve.z[i], curve.y[i]);
            zLo = std::min(zLo, curve.z[i]);
            zHi = std::max(zHi, curve.z[i]);
            vLo = std::min(vLo, curve.y[i]);
            vHi = std::max(vHi, curve.y[i]);
        }
        if (line->count() == 0) { // a run without this quantity: no empty legend entry
            delete line;
            continue;
        }
        chart->addSeries(line);
        lines.push_back(line);
    }
    if (lines.empty()) {
        showChartNote(chart, QStringLiteral("%1: no data").arg(title));
        return;
    }
    chart->legend()->setVisible(curves.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* x = new QValueAxis(chart);
    x->setTitleText(QStringLiteral("redshift z"));
    const double zPad = zHi > zLo ? 0.05 * (zHi - zLo) : 0.5;
    x->setRange(zLo - zPad, zHi + zPad);
    x->setLabelFormat(QStringLiteral("%.3g"));
    x->applyNiceNumbers();
    auto* y = new QValueAxis(chart);
    y->setTitleText(yTitle);
    if (yRange) {
        y->setRange(yRange->first, yRange->second);
    } else {
        const double pad = vHi > vLo ? 0.08 * (vHi - vLo) : std::max(1.0, std::abs(vHi) * 0.1);
        y->setRange(vLo - pad, vHi + pad);
        y->applyNiceNumbers();
    }
    y->setLabelFormat(QStringLiteral("%.3g"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* line : lines)
        line->attachAxis(x), line->attachAxis(y);
}

} // namespace rs::ui

#include "explorer/stats_charts.h"

#include "charts/chart_setup.h"
#include "charts/palette.h"
#include "shell/text_format.h"

#include <QChart>
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

void fillHistogramChart(QChart* chart, const CubeStatistics& s)
{
    reset(chart, QStringLiteral("Histogram of %1").arg(quantityHtml(s.quantity)));
    auto* line = new QLineSeries(chart);
    line->setName(quantityPlain(s.quantity));
    const Histogram& h = s.histogram;
    std::uint64_t peak = 1;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
        line->append(h.edges[i], double(h.counts[i]));
        line->append(h.edges[i + 1], double(h.counts[i]));
        peak = std::max(peak, h.counts[i]);
    }
    line->setPen(charts::seriesPen(QColor(0x2c, 0x71, 0x8e)));
    chart->addSeries(line);
    auto* x = new QValueAxis(chart);
    x->setTitleText(quantityWithUnitsHtml(s.quantity));
    if (!h.edges.empty())
        x->setRange(h.edges.front(), h.edges.back());
    x->setLabelFormat(QStringLiteral("%.3g"));
    x->applyNiceNumbers();
    auto* y = new QValueAxis(chart);
    y->setTitleText(QStringLiteral("voxels"));
    y->setRange(0, double(peak) * 1.05);
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->applyNiceNumbers();
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    line->attachAxis(x);
    line->attachAxis(y);
}

void fillSpectraChart(QChart* chart, const QString& title, const std::vector<SpectrumCurve>& curves,
                      const QString& xTitle, const QString& yTitle)
{
    reset(chart, title);
    double kLo = INFINITY, kHi = 0, dLo = INFINITY, dHi = 0;
    std::vector<QLineSeries*> lines;
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
            if (k > 0 && d > 0 && std::isfinite(d)) {
                line->append(k, d);
                kLo = std::min(kLo, k);
                kHi = std::max(kHi, k);
                dLo = std::min(dLo, d);
                dHi = std::max(dHi, d);
            }
        }
        chart->addSeries(line);
        lines.push_back(line);
    }
    if (!(kHi > 0)) {
        showChartNote(chart, QStringLiteral("No positive Δ²(k) to plot"));
        return;
    }
    if (lines.size() > 1) {
        chart->legend()->setVisible(true);
        chart->legend()->setAlignment(Qt::AlignBottom);
    }
    auto* x = new QLogValueAxis(chart);
    x->setBase(10);
    x->setTitleText(xTitle);
    const auto xr = decadeRange(kLo / 1.2, kHi * 1.2);
    x->setRange(xr.first, xr.second);
    x->setLabelFormat(QStringLiteral("%g"));
    x->setMinorTickCount(8);
    auto* y = new QLogValueAxis(chart);
    y->setBase(10);
    y->setTitleText(yTitle);
    const auto yr = decadeRange(dLo / 1.5, dHi * 1.5);
    y->setRange(yr.first, yr.second);
    y->setLabelFormat(QStringLiteral("%g"));
    y->setMinorTickCount(8);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* line : lines) {
        line->attachAxis(x);
        line->attachAxis(y);
    }
}

void fillSpectrumChart(QChart* chart, const CubeStatistics& s)
{
    std::vector<SpectrumCurve> curves{
        {QStringLiteral("ReionScope"), s.spectrum.k, s.spectrum.delta2, QColor(0xba, 0x36, 0x55), false, true}};
    if (s.reference)
        curves.push_back({QStringLiteral("21cmFAST ps file"), s.reference->k, s.reference->delta2, QColor(0x40, 0x40, 0x40),
                          true, false});
    const QString units = unitsText(s.quantity);
    fillSpectraChart(chart, QStringLiteral("Power spectrum of %1").arg(quantityHtml(s.quantity)), curves,
                     QStringLiteral("k [Mpc<sup>−1</sup>]"),
                     units.isEmpty() ? QStringLiteral("Δ<sup>2</sup>(k)")
                                     : QStringLiteral("Δ<sup>2</sup>(k) [%1<sup>2</sup>]").arg(units));
}

void fillSeriesChart(QChart* chart, const std::vector<double>& z, const std::vector<double>& values, const QString& name,
                     const QString& yTitle, std::optional<std::pair<double, double>> yRange)
{
    reset(chart, name);
    auto* line = new QLineSeries(chart);
    line->setPointsVisible(true);
    line->setPen(charts::seriesPen(QColor(0x21, 0x90, 0x8d)));
    double zLo = INFINITY, zHi = -INFINITY, vLo = INFINITY, vHi = -INFINITY;
    for (std::size_t i = 0; i < z.size() && i < values.size(); ++i) {
        if (!std::isfinite(values[i]))
            continue;
        line->append(z[i], values[i]);
        zLo = std::min(zLo, z[i]);
        zHi = std::max(zHi, z[i]);
        vLo = std::min(vLo, values[i]);
        vHi = std::max(vHi, values[i]);
    }
    if (line->count() == 0) {
        delete line;
        showChartNote(chart, QStringLiteral("%1: no data in this run").arg(name));
        return;
    }
    chart->addSeries(line);
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
    line->attachAxis(x);
    line->attachAxis(y);
}

} // namespace rs::ui

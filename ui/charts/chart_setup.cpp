#include "charts/chart_setup.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace rs::ui::charts {

namespace {

QChart* newChart()
{
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

} // namespace

QChart* renewChart(QChartView* view)
{
    QChart* old = view->chart();
    QChart* chart = newChart();
    view->setChart(chart);
    delete old;
    return chart;
}

QChartView* makeChartView(QWidget* parent, int minWidth, int minHeight)
{
    auto* view = new QChartView(newChart(), parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(minWidth, minHeight);
    return view;
}

void removeSeriesAndAxes(QChart* chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis* a : chart->axes())
        chart->removeAxis(a);
}

void fitYAxis(QChart* chart, QAbstractAxis* yAxis)
{
    double yLo = INFINITY, yHi = -INFINITY;
    for (QAbstractSeries* a : chart->series())
        if (auto* s = qobject_cast<QLineSeries*>(a); s && s->attachedAxes().contains(yAxis))
            for (const QPointF& p : s->points()) {
                yLo = std::min(yLo, p.y());
                yHi = std::max(yHi, p.y());
            }
    if (!(yHi >= yLo))
        return;
    if (auto* ly = qobject_cast<QLogValueAxis*>(yAxis)) {
        const double lo = std::pow(10.0, std::floor(std::log10(yLo))), hi = std::pow(10.0, std::ceil(std::log10(yHi)));
        ly->setRange(lo, hi > lo ? hi : lo * 10);
    } else if (auto* y = qobject_cast<QValueAxis*>(yAxis)) {
        const double pad = yHi > yLo ? 0.05 * (yHi - yLo) : std::max(0.05, std::abs(yHi) * 0.1);
        y->setRange(yLo >= 0 ? std::max(0.0, yLo - pad) : yLo - pad, yHi + pad);
        y->applyNiceNumbers();
        // Qt places fixed ticks at min + i·step, so on an axis across zero the middle one reads
        // 6.94e-18 in a "%g" format (an nf-error axis from −0.03 to 0.02): such an axis gets a
        // fixed-point format with the step's decimals, and the range moves up by a billionth of a
        // step so that tick lands just above zero ("0.00", never "-0.00"); the caller's format
        // comes back on other ranges.
        const char* own = "rsLabelFormat";
        if (!y->property(own).isValid())
            y->setProperty(own, y->labelFormat());
        const double step = y->tickCount() > 1 ? (y->max() - y->min()) / (y->tickCount() - 1) : 0.0;
        int decimals = 0;
        auto exact = [&] {
            const double scaled = step * std::pow(10.0, decimals);
            return std::abs(scaled - std::round(scaled)) <= 1e-6 * scaled;
        };
        while (step > 0 && decimals <= 12 && !exact())
            ++decimals;
        if (y->min() < 0 && y->max() > 0 && step > 0 && decimals <= 12) {
            y->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
            y->setRange(y->min() + 1e-9 * step, y->max() + 1e-9 * step);
        } else {
            y->setLabelFormat(y->property(own).toString());
        }
    }
}

void clearChart(QChart* chart, const QString& title)
{
    removeSeriesAndAxes(chart);
    chart->setTitle(title);
    chart->legend()->setVisible(false);
}

} // namespace rs::ui::charts

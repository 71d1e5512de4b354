#include "charts/chart_setup.h"

#include <QChart>
#include <QChartView>
#include <QLegend>

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

void clearChart(QChart* chart, const QString& title)
{
    removeSeriesAndAxes(chart);
    chart->setTitle(title);
    chart->legend()->setVisible(false);
}

} // namespace rs::ui::charts

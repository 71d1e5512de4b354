#pragma once
/// \file chart_setup.h
/// Creating and emptying Qt Charts the same way in every view: no animation (live data would
/// animate forever), antialiased, small margins; cleared charts lose their series and axes.

#include <QString>

class QChart;
class QChartView;
class QWidget;

namespace rs::ui::charts {

/// A chart view owning a new empty chart, at least minWidth × minHeight pixels.
QChartView* makeChartView(QWidget* parent, int minWidth, int minHeight);

/// Removes every series and axis (the chart's title and legend stay as they are).
void removeSeriesAndAxes(QChart* chart);

/// removeSeriesAndAxes, then sets `title` and hides the legend.
void clearChart(QChart* chart, const QString& title = {});

} // namespace rs::ui::charts

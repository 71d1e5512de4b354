#pragma once
/// \file chart_setup.h
/// Creating and emptying Qt Charts the same way in every view: no animation (live data would
/// animate forever), antialiased, small margins; cleared charts lose their series and axes.

#include <QString>

class QAbstractAxis;
class QChart;
class QChartView;
class QWidget;

namespace rs::ui::charts {

/// A chart view owning a new empty chart, at least minWidth × minHeight pixels.
QChartView* makeChartView(QWidget* parent, int minWidth, int minHeight);

/// Gives `view` a new empty chart set up as makeChartView's, deleting the old one; returns it.
/// For charts refilled often while hidden: removed log axes otherwise leave labels in the scene
/// (seen with Qt 6.4 when the Statistics panel overlays runs).
QChart* renewChart(QChartView* view);

/// Removes every series and axis (the chart's title and legend stay as they are).
void removeSeriesAndAxes(QChart* chart);

/// Fits a vertical axis to the line series attached to it: a log axis to whole decades, a value
/// axis to the values plus 5 % (not below 0 when no value is negative), with nice numbers. Leaves
/// it alone when those series have no points.
void fitYAxis(QChart* chart, QAbstractAxis* yAxis);

/// removeSeriesAndAxes, then sets `title` and hides the legend.
void clearChart(QChart* chart, const QString& title = {});

} // namespace rs::ui::charts

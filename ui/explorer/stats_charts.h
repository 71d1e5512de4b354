#pragma once
/// \file stats_charts.h
/// Fills Qt Charts with the statistics panel's numbers: a step histogram, a log-log Δ²(k) (with
/// a classic 21cmFAST ps_ file as reference when present), and x(z) histories.

#include "explorer/stats_data.h"

#include <QColor>

class QChart;

namespace rs::ui {

/// Clears `chart` and draws the histogram as steps; y counts voxels.
void fillHistogramChart(QChart* chart, const CubeStatistics& s);
/// Clears `chart` and draws Δ²(k) on log-log axes (non-positive values are left out).
void fillSpectrumChart(QChart* chart, const CubeStatistics& s);
/// One spectrum of a log-log Δ²(k) chart.
struct SpectrumCurve {
    QString name;
    std::vector<double> k, delta2; ///< [1/Mpc] (or per pixel) and Δ²(k)
    QColor colour;
    bool dashed = false;
    bool points = false;
};
/// Clears `chart` and draws spectra on log-log axes (non-positive values are left out); a legend
/// when there are several. `yTitle` is rich text. Shows a note when nothing is positive.
void fillSpectraChart(QChart* chart, const QString& title, const std::vector<SpectrumCurve>& curves,
                      const QString& xTitle, const QString& yTitle);

/// Clears `chart` and draws y(z) with points; NaN values are skipped. `yTitle` is rich text.
void fillSeriesChart(QChart* chart, const std::vector<double>& z, const std::vector<double>& y, const QString& name,
                     const QString& yTitle, std::optional<std::pair<double, double>> yRange);
/// Clears `chart` and shows a one-line note in its title (nothing to plot).
void showChartNote(QChart* chart, const QString& note);

} // namespace rs::ui

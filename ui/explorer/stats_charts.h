#pragma once
/// \file stats_charts.h
/// Fills Qt Charts with the statistics panel's numbers: a step histogram with the PDF's moments,
/// a log-log Δ²(k) with error bars (and a classic 21cmFAST ps_ file as reference when present),
/// the bubble size distributions, and x(z) histories.

#include "explorer/stats_data.h"

#include <QColor>

class QChart;

namespace rs::ui {

/// Statistics of one cube or an overlay of several, with their legend names (overlayNames).
struct StatsSet {
    std::vector<const CubeStatistics*> items;
    std::vector<QString> names;
};

/// Clears `chart` and draws the histogram as steps, the moments in the title: for one cube y
/// counts voxels; for several y is the probability density and each legend entry has moments.
void fillHistogramChart(QChart* chart, const StatsSet& set);
/// Clears `chart` and draws Δ²(k) with its errors Δ²/√modes as bars, k in `units`, on log-log
/// axes (non-positive values are left out).
void fillSpectrumChart(QChart* chart, const StatsSet& set, const SpectrumUnits& units);
/// Clears both charts and draws the mean free path R dP/dR against R and the friends-of-friends
/// V dP/dV against V (log x), one curve per x_HI cube of the set; a note when none has bubbles.
void fillBubbleCharts(QChart* mfp, QChart* fof, const StatsSet& set);
/// One spectrum of a log-log Δ²(k) chart.
struct SpectrumCurve {
    QString name;
    std::vector<double> k, delta2; ///< [1/Mpc] (or per pixel) and Δ²(k)
    QColor colour;
    bool dashed = false;
    bool points = false;
    std::vector<double> error; ///< drawn as vertical bars ±error where given (same length as k)
};
/// Clears `chart` and draws spectra on log-log axes (non-positive values are left out); a legend
/// when there are several. `yTitle` is rich text. Shows a note when nothing is positive.
/// `logY` false: a linear y axis from 0 (distributions such as R dP/dR).
void fillSpectraChart(QChart* chart, const QString& title, const std::vector<SpectrumCurve>& curves,
    const QString& xTitle, const QString& yTitle, bool logY = true);

/// One run's history y(z) in a chart.
struct HistoryCurve {
    QString name;
    std::vector<double> z, y;
};
/// Clears `chart` and draws each y(z) with points (one colour per curve, a legend when several);
/// NaN values are skipped, a note shown when no curve has a value. `title`, `yTitle`: rich text.
void fillSeriesChart(QChart* chart, const QString& title, const std::vector<HistoryCurve>& curves,
    const QString& yTitle, std::optional<std::pair<double, double>> yRange);
/// Clears `chart` and shows a one-line note in its title (nothing to plot).
void showChartNote(QChart* chart, const QString& note);

} // namespace rs::ui

#pragma once
/// \file axes.h
/// What every figure draws around its data, with QPainter on any paint device (widget, QImage,
/// QPdfWriter, QSvgGenerator): round tick values, linear or log axes with ticks, tick labels and
/// labels with units, titles, colour bars and legends. Sizes are in typographic points and scale
/// with the device's resolution, so one figure reads alike on screen, at 300 dpi and in a PDF.

#include "figure/colormap.h"

#include <QColor>
#include <QFont>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <vector>

class QPainter;
class QPaintDevice;

namespace rs::figure {

/// Between 3 and `maxTicks` round values (1, 2, 2.5 or 5 × 10^n steps) inside [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int maxTicks = 6);
/// Ticks of a log axis over [lo, hi] (lo > 0): decades, with 2 and 5 between when it spans little.
std::vector<double> logTicks(double lo, double hi);
/// A tick value as text: up to 3 significant digits, "−" for the minus sign.
QString tickLabel(double v);

/// Fonts, ink and the point size of the device (device pixels per point).
struct Style {
    double pt = 1; ///< device pixels per typographic point (dpi / 72)
    QFont font; ///< tick labels, axis labels, legend
    QFont titleFont;
    QColor ink = Qt::black;
    double lineHeight = 12; ///< of `font`, device pixels
    const QPaintDevice* device = nullptr; ///< what the metrics are measured for
};

/// The style for painting on `p`'s device: text of `fontPt` points (titles 1.2×), scaled by
/// `scale` (1 for figures; charts on screen may pass their own).
Style figureStyle(QPainter& p, double fontPt = 9.0, double scale = 1.0);

/// A tick at a data position with its label.
struct Tick {
    double at;
    QString label;
};

/// One axis of a plot: data range, scale, label and (optionally) its own ticks.
struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    bool reversed = false; ///< hi at the start (left or top)
    QString label; ///< with units: "k [Mpc⁻¹]"
    std::vector<Tick> ticks; ///< empty: round values of the range
    /// Pixel position of `v` on [from, to] (from: the lo end unless reversed).
    double map(double v, double from, double to) const;
    /// The ticks drawn: `ticks`, or round values for the range and scale.
    std::vector<Tick> tickList(int maxTicks = 7) const;
};

/// An axis over [lo, hi] with round ticks.
Axis axisOver(double lo, double hi, const QString& label, bool log = false, bool reversed = false);

/// Draws the plot frame, x ticks and labels below it, y ticks and labels left of it.
void drawAxes(QPainter& p, const QRectF& plot, const Axis& x, const Axis& y, const Style& s);
/// Draws x ticks and labels above the plot (a second scale such as frequency) and its label.
void drawTopAxis(QPainter& p, const QRectF& plot, const Axis& x, const Style& s);
/// The room axes need outside the plot: left (y tick labels + label), bottom, top (when `top`).
struct Margins {
    double left = 0, right = 0, top = 0, bottom = 0;
};
Margins axisMargins(const Axis& y, const Style& s, bool topAxis = false);

/// Draws `title` centred in the band at the top of `rect`; returns the band's height.
double drawTitle(QPainter& p, const QRectF& rect, const QString& title, const Style& s);

/// A vertical colour bar in `bar` over [lo, hi] (low at the bottom), ticks and their labels to
/// its right and `label` (rotated) beyond them.
void drawColorBar(
    QPainter& p, const QRectF& bar, ColormapId map, double lo, double hi, const QString& label, const Style& s);
/// Width a colour bar needs beside its strip for ticks, labels and its rotated label.
double colorBarLabelsWidth(double lo, double hi, const Style& s);

/// One legend line: a colour and a name.
struct LegendEntry {
    QColor color;
    QString name;
};
/// A framed legend in the corner of `plot` that covers fewest of the `avoid` points (device
/// coordinates; ties in the order top right, top left, bottom right, bottom left).
void drawLegend(QPainter& p, const QRectF& plot, const std::vector<LegendEntry>& entries, const Style& s,
    const std::vector<QPointF>& avoid = {});

} // namespace rs::figure

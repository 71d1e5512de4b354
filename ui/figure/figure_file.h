#pragma once
/// \file figure_file.h
/// Writes a figure (anything painted with QPainter into a rectangle) as PNG at a chosen DPI, SVG
/// or PDF, by the file's suffix; the size is given in inches, so fonts and lines (in points) come
/// out alike in all three. Needs a QGuiApplication (fonts); any platform will do (offscreen).

#include <QImage>
#include <QRectF>
#include <QSizeF>

#include <functional>
#include <string>

class QPainter;

namespace rs::figure {

enum class FigureFormat { Png, Svg, Pdf };

/// The format named by the path's suffix (.png, .svg, .pdf, any case). Throws ParameterError
/// naming the path for any other suffix.
FigureFormat figureFormatOf(const std::string& path);

/// Dots per inch accepted for figures.
constexpr int kMinDpi = 30, kMaxDpi = 2400;

using PaintFn = std::function<void(QPainter& p, const QRectF& rect)>;

/// The figure as an image of inches × dpi pixels on white, its DPI recorded (PNG pHYs). Throws
/// ParameterError for a DPI outside [kMinDpi, kMaxDpi] or more than 400 million pixels.
QImage renderFigure(const QSizeF& inches, int dpi, const PaintFn& paint);

/// Writes the figure to `path` (atomically): PNG (renderFigure), SVG (text stays text) or a
/// one-page PDF of `inches`. Throws ParameterError for a bad suffix or DPI, IoError when the file
/// cannot be written.
void writeFigure(
    const std::string& path, const QSizeF& inches, int dpi, const PaintFn& paint, const QString& title = {});

} // namespace rs::figure

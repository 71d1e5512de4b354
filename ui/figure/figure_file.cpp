#include "figure/figure_file.h"

#include "util/error.h"
#include "util/file_util.h"

#include <QBuffer>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace rs::figure {

namespace {

QSize pixelSize(const QSizeF& inches, int dpi)
{
    if (dpi < kMinDpi || dpi > kMaxDpi)
        throw ParameterError("--dpi",
            "must be between " + std::to_string(kMinDpi) + " and " + std::to_string(kMaxDpi) + ", got "
                + std::to_string(dpi));
    const double w = std::round(inches.width() * dpi), h = std::round(inches.height() * dpi);
    if (!(w >= 1 && h >= 1) || w * h > 4e8)
        throw ParameterError("--dpi",
            "the figure would have " + std::to_string(std::llround(w)) + " x " + std::to_string(std::llround(h))
                + " pixels (at most 400 million)");
    return {int(w), int(h)};
}

void paintOn(QPaintDevice& device, const QRectF& rect, const PaintFn& paint)
{
    QPainter p(&device);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    p.fillRect(rect, Qt::white);
    paint(p, rect);
    p.end();
}

} // namespace

FigureFormat figureFormatOf(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".png")
        return FigureFormat::Png;
    if (ext == ".svg")
        return FigureFormat::Svg;
    if (ext == ".pdf")
        return FigureFormat::Pdf;
    throw ParameterError(path, "a figure is written as .png, .svg or .pdf (the suffix chooses)");
}

QImage renderFigure(const QSizeF& inches, int dpi, const PaintFn& paint)
{
    const QSize size = pixelSize(inches, dpi);
    QImage img(size, QImage::Format_RGB32);
    const int dpm = int(std::lround(dpi / 0.0254));
    img.setDotsPerMeterX(dpm);
    img.setDotsPerMeterY(dpm);
    paintOn(img, QRectF(QPointF(0, 0), QSizeF(size)), paint);
    return img;
}

void writeFigure(const std::string& path, const QSizeF& inches, int dpi, const PaintFn& paint, const QString& title)
{
    const FigureFormat format = figureFormatOf(path);
    const QSize size = pixelSize(inches, dpi);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (format == FigureFormat::Png) {
        if (!renderFigure(inches, dpi, paint).save(&buffer, "PNG"))
            throw IoError(path, "could not encode the figure as PNG");
    } else if (format == FigureFormat::Svg) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setResolution(dpi);
        svg.setTitle(title);
        svg.setDescription(QStringLiteral("ReionScope figure"));
        paintOn(svg, QRectF(QPointF(0, 0), QSizeF(size)), paint);
    } else {
        QPdfWriter pdf(&buffer);
        pdf.setResolution(dpi);
        pdf.setPageSize(QPageSize(inches, QPageSize::Inch, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(title);
        pdf.setCreator(QStringLiteral("ReionScope"));
        paintOn(pdf, QRectF(0, 0, pdf.width(), pdf.height()), paint);
    }
    buffer.close();
    if (bytes.isEmpty())
        throw IoError(path, "the figure came out empty");
    writeFileAtomically(path, bytes.constData(), std::size_t(bytes.size()));
}

} // namespace rs::figure

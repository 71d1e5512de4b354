// Colour-map figures: a cube's slice or a lightcone's line-of-sight cut, with axes and colour bar.
#include "figure/figures.h"

#include "figure/map_image.h"

#include "cube/cube_stats.h"
#include "numerics/interpolate.h"
#include "util/error.h"

#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rs::figure {

namespace {

constexpr double kRestFrequencyMHz = 1420.40575;

DisplayRange rangeFor(const Cube& cube, ColormapId map, const MapOptions& o)
{
    if (!o.range)
        return displayRange(summarize(cube), map);
    const auto [lo, hi] = *o.range;
    if (!(std::isfinite(lo) && std::isfinite(hi) && hi > lo))
        throw ParameterError("--range", "needs LO < HI, both finite");
    return {lo, hi};
}

QString redshiftText(const Cube& cube)
{
    return cube.redshift() ? QStringLiteral(" · z = %1").arg(*cube.redshift(), 0, 'f', 2) : QString();
}

} // namespace

QString quantityLabel(Quantity q)
{
    const QString symbol = QString::fromUtf8(quantitySymbol(q).data(), qsizetype(quantitySymbol(q).size()));
    const std::string_view units = quantityUnits(q);
    return units.empty()
        ? symbol
        : QStringLiteral("%1 [%2]").arg(symbol, QString::fromLatin1(units.data(), qsizetype(units.size())));
}

void paintMap(QPainter& p, const QRectF& rect, const MapFigure& f)
{
    const Style s = figureStyle(p);
    const double lh = s.lineHeight;
    const double titleH = drawTitle(p, rect, f.title, s);
    const Margins m = axisMargins(f.y, s, f.top.has_value());
    const double barW = 1.0 * lh, barGap = 0.9 * lh;
    const double barRoom = barGap + barW + colorBarLabelsWidth(f.range.lo, f.range.hi, s);
    QRectF plot(QPointF(rect.left() + m.left, rect.top() + titleH + m.top),
        QPointF(rect.right() - m.right - barRoom, rect.bottom() - m.bottom));
    if (plot.width() < 10 || plot.height() < 10 || f.rows == 0 || f.cols == 0)
        return;
    if (f.keepAspect) {
        const double aspect = std::abs(f.x.hi - f.x.lo) / std::abs(f.y.hi - f.y.lo);
        if (aspect > 0 && std::isfinite(aspect)) {
            const QSizeF fit = QSizeF(aspect, 1.0).scaled(plot.size(), Qt::KeepAspectRatio);
            const double shift = (plot.width() - fit.width()) / 2;
            plot = QRectF(plot.left() + shift, plot.top(), fit.width(), fit.height());
        }
    }
    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(plot, mapImage(f.values.data(), f.rows, f.cols, f.map, f.range.lo, f.range.hi));
    p.restore();
    drawAxes(p, plot, f.x, f.y, s);
    if (f.top)
        drawTopAxis(p, plot, *f.top, s);
    const QRectF bar(plot.right() + barGap, plot.top(), barW, plot.height());
    drawColorBar(p, bar, f.map, f.range.lo, f.range.hi, f.barLabel, s);
}

MapFigure sliceFigure(const Cube& cube, int axis, std::size_t index, const MapOptions& o)
{
    if (axis < 0 || axis > 2)
        throw ParameterError("--axis", "must be x, y or z");
    const std::string where = cube.metadata().sourcePath.empty() ? "slice" : cube.metadata().sourcePath;
    if (index >= cube.shape()[std::size_t(axis)])
        throw ParameterError(where,
            "slice index " + std::to_string(index) + " is outside the cube (0 to "
                + std::to_string(cube.shape()[std::size_t(axis)] - 1) + " along " + "xyz"[axis] + ")");
    MapFigure f;
    const SliceView slice = cube.slice(axis, index);
    f.rows = slice.rows();
    f.cols = slice.cols();
    f.values = slice.toVector();
    const int rowAxis = axis == 0 ? 1 : 0, colAxis = axis == 2 ? 1 : 2;
    const QString names = QStringLiteral("xyz");
    f.x = axisOver(0.0, cube.boxLength()[std::size_t(colAxis)], QStringLiteral("%1 [Mpc]").arg(names[colAxis]));
    f.y = axisOver(
        0.0, cube.boxLength()[std::size_t(rowAxis)], QStringLiteral("%1 [Mpc]").arg(names[rowAxis]), false, true);
    f.map = o.map.value_or(defaultColormap(cube.quantity(), summarize(cube).min < 0));
    f.range = rangeFor(cube, f.map, o);
    f.barLabel = quantityLabel(cube.quantity());
    const double at = (double(index) + 0.5) * cube.cellSize(axis);
    f.title = o.title.value_or(QStringLiteral("%1%2 · slice at %3 = %4 Mpc (cell %5)")
                                   .arg(QString::fromUtf8(quantitySymbol(cube.quantity()).data()), redshiftText(cube),
                                       QString(names[axis]), QString::number(at, 'f', 1), QString::number(index)));
    return f;
}

MapFigure lightconeFigure(const Cube& cube, int axis, std::size_t index, const MapOptions& o)
{
    const std::string where = cube.metadata().sourcePath.empty() ? "lightcone" : cube.metadata().sourcePath;
    const auto& los = cube.metadata().lightcone;
    if (cube.metadata().kind != FieldKind::Lightcone || !los || los->redshifts.size() != cube.shape()[2])
        throw ParameterError(where, "is not a lightcone (make one with `reionscope-cli lightcone`)");
    if (axis != 0 && axis != 1)
        throw ParameterError("--axis", "a lightcone is cut along x or y (z is its line of sight)");
    if (index >= cube.shape()[std::size_t(axis)])
        throw ParameterError(where,
            "cut index " + std::to_string(index) + " is outside the lightcone (0 to "
                + std::to_string(cube.shape()[std::size_t(axis)] - 1) + ")");
    MapFigure f;
    const SliceView slice = cube.slice(axis, index);
    f.rows = slice.rows();
    f.cols = slice.cols();
    f.values = slice.toVector();
    const std::vector<double>& zs = los->redshifts;
    std::vector<double> d = los->distances;
    if (d.size() != zs.size()) // no distances stored: slices one cell apart from the first
        for (std::size_t k = d.size(); k < zs.size(); ++k)
            d.push_back(double(k) * cube.cellSize(2));
    const double half = d.size() > 1 ? 0.5 * (d.back() - d.front()) / double(d.size() - 1) : 0.5 * cube.cellSize(2);
    f.x = axisOver(d.front() - half, d.back() + half, QStringLiteral("redshift z"));
    for (double z : niceTicks(zs.front(), zs.back(), 9))
        f.x.ticks.push_back({interpolateClamped(zs, d, z), tickLabel(z)});
    Axis nu = f.x;
    nu.label = QStringLiteral("ν = 1420.4 / (1 + z) [MHz]");
    nu.ticks.clear();
    for (double v : niceTicks(kRestFrequencyMHz / (1 + zs.back()), kRestFrequencyMHz / (1 + zs.front()), 9))
        nu.ticks.push_back({interpolateClamped(zs, d, kRestFrequencyMHz / v - 1.0), tickLabel(v)});
    f.top = nu;
    const int other = 1 - axis;
    f.y = axisOver(
        0.0, cube.boxLength()[std::size_t(other)], QStringLiteral("%1 [Mpc]").arg(QChar("xy"[other])), false, true);
    f.map = o.map.value_or(defaultColormap(cube.quantity(), summarize(cube).min < 0));
    f.range = rangeFor(cube, f.map, o);
    f.barLabel = quantityLabel(cube.quantity());
    f.title = o.title.value_or(
        QStringLiteral("%1 lightcone · z %2–%3 · %4 = %5 Mpc")
            .arg(QString::fromUtf8(quantitySymbol(cube.quantity()).data()), QString::number(zs.front(), 'f', 2),
                QString::number(zs.back(), 'f', 2), QString(QChar("xy"[axis])),
                QString::number((double(index) + 0.5) * cube.cellSize(axis), 'f', 1)));
    // 10 inches wide; as tall as the plot at one Mpc across as up needs, plus titles and axes.
    const double aspect = (f.x.hi - f.x.lo) / cube.boxLength()[std::size_t(other)];
    f.inches = QSizeF(10.0, std::clamp(8.4 / std::max(aspect, 1e-3) + 1.4, 1.8, 6.0));
    return f;
}

QImage mapImage(const float* values, std::size_t rows, std::size_t cols, ColormapId id, double lo, double hi)
{
    QImage img(int(cols), int(rows), QImage::Format_RGB32);
    const auto& table = colormapTable(id);
    const double span = hi > lo ? hi - lo : 1.0;
    for (std::size_t r = 0; r < rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(int(r)));
        for (std::size_t c = 0; c < cols; ++c) {
            const float v = values[r * cols + c];
            if (!std::isfinite(v)) {
                line[c] = qRgb(255, 0, 255);
                continue;
            }
            const double t = std::clamp((double(v) - lo) / span, 0.0, 1.0);
            const Rgb8& rgb = table[std::size_t(std::lround(t * 255.0))];
            line[c] = qRgb(rgb[0], rgb[1], rgb[2]);
        }
    }
    return img;
}

} // namespace rs::figure

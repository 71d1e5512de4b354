// Painting of the Lightcone view (lightcone_view.h): pictures, the redshift / frequency / comoving
// distance axes, the transverse slices with a colour strip, and the global history.
#include "explorer/color_bar.h"
#include "explorer/lightcone_view.h"
#include "shell/text_format.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

constexpr int kTransverseWidth = 220;
constexpr int kMargin = 56;

/// Draws `image` into `target`, through a pixmap cached at the target's size (rescaling a long
/// lightcone on every paint is what made scrolling slow).
void drawCached(QPainter& p, const QRect& target, const QImage& image, QPixmap& cache)
{
    if (image.isNull() || target.isEmpty())
        return;
    if (cache.size() != target.size())
        cache = QPixmap::fromImage(image.scaled(target.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation));
    p.drawPixmap(target.topLeft(), cache);
}

void tick(QPainter& p, int x, int y, int dir, const QString& label, int fh)
{
    p.drawLine(x, y, x, y + 4 * dir);
    const int ty = dir < 0 ? y - 4 - fh : y + 4;
    p.drawText(QRect(x - 45, ty, 90, fh), Qt::AlignCenter, label);
}

} // namespace

void LightconeView::paintEvent(QPaintEvent*)
{
    ++m_paints;
    QPainter p(this);
    if (m_cube.empty()) {
        p.fillRect(rect(), palette().window());
        p.drawText(rect(), Qt::AlignCenter, tr("No lightcone open"));
        return;
    }
    // What does not move when the chosen slice does is drawn once into a cached picture; a scroll
    // step repaints only the two cursor columns and the transverse column from it.
    const qreal dpr = devicePixelRatioF();
    if (m_background.isNull() || m_background.size() != size() * dpr) {
        m_background = QPixmap(size() * dpr);
        m_background.setDevicePixelRatio(dpr);
        QPainter b(&m_background);
        b.setFont(font());
        b.fillRect(rect(), palette().window());
        drawPictures(b);
        drawAxes(b, pictureRect());
        drawHistory(b, historyRect());
    }
    p.drawPixmap(0, 0, m_background);
    drawCursor(p);
    drawTransverse(p);
}

void LightconeView::drawPictures(QPainter& p)
{
    const QRect pic = pictureRect();
    const int fh = fontMetrics().height();
    const QColor text = palette().color(QPalette::WindowText);
    if (!m_mismatch.isEmpty()) {
        p.setPen(text);
        p.drawRect(pic.adjusted(0, 0, -1, -1));
        p.drawText(pic.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_mismatch);
        return;
    }
    // Each lightcone spans its own distances on the shared axis.
    auto span = [this](const std::vector<double>& d, const QRect& r) {
        const double h = d.size() > 1 ? 0.5 * (d.back() - d.front()) / double(d.size() - 1) : 0.5;
        const int x0 = int(std::lround(xOfDistance(d.front() - h)));
        const int x1 = int(std::lround(xOfDistance(d.back() + h)));
        return QRect(x0, r.top(), std::max(1, x1 - x0), r.height());
    };
    const QRect a = lightconeRect(0);
    drawCached(p, span(m_dA, a), m_picture, m_scaled);
    p.setPen(text);
    p.drawRect(a.adjusted(0, 0, -1, -1));
    const QRect b = lightconeRect(1);
    if (!b.isEmpty()) {
        drawCached(p, span(m_dB, b), m_pictureB, m_scaledB);
        p.drawRect(b.adjusted(0, 0, -1, -1));
        const QString la = tr("A: %1").arg(QString::fromStdString(m_cube.metadata().sourcePath).section('/', -1));
        const QString lb = tr("B: %1").arg(m_otherLabel.isEmpty()
                ? QString::fromStdString(m_other.metadata().sourcePath).section('/', -1)
                : m_otherLabel);
        for (const auto& [r, label] : {std::pair {a, la}, std::pair {b, lb}}) {
            const QRect box(r.left() + 4, r.top() + 4, fontMetrics().horizontalAdvance(label) + 8, fh + 2);
            p.fillRect(box, QColor(255, 255, 255, 200));
            p.setPen(Qt::black);
            p.drawText(box, Qt::AlignCenter, label);
        }
    }
}

void LightconeView::drawCursor(QPainter& p) const
{
    if (!m_mismatch.isEmpty())
        return;
    p.setPen(QPen(Qt::cyan, 1, Qt::DashLine));
    const int xc = cursorX();
    p.drawLine(xc, pictureRect().top(), xc, historyRect().bottom());
}

void LightconeView::drawAxes(QPainter& p, const QRect& pic)
{
    const int fh = fontMetrics().height();
    p.setPen(palette().color(QPalette::WindowText));
    const int nTicks = std::max(2, pic.width() / 90);
    const double dMax = m_distance->distance(199.0);
    const double zLo = m_distance->redshift(std::clamp(m_axisLo, 0.0, dMax));
    const double zHi = m_distance->redshift(std::clamp(m_axisHi, 0.0, dMax));
    auto inside = [&](double x) { return x >= pic.left() - 0.5 && x <= pic.right() + 0.5; };
    for (double z : niceTicks(zLo, zHi, nTicks))
        if (const double x = xOfRedshift(z); inside(x))
            tick(p, int(std::lround(x)), pic.top(), -1, formatNumber(z, 4), fh);
    for (double nu : niceTicks(frequencyMhz(zHi), frequencyMhz(zLo), nTicks))
        if (const double x = xOfRedshift(kHydrogenLineMhz / nu - 1.0); inside(x))
            tick(p, int(std::lround(x)), pic.bottom() + 1, 1, formatNumber(nu, 4), fh);
    const QRect hist = historyRect();
    for (double d : niceTicks(m_axisLo, m_axisHi, nTicks))
        if (const double x = xOfDistance(d); inside(x))
            tick(p, int(std::lround(x)), hist.bottom() + 1, 1, formatNumber(d, 5), fh);
    const QString what = m_difference.empty() ? quantityWithUnitsPlain(m_cube.quantity())
                                              : tr("A − B, %1").arg(quantityWithUnitsPlain(m_cube.quantity()));
    p.drawText(QRect(pic.left(), pic.top() - 2 * fh - 8, pic.width(), fh), Qt::AlignLeft,
        tr("%1 along the line of sight — redshift z").arg(what));
    p.drawText(QRect(pic.left(), pic.bottom() + fh + 6, pic.width(), fh), Qt::AlignRight, tr("frequency ν [MHz]"));
    p.drawText(
        QRect(hist.left(), hist.bottom() + fh + 6, hist.width(), fh), Qt::AlignRight, tr("comoving distance d [Mpc]"));
}

void LightconeView::drawTransverse(QPainter& p)
{
    const QRect pic = pictureRect();
    const int fh = fontMetrics().height();
    const int side = std::min(kTransverseWidth - kMargin / 2, std::max(40, (pic.height() - 2 * fh - 8) / 2));
    const QRect ta(pic.right() + kMargin / 2, pic.top(), side, side);
    p.drawImage(ta, m_transverse);
    int y = ta.bottom() + 4;
    if (!m_transverseB.isNull()) {
        const QRect tb(ta.left(), ta.bottom() + 6, side, side);
        p.drawImage(tb, m_transverseB);
        y = tb.bottom() + 4;
    }
    const auto& zs = m_cube.metadata().lightcone->redshifts;
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(ta.left(), y, kTransverseWidth, fh), Qt::AlignLeft,
        QStringLiteral("z = %1 · ν = %2 MHz")
            .arg(formatNumber(zs[m_chosen], 4), formatNumber(frequencyMhz(zs[m_chosen]), 5)));
    // Colour strip with its range.
    const QRect strip(ta.left(), y + fh + 4, side, 10);
    p.drawImage(strip, colormapStrip(colormap(), side, 10));
    p.drawText(QRect(strip.left(), strip.bottom() + 2, side, fh), Qt::AlignLeft,
        m_range.constant ? tr("constant %1").arg(formatNumber(m_range.value)) : formatNumber(m_range.lo, 3));
    if (!m_range.constant)
        p.drawText(QRect(strip.left(), strip.bottom() + 2, side, fh), Qt::AlignRight, formatNumber(m_range.hi, 3));
}

void LightconeView::drawHistory(QPainter& p, const QRect& r) const
{
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(r.adjusted(0, 0, -1, -1));
    const bool withB = m_mode != LightconeCompareMode::Single && !m_meansB.empty();
    double lo = *std::min_element(m_meansA.begin(), m_meansA.end());
    double hi = *std::max_element(m_meansA.begin(), m_meansA.end());
    if (withB) {
        lo = std::min(lo, *std::min_element(m_meansB.begin(), m_meansB.end()));
        hi = std::max(hi, *std::max_element(m_meansB.begin(), m_meansB.end()));
    }
    const double span = hi > lo ? hi - lo : 1.0;
    auto curve = [&](const std::vector<double>& means, const std::vector<double>& d, const QPen& pen) {
        QPainterPath path;
        for (std::size_t k = 0; k < means.size(); ++k) {
            const QPointF pt(xOfDistance(d[k]), r.bottom() - (means[k] - lo) / span * (r.height() - 1));
            k == 0 ? path.moveTo(pt) : path.lineTo(pt);
        }
        p.setPen(pen);
        p.drawPath(path);
    };
    const ColormapId line = colormap() == ColormapId::EoR ? ColormapId::Inferno : colormap();
    curve(m_meansA, m_dA, QPen(colormapColor(line, 0.7), 2));
    if (withB)
        curve(m_meansB, m_dB, QPen(colormapColor(line, 0.3), 2, Qt::DashLine));
    // py21cmfast's global neutral fraction against the node redshifts, on [0, 1].
    const LightconeAxis& a = *m_cube.metadata().lightcone;
    for (const char* name : {"xH_box", "neutral_fraction"}) {
        auto it = a.globals.find(name);
        if (it == a.globals.end() || it->second.size() != a.nodeRedshifts.size())
            continue;
        p.setPen(QPen(palette().color(QPalette::WindowText), 1, Qt::DotLine));
        for (std::size_t i = 0; i < a.nodeRedshifts.size(); ++i) {
            const double z = a.nodeRedshifts[i];
            if (z < a.redshifts.front() || z > a.redshifts.back())
                continue;
            p.drawEllipse(QPointF(xOfRedshift(z), r.bottom() - it->second[i] * (r.height() - 1)), 3, 3);
        }
    }
    p.setPen(palette().color(QPalette::WindowText));
    const QString what = withB ? tr("mean %1 per slice (A line, B dashed)") : tr("mean %1 per slice (line)");
    p.drawText(r.adjusted(6, 4, -6, -4), Qt::AlignLeft | Qt::AlignTop,
        what.arg(quantityWithUnitsPlain(m_cube.quantity())) + tr(" · global x_HI (dots) — click to choose z"));
}

} // namespace rs::ui

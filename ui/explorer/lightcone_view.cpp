#include "explorer/lightcone_view.h"

#include "cube/comoving.h"
#include "cube/cube_stats.h"
#include "explorer/color_bar.h"
#include "shell/text_format.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

constexpr int kMargin = 56;
constexpr int kTransverseWidth = 220;

QImage imageOf(const SliceView& s, ColormapId id, const DisplayRange& r)
{
    QImage img(int(s.cols()), int(s.rows()), QImage::Format_RGB32);
    const double span = r.hi > r.lo ? r.hi - r.lo : 1.0;
    for (std::size_t row = 0; row < s.rows(); ++row) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(int(s.rows() - 1 - row))); // row 0 at the bottom
        for (std::size_t c = 0; c < s.cols(); ++c)
            line[c] = colormapColor(id, std::clamp((s.at(row, c) - r.lo) / span, 0.0, 1.0)).rgb();
    }
    return img;
}

} // namespace

LightconeView::LightconeView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(480, 320);
}

void LightconeView::setLightcone(const Cube& cube)
{
    const bool ok = !cube.empty() && cube.metadata().kind == FieldKind::Lightcone && cube.metadata().lightcone
        && cube.metadata().lightcone->redshifts.size() == cube.shape()[2];
    m_cube = ok ? cube : Cube();
    m_sliceMeans.clear();
    if (ok) {
        const Shape& s = cube.shape();
        m_sliceMeans.assign(s[2], 0.0);
        const float* d = cube.data();
        for (std::size_t ij = 0; ij < s[0] * s[1]; ++ij)
            for (std::size_t k = 0; k < s[2]; ++k)
                m_sliceMeans[k] += d[ij * s[2] + k];
        for (double& m : m_sliceMeans)
            m /= double(s[0] * s[1]);
        const SummaryStats st = summarize(cube);
        m_colormap = defaultColormap(cube.quantity(), st.min < 0);
        m_range = displayRange(st, m_colormap);
        if (cube.quantity() == Quantity::NeutralFraction && !m_range.constant)
            m_range = {0.0, 1.0};
        m_cut = s[0] / 2;
        m_chosen = 0;
    }
    rebuildImages();
    update();
}

void LightconeView::setColormap(ColormapId id)
{
    m_colormap = id;
    rebuildImages();
    update();
}

void LightconeView::setCutIndex(std::size_t i)
{
    if (m_cube.empty())
        return;
    m_cut = std::min(i, m_cube.shape()[0] - 1);
    rebuildImages();
    update();
}

double LightconeView::chosenRedshift() const
{
    return m_cube.empty() ? std::nan("") : m_cube.metadata().lightcone->redshifts[m_chosen];
}

void LightconeView::chooseSlice(std::size_t k)
{
    if (m_cube.empty() || k >= m_cube.shape()[2])
        return;
    m_chosen = k;
    m_transverse = imageOf(m_cube.slice(2, k), m_colormap, m_range);
    update();
    Q_EMIT redshiftChosen(chosenRedshift(), k);
}

void LightconeView::rebuildImages()
{
    if (m_cube.empty()) {
        m_picture = m_transverse = QImage();
        return;
    }
    // Axis-0 cut: rows run along axis 1 (transverse), columns along the line of sight.
    m_picture = imageOf(m_cube.slice(0, m_cut), m_colormap, m_range);
    m_transverse = imageOf(m_cube.slice(2, m_chosen), m_colormap, m_range);
}

QRect LightconeView::pictureRect() const
{
    const int w = width() - 2 * kMargin - kTransverseWidth;
    const int h = int((height() - 3 * kMargin) * 0.55);
    return {kMargin, kMargin, std::max(w, 10), std::max(h, 10)};
}

QRect LightconeView::historyRect() const
{
    const QRect pic = pictureRect();
    return {pic.left(), pic.bottom() + kMargin, pic.width(), std::max(height() - pic.bottom() - 2 * kMargin, 10)};
}

std::size_t LightconeView::sliceAtX(int x) const
{
    const QRect r = pictureRect();
    if (m_cube.empty() || x < r.left() || x > r.right())
        return std::size_t(-1);
    const double f = double(x - r.left()) / double(std::max(1, r.width() - 1));
    return std::min(m_cube.shape()[2] - 1, std::size_t(f * double(m_cube.shape()[2])));
}

double LightconeView::xOfRedshift(double z, const QRect& r) const
{
    const auto& zs = m_cube.metadata().lightcone->redshifts;
    const auto it = std::lower_bound(zs.begin(), zs.end(), z);
    const double k = double(std::min<std::ptrdiff_t>(it - zs.begin(), std::ptrdiff_t(zs.size()) - 1));
    return r.left() + (k + 0.5) / double(zs.size()) * r.width();
}

QString LightconeView::readoutAt(QPoint pos) const
{
    const std::size_t k = sliceAtX(pos.x());
    if (k == std::size_t(-1))
        return {};
    const LightconeAxis& a = *m_cube.metadata().lightcone;
    QString text = QStringLiteral("z = %1 · ν = %2 MHz · d = %3 Mpc")
                       .arg(formatNumber(a.redshifts[k], 5), formatNumber(frequencyMhz(a.redshifts[k]), 5),
                           formatNumber(a.distances[k], 6));
    const QRect pic = pictureRect();
    if (pic.contains(pos)) {
        const double f = 1.0 - double(pos.y() - pic.top()) / double(std::max(1, pic.height() - 1));
        const std::size_t j = std::min(m_cube.shape()[1] - 1, std::size_t(f * double(m_cube.shape()[1])));
        text += QStringLiteral(" · %1 = %2")
                    .arg(quantityPlain(m_cube.quantity()), formatValue(m_cube.at(m_cut, j, k), m_cube.quantity()));
    }
    return text;
}

void LightconeView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (m_cube.empty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No lightcone open"));
        return;
    }
    const QRect pic = pictureRect();
    p.drawImage(pic, m_picture);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawRect(pic.adjusted(0, 0, -1, -1));
    // Redshift ticks above, frequency below.
    const auto& zs = m_cube.metadata().lightcone->redshifts;
    const int fh = fontMetrics().height();
    for (double z : niceTicks(zs.front(), zs.back(), std::max(2, pic.width() / 90))) {
        const int x = int(xOfRedshift(z, pic));
        p.drawLine(x, pic.top() - 4, x, pic.top());
        p.drawText(QRect(x - 40, pic.top() - 4 - fh, 80, fh), Qt::AlignCenter, formatNumber(z, 4));
        p.drawLine(x, pic.bottom(), x, pic.bottom() + 4);
        p.drawText(QRect(x - 40, pic.bottom() + 4, 80, fh), Qt::AlignCenter, formatNumber(frequencyMhz(z), 4));
    }
    p.drawText(QRect(pic.left(), pic.top() - 2 * fh - 6, pic.width(), fh), Qt::AlignLeft,
        tr("%1 along the line of sight — redshift z").arg(quantityWithUnitsPlain(m_cube.quantity())));
    p.drawText(QRect(pic.left(), pic.bottom() + fh + 6, pic.width(), fh), Qt::AlignRight, tr("frequency ν [MHz]"));
    // Chosen slice marker and the transverse slice there.
    const int xc = int(pic.left() + (double(m_chosen) + 0.5) / double(zs.size()) * pic.width());
    p.setPen(QPen(Qt::cyan, 1, Qt::DashLine));
    p.drawLine(xc, pic.top(), xc, historyRect().bottom());
    const QRect tr_(
        pic.right() + kMargin / 2, pic.top(), kTransverseWidth - kMargin / 2, kTransverseWidth - kMargin / 2);
    p.drawImage(tr_, m_transverse);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(tr_.left(), tr_.bottom() + 4, tr_.width(), 2 * fh), Qt::AlignLeft,
        QStringLiteral("z = %1\nν = %2 MHz")
            .arg(formatNumber(zs[m_chosen], 4), formatNumber(frequencyMhz(zs[m_chosen]), 5)));
    drawHistory(p, historyRect());
}

void LightconeView::drawHistory(QPainter& p, const QRect& r) const
{
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(r.adjusted(0, 0, -1, -1));
    const auto [lo, hi] = std::minmax_element(m_sliceMeans.begin(), m_sliceMeans.end());
    const double span = *hi > *lo ? *hi - *lo : 1.0;
    QPainterPath path;
    for (std::size_t k = 0; k < m_sliceMeans.size(); ++k) {
        const QPointF pt(r.left() + (double(k) + 0.5) / double(m_sliceMeans.size()) * r.width(),
            r.bottom() - (m_sliceMeans[k] - *lo) / span * (r.height() - 1));
        k == 0 ? path.moveTo(pt) : path.lineTo(pt);
    }
    p.setPen(QPen(colormapColor(m_colormap, 0.7), 2));
    p.drawPath(path);
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
            p.drawEllipse(QPointF(xOfRedshift(z, r), r.bottom() - it->second[i] * (r.height() - 1)), 3, 3);
        }
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(r.adjusted(6, 4, -6, -4), Qt::AlignLeft | Qt::AlignTop,
        tr("mean %1 per slice (line) · global x_HI (dots) — click to choose z")
            .arg(quantityWithUnitsPlain(m_cube.quantity())));
}

void LightconeView::mousePressEvent(QMouseEvent* e)
{
    const std::size_t k = sliceAtX(int(e->position().x()));
    if (k != std::size_t(-1))
        chooseSlice(k);
}

void LightconeView::mouseMoveEvent(QMouseEvent* e)
{
    const QString text = readoutAt(e->position().toPoint());
    if (!text.isEmpty())
        Q_EMIT hovered(text);
}

void LightconeView::resizeEvent(QResizeEvent*)
{
    update();
}

} // namespace rs::ui

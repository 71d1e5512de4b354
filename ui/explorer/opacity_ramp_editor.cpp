#include "explorer/opacity_ramp_editor.h"

#include "shell/text_format.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {
constexpr double kHandle = 5.0;
} // namespace

OpacityRampEditor::OpacityRampEditor(QWidget* parent)
    : QWidget(parent)
{
    setMinimumHeight(60);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setToolTip(tr("Opacity ramp: drag points; double-click to add one; right-click a point to remove it"));
}

QSize OpacityRampEditor::sizeHint() const
{
    return {300, 80};
}

void OpacityRampEditor::setTransferFunction(const TransferFunction& tf)
{
    m_tf = tf;
    m_points = normalizedRamp(tf.opacity);
    double top = 0;
    for (const QPointF& p : m_points)
        top = std::max(top, p.y());
    // Show small opacities large enough to edit: the axis top is a round value above the ramp.
    setOpacityScale(top <= 0.1 ? 0.1 : top <= 0.25 ? 0.25 : top <= 0.5 ? 0.5 : 1.0);
}

void OpacityRampEditor::setRamp(const std::vector<QPointF>& points)
{
    m_points = normalizedRamp(points);
    update();
    Q_EMIT rampEdited(m_points);
}

void OpacityRampEditor::setOpacityScale(double top)
{
    m_top = std::clamp(top, 0.05, 1.0);
    update();
}

QRectF OpacityRampEditor::plotRect() const
{
    return QRectF(8, 6, width() - 16, height() - 26);
}

QPointF OpacityRampEditor::toWidget(const QPointF& p) const
{
    const QRectF r = plotRect();
    return {r.left() + p.x() * r.width(), r.bottom() - std::min(p.y() / m_top, 1.0) * r.height()};
}

QPointF OpacityRampEditor::fromWidget(const QPointF& w) const
{
    const QRectF r = plotRect();
    return {std::clamp((w.x() - r.left()) / r.width(), 0.0, 1.0),
        std::clamp((r.bottom() - w.y()) / r.height(), 0.0, 1.0) * m_top};
}

int OpacityRampEditor::pointNear(const QPointF& w) const
{
    for (int i = 0; i < int(m_points.size()); ++i)
        if (QLineF(toWidget(m_points[std::size_t(i)]), w).length() <= kHandle + 3)
            return i;
    return -1;
}

void OpacityRampEditor::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = plotRect();
    p.fillRect(r, palette().base());
    // colour strip under the plot
    const QRectF strip(r.left(), r.bottom() + 3, r.width(), 7);
    p.drawImage(strip, colormapStrip(m_tf.colormap, std::max(2, int(strip.width())), 1));
    // ramp filled with the map's colours, faded by opacity
    QPainterPath path(toWidget({0, 0}));
    for (const QPointF& pt : m_points)
        path.lineTo(toWidget(pt));
    path.lineTo(toWidget({1, 0}));
    path.closeSubpath();
    QLinearGradient g(r.topLeft(), r.topRight());
    for (int i = 0; i <= 8; ++i) {
        QColor c = colormapColor(m_tf.colormap, i / 8.0);
        c.setAlpha(150);
        g.setColorAt(i / 8.0, c);
    }
    p.fillPath(path, g);
    p.setPen(QPen(palette().color(QPalette::Text), 1.5));
    QPolygonF line;
    for (const QPointF& pt : m_points)
        line << toWidget(pt);
    p.drawPolyline(line);
    p.setBrush(palette().color(QPalette::Highlight));
    for (const QPointF& pt : m_points)
        p.drawEllipse(toWidget(pt), kHandle, kHandle);
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(Qt::NoBrush);
    p.drawRect(r);
    p.setPen(palette().color(QPalette::Text));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    p.drawText(r.adjusted(3, 1, -3, 0), Qt::AlignTop | Qt::AlignLeft, tr("opacity %1").arg(m_top));
    p.drawText(QRectF(r.left(), r.bottom() + 8, r.width(), 14), Qt::AlignLeft | Qt::AlignBottom,
        formatNumber(m_tf.range.lo, 3));
    p.drawText(QRectF(r.left(), r.bottom() + 8, r.width(), 14), Qt::AlignRight | Qt::AlignBottom,
        formatNumber(m_tf.range.hi, 3));
}

void OpacityRampEditor::mousePressEvent(QMouseEvent* e)
{
    const int i = pointNear(e->position());
    if (e->button() == Qt::RightButton) {
        if (i > 0 && i + 1 < int(m_points.size())) {
            m_points.erase(m_points.begin() + i);
            update();
            Q_EMIT rampEdited(m_points);
        }
        return;
    }
    if (e->button() == Qt::LeftButton)
        m_drag = i;
}

void OpacityRampEditor::mouseMoveEvent(QMouseEvent* e)
{
    if (m_drag < 0)
        return;
    QPointF p = fromWidget(e->position());
    const std::size_t i = std::size_t(m_drag);
    if (i == 0)
        p.setX(0.0);
    else if (i + 1 == m_points.size())
        p.setX(1.0);
    else // stay between the neighbours so the order never changes mid-drag
        p.setX(std::clamp(p.x(), m_points[i - 1].x() + 1e-3, m_points[i + 1].x() - 1e-3));
    m_points[i] = p;
    update();
    Q_EMIT rampEdited(m_points);
}

void OpacityRampEditor::mouseReleaseEvent(QMouseEvent*)
{
    m_drag = -1;
}

void OpacityRampEditor::mouseDoubleClickEvent(QMouseEvent* e)
{
    if (pointNear(e->position()) >= 0)
        return;
    m_points.push_back(fromWidget(e->position()));
    m_points = normalizedRamp(m_points);
    update();
    Q_EMIT rampEdited(m_points);
}

} // namespace rs::ui

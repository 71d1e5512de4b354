#include "figure/figures.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rs::figure {

void paintVolume(QPainter& p, const QRectF& rect, const VolumeFigure& f)
{
    const Style s = figureStyle(p);
    const double lh = s.lineHeight;
    const double titleH = drawTitle(p, rect, f.title, s);
    const double captionH = f.caption.isEmpty() ? 0.0 : 1.6 * lh;
    const double barW = 1.0 * lh, barGap = 0.9 * lh;
    const double barRoom = barGap + barW + colorBarLabelsWidth(f.range.lo, f.range.hi, s);
    QRectF area(QPointF(rect.left() + 0.5 * lh, rect.top() + titleH + 0.3 * lh),
        QPointF(rect.right() - barRoom - 0.5 * lh, rect.bottom() - captionH - 0.3 * lh));
    if (area.width() < 10 || area.height() < 10 || f.image.isNull())
        return;
    // The rendering keeps its own aspect, centred in the room left of the colour bar.
    const QSizeF fit = QSizeF(f.image.size()).scaled(area.size(), Qt::KeepAspectRatio);
    const QRectF picture(QPointF(area.left() + (area.width() - fit.width()) / 2, area.top()), fit);
    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    p.drawImage(picture, f.image);
    p.restore();

    const QRectF bar(picture.right() + barGap, picture.top(), barW, picture.height());
    drawColorBar(p, bar, f.map, f.range.lo, f.range.hi, f.barLabel, s);
    // The opacity ramp across the bar: values up, opacity 0 (left edge) to 1 (right edge).
    if (f.opacity.size() >= 2) {
        QPainterPath ramp;
        for (std::size_t i = 0; i < f.opacity.size(); ++i) {
            const QPointF o = f.opacity[i];
            const QPointF at(bar.left() + std::clamp(o.y(), 0.0, 1.0) * bar.width(),
                bar.bottom() - std::clamp(o.x(), 0.0, 1.0) * bar.height());
            i == 0 ? ramp.moveTo(at) : ramp.lineTo(at);
        }
        p.save();
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(Qt::white, 2.4 * s.pt));
        p.drawPath(ramp);
        p.setPen(QPen(Qt::black, 1.0 * s.pt));
        p.drawPath(ramp);
        p.restore();
    }
    if (captionH > 0) {
        p.save();
        p.setFont(s.font);
        p.setPen(s.ink);
        p.drawText(QRectF(rect.left(), rect.bottom() - captionH, rect.width(), captionH), Qt::AlignCenter, f.caption);
        p.restore();
    }
}

} // namespace rs::figure

#include "charts/power_map.h"

#include <QPaintEvent>
#include <QPainter>
#include <QPalette>

namespace rs::ui::charts {

PowerMapView::PowerMapView(QWidget* parent)
    : QWidget(parent)
{
    setMinimumSize(200, 160);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Qt::white);
    setPalette(pal);
}

void PowerMapView::setData(const PowerMapData& d)
{
    m_data = d;
    m_hasData = true;
    m_note.clear();
    update();
}

void PowerMapView::setNote(const QString& note)
{
    m_hasData = false;
    m_note = note;
    update();
}

void PowerMapView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    if (!m_hasData) {
        p.drawText(rect(), Qt::AlignCenter, m_note);
        return;
    }
    paintPowerMap(p, QRectF(rect()).adjusted(6, 4, -6, -4), m_data);
}

} // namespace rs::ui::charts

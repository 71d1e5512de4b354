#include "explorer/color_bar.h"

#include "shell/text_format.h"

#include <QPainter>
#include <QTextDocument>

#include <cmath>

namespace rs::ui {

namespace {
constexpr int kStripWidth = 14;
constexpr int kMargin = 6;
} // namespace

ColorBar::ColorBar(QWidget* parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
}

void ColorBar::setColormap(ColormapId id)
{
    m_colormap = id;
    update();
}

void ColorBar::setRange(DisplayRange range)
{
    m_range = range;
    update();
}

void ColorBar::setTitle(const QString& html)
{
    m_title = html;
    update();
}

std::vector<double> ColorBar::ticks() const
{
    return niceTicks(m_range.lo, m_range.hi, std::max(2, height() / 40));
}

QSize ColorBar::sizeHint() const
{
    return {84, 200};
}

QSize ColorBar::minimumSizeHint() const
{
    return {84, 80};
}

void ColorBar::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();

    QTextDocument title;
    title.setDefaultFont(font());
    title.setHtml(
        QStringLiteral("<div style='color:%1'>%2</div>").arg(pal.color(QPalette::WindowText).name(), m_title));
    title.setTextWidth(width() - 2);
    const int titleH = int(std::ceil(title.size().height()));
    p.save();
    p.translate(1, 0);
    title.drawContents(&p);
    p.restore();

    const int fh = fontMetrics().height();
    const QRect strip(kMargin, titleH + fh / 2 + 2, kStripWidth, height() - titleH - fh - 6);
    if (strip.height() < 10)
        return;
    // The map runs upwards: sample one colour per pixel row.
    for (int y = 0; y < strip.height(); ++y) {
        const double t = strip.height() > 1 ? 1.0 - double(y) / (strip.height() - 1) : 0.0;
        p.setPen(colormapColor(m_colormap, t));
        p.drawLine(strip.left(), strip.top() + y, strip.right(), strip.top() + y);
    }
    p.setPen(pal.color(QPalette::Mid));
    p.setBrush(Qt::NoBrush);
    p.drawRect(strip.adjusted(0, 0, 0, -1));

    p.setPen(pal.color(QPalette::WindowText));
    if (m_range.constant) { // a fully ionized x_HI ≡ 0 or δT_b ≡ 0 is not a signal: say so
        p.drawText(QRect(strip.right() + 4, strip.top(), width() - strip.right() - 5, strip.height()),
            Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap,
            tr("constant\n%1").arg(formatNumber(m_range.value, 4)));
        return;
    }
    const double span = m_range.hi - m_range.lo;
    for (double t : niceTicks(m_range.lo, m_range.hi, std::max(2, strip.height() / 40))) {
        const double f = span > 0 ? (t - m_range.lo) / span : 0.0;
        const int y = strip.bottom() - int(std::lround(f * (strip.height() - 1)));
        p.drawLine(strip.right() + 1, y, strip.right() + 4, y);
        p.drawText(QRect(strip.right() + 7, y - fh / 2, width() - strip.right() - 8, fh),
            Qt::AlignLeft | Qt::AlignVCenter, formatNumber(t, 3));
    }
}

} // namespace rs::ui

#include "studio/map_grid.h"

#include "figure/map_image.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rs::ui {

std::pair<double, double> mapDisplayRange(Quantity q, double mean, double std)
{
    if (q == Quantity::NeutralFraction)
        return {0.0, 1.0};
    const double hi = mean + 3 * std;
    if (q == Quantity::BrightnessTemperature)
        return {0.0, hi > 0 ? hi : 1.0};
    return {mean - 3 * std, hi > mean - 3 * std ? hi : mean - 3 * std + 1};
}

MapGrid::MapGrid(QWidget* parent)
    : QWidget(parent)
{
    setMinimumSize(160, 160);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MapGrid::clear()
{
    m_values.clear();
    m_images.clear();
    m_captions.clear();
    update();
}

void MapGrid::setMaps(const std::vector<float>& values, std::size_t count, std::size_t rows, std::size_t cols,
    double lo, double hi, const QStringList& captions, int columns)
{
    m_values = values;
    m_lo = lo;
    m_hi = hi > lo ? hi : lo + 1;
    m_captions = captions;
    m_columns = columns > 0 ? columns : std::max(1, int(std::ceil(std::sqrt(double(count)))));
    m_images.clear();
    for (std::size_t m = 0; m < count && (m + 1) * rows * cols <= values.size(); ++m)
        m_images.push_back(rs::figure::mapImage(values.data() + m * rows * cols, rows, cols, m_colormap, m_lo, m_hi));
    update();
}

void MapGrid::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (m_images.empty()) {
        Q_EMIT painted();
        return;
    }
    const QFontMetrics fm = fontMetrics();
    const int barW = 14, barText = fm.horizontalAdvance(QStringLiteral("−000.0 ")) + 4;
    const int n = int(m_images.size()), cols = std::min(m_columns, n), rows = (n + cols - 1) / cols;
    const int caption = m_captions.isEmpty() ? 0 : fm.height() + 2;
    const double cellW = double(width() - barW - barText - 12) / cols, cellH = double(height() - 4) / rows - caption;
    const double side = std::max(8.0, std::min(cellW, cellH) - 4);
    for (int i = 0; i < n; ++i) {
        const double x = 2 + (i % cols) * (side + 4), y = 2 + (i / cols) * (side + 4 + caption);
        const QImage& img = m_images[std::size_t(i)];
        const double aspect = double(img.width()) / std::max(1, img.height());
        const QRectF target(x, y, aspect >= 1 ? side : side * aspect, aspect >= 1 ? side / aspect : side);
        p.drawImage(target, img);
        if (i < m_captions.size())
            p.drawText(QRectF(x, target.bottom() + 1, side, caption), Qt::AlignHCenter | Qt::AlignTop, m_captions[i]);
    }
    // The colour bar: high at the top.
    const double gridW = cols * (side + 4);
    const QRectF bar(gridW + 8, 2 + fm.height(), barW, std::max(20.0, rows * (side + 4 + caption) - 2 * fm.height()));
    QImage strip = rs::figure::colormapStrip(m_colormap, 256, 1).transformed(QTransform().rotate(-90));
    p.drawImage(bar, strip);
    p.setPen(palette().color(QPalette::Text));
    p.drawRect(bar);
    p.drawText(QPointF(bar.right() + 3, bar.top() + fm.ascent() / 2.0), QString::number(m_hi, 'g', 3));
    p.drawText(QPointF(bar.right() + 3, bar.bottom() + fm.ascent() / 2.0), QString::number(m_lo, 'g', 3));
    if (!m_scaleTitle.isEmpty())
        p.drawText(QPointF(bar.left(), bar.top() - 4), m_scaleTitle);
    Q_EMIT painted();
}

} // namespace rs::ui

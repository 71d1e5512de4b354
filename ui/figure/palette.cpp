#include "figure/palette.h"

namespace rs::figure {

QColor seriesColor(std::size_t i)
{
    static const QColor tab10[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
        QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2),
        QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
    return tab10[i % (sizeof tab10 / sizeof tab10[0])];
}

QPen seriesPen(const QColor& color, double width)
{
    QPen pen(color);
    pen.setWidthF(width);
    return pen;
}

} // namespace rs::figure

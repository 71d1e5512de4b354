#include "figure/axes.h"

#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace rs::figure {

namespace {
constexpr double kTickPt = 3.5; // tick length
} // namespace

std::vector<double> niceTicks(double lo, double hi, int maxTicks)
{
    std::vector<double> ticks;
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || maxTicks < 2)
        return ticks;
    const double rough = (hi - lo) / double(maxTicks - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(rough)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= rough) {
            step = m * mag;
            break;
        }
    for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step)
        ticks.push_back(std::abs(t) < 1e-12 * step ? 0.0 : t);
    return ticks;
}

std::vector<double> logTicks(double lo, double hi)
{
    std::vector<double> t;
    if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi))
        return t;
    const bool dense = std::log10(hi / lo) < 1.5;
    for (int d = int(std::floor(std::log10(lo))); d <= int(std::ceil(std::log10(hi))); ++d)
        for (double m : {1.0, 2.0, 5.0}) {
            if (m != 1.0 && !dense)
                continue;
            const double v = m * std::pow(10.0, d);
            if (v >= lo * 0.999 && v <= hi * 1.001)
                t.push_back(v);
        }
    return t;
}

QString tickLabel(double v)
{
    QString s = QString::number(v, 'g', 3);
    s.replace(QLatin1Char('-'), QChar(0x2212));
    return s;
}

Style figureStyle(QPainter& p, double fontPt, double scale)
{
    Style s;
    const QPaintDevice* dev = p.device();
    s.pt = (dev ? dev->logicalDpiY() : 72) / 72.0 * scale;
    s.font = QFont(QStringLiteral("DejaVu Sans"));
    s.font.setStyleHint(QFont::SansSerif);
    s.font.setPointSizeF(fontPt * scale);
    s.titleFont = s.font;
    s.titleFont.setPointSizeF(fontPt * 1.2 * scale);
    s.lineHeight = QFontMetricsF(s.font, dev).height();
    s.device = dev;
    return s;
}

Axis axisOver(double lo, double hi, const QString& label, bool log, bool reversed)
{
    Axis a;
    a.lo = lo;
    a.hi = hi;
    a.label = label;
    a.log = log;
    a.reversed = reversed;
    return a;
}

double Axis::map(double v, double from, double to) const
{
    double a = lo, b = hi, x = v;
    if (log) {
        a = std::log10(lo);
        b = std::log10(hi);
        x = std::log10(v);
    }
    double t = b > a ? (x - a) / (b - a) : 0.5;
    if (reversed)
        t = 1.0 - t;
    return from + t * (to - from);
}

std::vector<Tick> Axis::tickList(int maxTicks) const
{
    if (!ticks.empty())
        return ticks;
    std::vector<Tick> out;
    for (double v : log ? logTicks(lo, hi) : niceTicks(lo, hi, maxTicks))
        out.push_back({v, tickLabel(v)});
    // Close round values (16.95 and 17 at 3 digits) get more digits until every label differs.
    for (int digits = 4; digits <= 8; ++digits) {
        bool distinct = true;
        for (std::size_t i = 1; i < out.size(); ++i)
            distinct = distinct && out[i].label != out[i - 1].label;
        if (distinct)
            break;
        for (Tick& t : out)
            t.label = QString::number(t.at, 'g', digits).replace(QLatin1Char('-'), QChar(0x2212));
    }
    return out;
}

namespace {

double widestLabel(const std::vector<Tick>& ticks, const Style& s)
{
    const QFontMetricsF fm(s.font, s.device);
    double w = fm.horizontalAdvance(QStringLiteral("0"));
    for (const Tick& t : ticks)
        w = std::max(w, fm.horizontalAdvance(t.label));
    return w;
}

void drawRotated(QPainter& p, QPointF centre, const QString& text, double width, const Style& s)
{
    p.save();
    p.translate(centre);
    p.rotate(-90);
    p.drawText(QRectF(-width / 2, -0.7 * s.lineHeight, width, 1.4 * s.lineHeight), Qt::AlignCenter, text);
    p.restore();
}

/// Ticks along the x axis at `y` pointing `dir` (+1 down, −1 up), labels beyond them.
void drawXTicks(QPainter& p, const QRectF& plot, const Axis& x, double y, int dir, const Style& s)
{
    const double tick = kTickPt * s.pt, lh = s.lineHeight;
    for (const Tick& t : x.tickList(std::max(3, int(plot.width() / (6 * lh))))) {
        const double px = x.map(t.at, plot.left(), plot.right());
        if (px < plot.left() - 0.5 || px > plot.right() + 0.5)
            continue;
        p.drawLine(QPointF(px, y), QPointF(px, y + dir * tick));
        const QRectF r(px - 4 * lh, dir > 0 ? y + tick : y - tick - lh, 8 * lh, lh);
        p.drawText(r, Qt::AlignHCenter | (dir > 0 ? Qt::AlignTop : Qt::AlignBottom), t.label);
    }
}

/// Ink for frames and ticks: antialiased thin lines, no fill, the label font.
void useFramePen(QPainter& p, const Style& s)
{
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(s.ink, 0.8 * s.pt));
    p.setBrush(Qt::NoBrush);
    p.setFont(s.font);
}

} // namespace

Margins axisMargins(const Axis& y, const Style& s, bool topAxis)
{
    const double tick = kTickPt * s.pt, lh = s.lineHeight;
    Margins m;
    m.left = tick + widestLabel(y.tickList(), s) * 1.05 + 0.4 * lh + 1.6 * lh;
    m.bottom = tick + 1.1 * lh + 1.6 * lh;
    m.top = topAxis ? tick + 1.1 * lh + 1.6 * lh : 0.6 * lh;
    m.right = 0.8 * lh;
    return m;
}

void drawAxes(QPainter& p, const QRectF& plot, const Axis& x, const Axis& y, const Style& s)
{
    p.save();
    useFramePen(p, s);
    p.drawRect(plot);
    const double tick = kTickPt * s.pt, lh = s.lineHeight;
    drawXTicks(p, plot, x, plot.bottom(), +1, s);
    p.drawText(QRectF(plot.left(), plot.bottom() + tick + 1.1 * lh, plot.width(), 1.5 * lh), Qt::AlignCenter, x.label);
    const std::vector<Tick> yt = y.tickList(std::max(3, int(plot.height() / (2.5 * lh))));
    const double labelW = widestLabel(yt, s) * 1.05;
    for (const Tick& t : yt) {
        const double py = y.map(t.at, plot.bottom(), plot.top());
        if (py < plot.top() - 0.5 || py > plot.bottom() + 0.5)
            continue;
        p.drawLine(QPointF(plot.left() - tick, py), QPointF(plot.left(), py));
        p.drawText(QRectF(plot.left() - tick - 0.3 * lh - labelW, py - lh / 2, labelW, lh),
            Qt::AlignRight | Qt::AlignVCenter, t.label);
    }
    drawRotated(p, QPointF(plot.left() - tick - 0.4 * lh - labelW - 0.8 * lh, plot.center().y()), y.label,
        plot.height() + 4 * lh, s);
    p.restore();
}

void drawTopAxis(QPainter& p, const QRectF& plot, const Axis& x, const Style& s)
{
    p.save();
    useFramePen(p, s);
    const double tick = kTickPt * s.pt, lh = s.lineHeight;
    drawXTicks(p, plot, x, plot.top(), -1, s);
    p.drawText(
        QRectF(plot.left(), plot.top() - tick - 1.1 * lh - 1.5 * lh, plot.width(), 1.5 * lh), Qt::AlignCenter, x.label);
    p.restore();
}

double drawTitle(QPainter& p, const QRectF& rect, const QString& title, const Style& s)
{
    if (title.isEmpty())
        return 0.5 * s.lineHeight;
    p.save();
    p.setPen(s.ink);
    p.setFont(s.titleFont);
    const double h = 1.9 * QFontMetricsF(s.titleFont, p.device()).height();
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), h), Qt::AlignCenter, title);
    p.restore();
    return h;
}

double colorBarLabelsWidth(double lo, double hi, const Style& s)
{
    std::vector<Tick> ticks;
    for (double v : niceTicks(lo, hi, 6))
        ticks.push_back({v, tickLabel(v)});
    return kTickPt * s.pt + 0.3 * s.lineHeight + widestLabel(ticks, s) * 1.05 + 1.8 * s.lineHeight;
}

void drawColorBar(
    QPainter& p, const QRectF& bar, ColormapId map, double lo, double hi, const QString& label, const Style& s)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    const int steps = std::clamp(int(bar.height()), 2, 512);
    for (int i = 0; i < steps; ++i) {
        const double t = (i + 0.5) / steps;
        const double y0 = bar.bottom() - (i + 1) * bar.height() / steps;
        p.fillRect(QRectF(bar.left(), y0, bar.width(), bar.height() / steps + 0.6), colormapColor(map, t));
    }
    useFramePen(p, s);
    p.drawRect(bar);
    const double tick = kTickPt * s.pt, lh = s.lineHeight;
    std::vector<Tick> ticks;
    for (double v : niceTicks(lo, hi, std::max(3, std::min(8, int(bar.height() / (2.2 * lh))))))
        ticks.push_back({v, tickLabel(v)});
    const double labelW = widestLabel(ticks, s) * 1.05;
    for (const Tick& t : ticks) {
        const double y = bar.bottom() - (t.at - lo) / (hi - lo) * bar.height();
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + tick, y));
        p.drawText(QRectF(bar.right() + tick + 0.3 * lh, y - lh / 2, labelW + lh, lh), Qt::AlignLeft | Qt::AlignVCenter,
            t.label);
    }
    drawRotated(p, QPointF(bar.right() + tick + 0.3 * lh + labelW + 0.9 * lh, bar.center().y()), label,
        bar.height() + 6 * lh, s);
    p.restore();
}

void drawLegend(QPainter& p, const QRectF& plot, const std::vector<LegendEntry>& entries, const Style& s,
    const std::vector<QPointF>& avoid)
{
    if (entries.empty())
        return;
    p.save();
    p.setFont(s.font);
    const QFontMetricsF fm(s.font, p.device());
    const double lh = s.lineHeight, sample = 16 * s.pt, pad = 0.4 * lh;
    double w = 0;
    for (const LegendEntry& e : entries)
        w = std::max(w, fm.horizontalAdvance(e.name));
    w = std::min(w, plot.width() * 0.6);
    const QSizeF size(pad * 3 + sample + w, pad * 2 + lh * double(entries.size()));
    const double l = plot.left() + pad, r = plot.right() - pad - size.width();
    const double t = plot.top() + pad, b = plot.bottom() - pad - size.height();
    QRectF box;
    long best = -1;
    for (const QPointF at : {QPointF(r, t), QPointF(l, t), QPointF(r, b), QPointF(l, b)}) {
        const QRectF candidate(at, size);
        const long covered = long(std::count_if(avoid.begin(), avoid.end(),
            [&](const QPointF& q) { return candidate.adjusted(-pad, -pad, pad, pad).contains(q); }));
        if (best < 0 || covered < best) {
            best = covered;
            box = candidate;
        }
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(0x80, 0x80, 0x80), 0.6 * s.pt));
    p.setBrush(QColor(255, 255, 255, 230));
    p.drawRect(box);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const double y = box.top() + pad + lh * (double(i) + 0.5);
        p.setPen(QPen(entries[i].color, 1.6 * s.pt));
        p.drawLine(QPointF(box.left() + pad, y), QPointF(box.left() + pad + sample, y));
        p.setPen(s.ink);
        p.drawText(QRectF(box.left() + 2 * pad + sample, y - lh / 2, w, lh), Qt::AlignLeft | Qt::AlignVCenter,
            fm.elidedText(entries[i].name, Qt::ElideRight, w));
    }
    p.restore();
}

} // namespace rs::figure

#include "studio/parallel_coords_view.h"

#include "studio/run_columns.h"
#include "vtk/colormap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

constexpr double kGrab = 14; // pixels either side of an axis that start a brush

} // namespace

ParallelCoordsView::ParallelCoordsView(QWidget* parent)
    : QWidget(parent)
{
    setMinimumHeight(180);
    setMouseTracking(false);
    setToolTip(tr("Drag along an axis to keep only the runs in that range (the runs table follows); "
                  "click an axis to clear its range"));
}

void ParallelCoordsView::setData(
    const QStringList& keys, const QStringList& titles, const std::vector<ParallelRun>& runs)
{
    std::vector<Axis> axes;
    for (int i = 0; i < keys.size(); ++i) {
        Axis a;
        a.key = keys[i];
        a.title = i < titles.size() ? titles[i] : keys[i];
        double lo = INFINITY, hi = -INFINITY;
        bool numeric = true;
        for (const ParallelRun& r : runs) {
            const QVariant& v = std::size_t(i) < r.values.size() ? r.values[std::size_t(i)] : QVariant();
            if (!v.isValid())
                continue;
            if (v.typeId() == QMetaType::Double) {
                lo = std::min(lo, v.toDouble());
                hi = std::max(hi, v.toDouble());
            } else {
                numeric = false;
            }
        }
        if (!numeric) {
            for (const ParallelRun& r : runs)
                if (std::size_t(i) < r.values.size() && r.values[std::size_t(i)].isValid()
                    && !a.categories.contains(runValueText(r.values[std::size_t(i)])))
                    a.categories << runValueText(r.values[std::size_t(i)]);
            std::sort(a.categories.begin(), a.categories.end(),
                [](const QString& x, const QString& y) { return runValueLess(x, y); });
        } else if (std::isfinite(lo)) {
            a.log = lo > 0 && hi / lo > 20;
            a.lo = a.log ? std::log10(lo) : lo;
            a.hi = a.log ? std::log10(hi) : hi;
            if (a.hi == a.lo) { // one value: centre it
                a.lo -= 0.5;
                a.hi += 0.5;
            }
        }
        for (const Axis& old : m_axes)
            if (old.key == a.key)
                a.brush = old.brush;
        axes.push_back(std::move(a));
    }
    const std::optional<QSet<QString>> before = brushedRuns();
    m_keys = keys;
    m_axes = std::move(axes);
    m_runs = runs;
    update();
    if (brushedRuns() != before)
        Q_EMIT brushChanged();
}

std::optional<double> ParallelCoordsView::position(const Axis& a, const QVariant& v) const
{
    if (!v.isValid())
        return std::nullopt;
    if (!a.categories.isEmpty()) {
        const int i = int(a.categories.indexOf(runValueText(v)));
        if (i < 0)
            return std::nullopt;
        return a.categories.size() == 1 ? 0.5 : double(i) / double(a.categories.size() - 1);
    }
    if (v.typeId() != QMetaType::Double)
        return std::nullopt;
    double x = v.toDouble();
    if (a.log) {
        if (x <= 0)
            return std::nullopt;
        x = std::log10(x);
    }
    return (x - a.lo) / (a.hi - a.lo);
}

QRectF ParallelCoordsView::plotRect() const
{
    const double fh = fontMetrics().height();
    return QRectF(50, 2.5 * fh + 6, std::max(10.0, width() - 100.0), std::max(10.0, height() - 5.2 * fh - 12));
}

double ParallelCoordsView::axisX(int axis) const
{
    const QRectF p = plotRect();
    const int n = int(m_axes.size());
    return n <= 1 ? p.center().x() : p.left() + p.width() * axis / double(n - 1);
}

double ParallelCoordsView::yOf(double t) const
{
    const QRectF p = plotRect();
    return p.bottom() - t * p.height();
}

double ParallelCoordsView::missingY() const
{
    return yOf(0) + fontMetrics().height() + 12; // below the axis and its lowest label
}

double ParallelCoordsView::tOf(double y) const
{
    const QRectF p = plotRect();
    return std::clamp((p.bottom() - y) / p.height(), 0.0, 1.0);
}

double ParallelCoordsView::valueY(int axis, const QVariant& value) const
{
    if (axis < 0 || axis >= int(m_axes.size()))
        return NAN;
    const std::optional<double> t = position(m_axes[std::size_t(axis)], value);
    return t ? yOf(*t) : missingY();
}

bool ParallelCoordsView::inBrushes(const ParallelRun& r) const
{
    for (std::size_t i = 0; i < m_axes.size(); ++i) {
        const Axis& a = m_axes[i];
        if (!a.brush)
            continue;
        const std::optional<double> t = i < r.values.size() ? position(a, r.values[i]) : std::nullopt;
        if (!t || *t < a.brush->first - 1e-9 || *t > a.brush->second + 1e-9)
            return false;
    }
    return true;
}

std::optional<QSet<QString>> ParallelCoordsView::brushedRuns() const
{
    if (std::none_of(m_axes.begin(), m_axes.end(), [](const Axis& a) { return a.brush.has_value(); }))
        return std::nullopt;
    QSet<QString> in;
    for (const ParallelRun& r : m_runs)
        if (inBrushes(r))
            in.insert(r.path);
    return in;
}

void ParallelCoordsView::setBrush(int axis, double lo, double hi)
{
    if (axis < 0 || axis >= int(m_axes.size()))
        return;
    Axis& a = m_axes[std::size_t(axis)];
    auto t = [&](double v) {
        if (!a.categories.isEmpty())
            return a.categories.size() == 1 ? 0.5 : v / double(a.categories.size() - 1);
        return a.log ? (std::log10(std::max(v, 1e-300)) - a.lo) / (a.hi - a.lo) : (v - a.lo) / (a.hi - a.lo);
    };
    a.brush = std::pair {std::min(t(lo), t(hi)), std::max(t(lo), t(hi))};
    update();
    Q_EMIT brushChanged();
}

void ParallelCoordsView::clearBrushes()
{
    for (Axis& a : m_axes)
        a.brush.reset();
    update();
    Q_EMIT brushChanged();
}

QString ParallelCoordsView::tickText(const Axis& a, double t) const
{
    const double v = a.lo + t * (a.hi - a.lo);
    return QString::number(a.log ? std::pow(10.0, v) : v, 'g', 3);
}

void ParallelCoordsView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    p.setRenderHint(QPainter::Antialiasing);
    if (m_axes.size() < 2 || m_runs.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
            tr("Parallel coordinates need runs with at least one setting and one result"));
        return;
    }
    const Axis& colourAxis = m_axes.back();
    // Lines: brushed-out runs grey underneath, the others coloured by the last axis on top.
    for (int pass = 0; pass < 2; ++pass)
        for (const ParallelRun& r : m_runs) {
            const bool in = inBrushes(r);
            if (in != (pass == 1))
                continue;
            QPainterPath path;
            for (std::size_t i = 0; i < m_axes.size(); ++i) {
                const QPointF pt(axisX(int(i)), valueY(int(i), i < r.values.size() ? r.values[i] : QVariant()));
                i == 0 ? path.moveTo(pt) : path.lineTo(pt);
            }
            const std::optional<double> c = position(colourAxis, r.values.empty() ? QVariant() : r.values.back());
            const QColor colour = !in ? QColor(0, 0, 0, 40)
                : c                   ? colormapColor(ColormapId::Viridis, std::clamp(*c, 0.0, 1.0))
                                      : QColor(0x88, 0x88, 0x88);
            p.setPen(QPen(colour, in ? 1.8 : 1.0));
            p.drawPath(path);
        }
    // Axes, titles, ranges and brushes.
    const QFontMetrics fm = fontMetrics();
    const QColor text = palette().color(QPalette::Text);
    for (std::size_t i = 0; i < m_axes.size(); ++i) {
        const Axis& a = m_axes[i];
        const double x = axisX(int(i));
        p.setPen(QPen(text, 1.2));
        p.drawLine(QPointF(x, yOf(0)), QPointF(x, yOf(1)));
        p.drawLine(QPointF(x - 3, missingY()), QPointF(x + 3, missingY()));
        auto label = [&](double y, const QString& s, bool bold = false) {
            QFont f = font();
            f.setBold(bold);
            p.setFont(f);
            const double w = QFontMetrics(f).horizontalAdvance(s);
            const double left = std::clamp(x - w / 2, 1.0, width() - w - 1);
            p.drawText(QPointF(left, y), s);
        };
        label(fm.ascent() + 2, a.title + (a.log ? tr(" (log)") : QString()), true);
        if (a.categories.isEmpty()) {
            label(yOf(1) - 4, tickText(a, 1));
            label(yOf(0) + fm.ascent() + 3, tickText(a, 0));
        } else {
            for (int c = 0; c < a.categories.size(); ++c) {
                const double t = a.categories.size() == 1 ? 0.5 : double(c) / double(a.categories.size() - 1);
                p.drawText(QPointF(x + 5, yOf(t) + fm.ascent() / 2.0), a.categories[c]);
            }
        }
        if (a.brush) {
            const QRectF r(x - 6, yOf(a.brush->second), 12, yOf(a.brush->first) - yOf(a.brush->second));
            p.setPen(QPen(QColor(0x1f, 0x77, 0xb4), 1));
            p.setBrush(QColor(0x1f, 0x77, 0xb4, 70));
            p.drawRect(r);
            p.setBrush(Qt::NoBrush);
        }
    }
}

void ParallelCoordsView::mousePressEvent(QMouseEvent* e)
{
    m_dragAxis = -1;
    for (int i = 0; i < int(m_axes.size()); ++i)
        if (std::abs(e->position().x() - axisX(i)) <= kGrab)
            m_dragAxis = i;
    m_dragFrom = tOf(e->position().y());
    m_dragged = false;
}

void ParallelCoordsView::mouseMoveEvent(QMouseEvent* e)
{
    if (m_dragAxis < 0)
        return;
    const double t = tOf(e->position().y());
    if (std::abs(yOf(t) - yOf(m_dragFrom)) < 3)
        return;
    m_dragged = true;
    m_axes[std::size_t(m_dragAxis)].brush = std::pair {std::min(t, m_dragFrom), std::max(t, m_dragFrom)};
    update();
}

void ParallelCoordsView::mouseReleaseEvent(QMouseEvent* e)
{
    if (m_dragAxis < 0)
        return;
    mouseMoveEvent(e);
    if (!m_dragged)
        m_axes[std::size_t(m_dragAxis)].brush.reset(); // a click clears the axis
    m_dragAxis = -1;
    update();
    Q_EMIT brushChanged();
}

} // namespace rs::ui

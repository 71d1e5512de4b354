#pragma once
/// \file parallel_coords_view.h
/// Parallel coordinates of runs: one vertical axis per setting or metric, one polyline per run
/// through its values, coloured by the last axis (a metric) with viridis. Numeric axes span the
/// runs' range (logarithmic when every value is positive and they span more than 20×); text
/// axes space their values evenly; a run without a value crosses an axis at a mark below it.
/// Dragging along an axis brushes a range; runs outside any brush are drawn grey and left out of
/// brushedRuns(); a click without a drag clears that axis' brush. Painted with QPainter.

#include <QSet>
#include <QStringList>
#include <QVariant>
#include <QWidget>

#include <optional>
#include <vector>

namespace rs::ui {

/// One run through the axes: values in axis order (double, QString or invalid).
struct ParallelRun {
    QString path, name;
    std::vector<QVariant> values;
};

class ParallelCoordsView : public QWidget {
    Q_OBJECT

public:
    explicit ParallelCoordsView(QWidget* parent = nullptr);

    /// New axes (keys and titles) and runs. Brushes on axes whose key stays are kept.
    void setData(const QStringList& keys, const QStringList& titles, const std::vector<ParallelRun>& runs);
    QStringList keys() const { return m_keys; }
    int runCount() const { return int(m_runs.size()); }

    /// Brushes axis `axis` to the values in [lo, hi] (numeric axes; text axes: category indices).
    void setBrush(int axis, double lo, double hi);
    void clearBrushes();
    /// The runs inside every brush; nullopt when no axis is brushed.
    std::optional<QSet<QString>> brushedRuns() const;

    /// Where an axis is drawn and where a value sits on it, in widget pixels (for tests).
    double axisX(int axis) const;
    double valueY(int axis, const QVariant& value) const;

    QSize sizeHint() const override { return {640, 300}; }

Q_SIGNALS:
    void brushChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    struct Axis {
        QString key, title;
        QStringList categories; ///< non-empty: a text axis
        double lo = 0, hi = 1;
        bool log = false;
        std::optional<std::pair<double, double>> brush; ///< in [0, 1] along the axis (0 bottom)
    };
    /// 0 (bottom) .. 1 (top) along the axis; nullopt for a missing value.
    std::optional<double> position(const Axis& a, const QVariant& v) const;
    double yOf(double t) const;
    double tOf(double y) const;
    double missingY() const; ///< where a run without a value crosses an axis
    QRectF plotRect() const;
    bool inBrushes(const ParallelRun& r) const;
    QString tickText(const Axis& a, double t) const;

    QStringList m_keys;
    std::vector<Axis> m_axes;
    std::vector<ParallelRun> m_runs;
    int m_dragAxis = -1;
    double m_dragFrom = 0;
    bool m_dragged = false;
};

} // namespace rs::ui

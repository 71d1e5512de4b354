#pragma once
/// \file opacity_ramp_editor.h
/// Edits a volume's opacity ramp: control points over the colour map's range. Drag a point to move
/// it, double-click empty space to add one, right-click a point to remove it (the end points
/// stay, and only move up and down).

#include "vtk/transfer_function.h"

#include <QWidget>

namespace rs::ui {

class OpacityRampEditor : public QWidget {
    Q_OBJECT

public:
    explicit OpacityRampEditor(QWidget* parent = nullptr);

    void setTransferFunction(const TransferFunction& tf);
    const std::vector<QPointF>& ramp() const { return m_points; }
    /// Replaces the ramp (normalised) and emits rampEdited.
    void setRamp(const std::vector<QPointF>& points);
    /// Opacity axis maximum shown (opacities are often small): 0.1 … 1.
    void setOpacityScale(double top);

    QSize sizeHint() const override;

Q_SIGNALS:
    /// The user changed the ramp (emitted while dragging too).
    void rampEdited(const std::vector<QPointF>& points);

protected:
    void paintEvent(QPaintEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;

private:
    QRectF plotRect() const;
    QPointF toWidget(const QPointF& p) const;
    QPointF fromWidget(const QPointF& w) const;
    int pointNear(const QPointF& w) const;

    TransferFunction m_tf;
    std::vector<QPointF> m_points {{0, 0}, {1, 0.3}};
    double m_top = 1.0;
    int m_drag = -1;
};

} // namespace rs::ui

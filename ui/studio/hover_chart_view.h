#pragma once
/// \file hover_chart_view.h
/// A chart view that reports mouse moves (the curves' readout) and clears it when the mouse
/// leaves; it repaints only when its owner says so (changes come in bursts).

#include <QChartView>
#include <QMouseEvent>
#include <QTimer>

#include <functional>
#include <optional>

namespace rs::ui {

/// A chart view that reports mouse moves (the readout) and clears it when the mouse leaves.
class HoverChartView : public QChartView {
public:
    HoverChartView(QChart* chart, QWidget* parent, std::function<void(QChartView*, std::optional<QPointF>)> onHover)
        : QChartView(chart, parent)
        , m_onHover(std::move(onHover))
    {
        setMouseTracking(true);
        setRenderHint(QPainter::Antialiasing);
        // The chart changes in bursts (a frame of the pacer, a hover): CurvesView repaints it
        // once per burst (each repaint costs a window frame), not on every change of an item.
        setViewportUpdateMode(QGraphicsView::NoViewportUpdate);
    }

protected:
    void mouseMoveEvent(QMouseEvent* e) override
    {
        m_onHover(this, e->position());
        QChartView::mouseMoveEvent(e);
    }
    void leaveEvent(QEvent* e) override
    {
        m_onHover(this, std::nullopt);
        QChartView::leaveEvent(e);
    }
    void resizeEvent(QResizeEvent* e) override
    {
        QChartView::resizeEvent(e);
        // The chart lays itself out for the new size in posted events: paint after them.
        QTimer::singleShot(0, viewport(), qOverload<>(&QWidget::update));
    }

private:
    std::function<void(QChartView*, std::optional<QPointF>)> m_onHover;
};

} // namespace rs::ui

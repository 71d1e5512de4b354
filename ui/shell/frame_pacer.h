#pragma once
/// \file frame_pacer.h
/// Paces the periodic redraws of a live view (training curves, progress) to a share of the GUI
/// thread's time. Changes only request a frame; at most one frame is drawn per interval: the
/// frame() handlers bring their data up to date, the present() handlers, one event-loop pass
/// later, update their widgets, the window paints them in one composition, the whole frame is
/// timed, and the next interval makes drawing take about `budget` of the time: 40 ms (25 frames
/// per second) when frames are cheap, longer when they are not. Why: repaints are taken from a
/// training run's cores; they were costly while the VTK views were QOpenGLWidgets (every window
/// frame composed through OpenGL, tens of ms on software rendering) and charts still are.

#include <QElapsedTimer>
#include <QEvent>
#include <QObject>
#include <QPointer>

class QTimer;
class QWidget;

namespace rs::ui {

class FramePacer : public QObject {
    Q_OBJECT

public:
    /// `target`: the view the frames are for; they are timed only while it is visible.
    explicit FramePacer(QWidget* target, QObject* parent = nullptr);

    /// Something changed: draw a frame within the current interval (requests coalesce).
    void request();

Q_SIGNALS:
    /// Bring what is shown up to date (series, texts) without repainting widgets yet.
    void frame();
    /// Right after frame(), in the next pass of the event loop: update the widgets (repaint()
    /// nothing; the window paints them in one frame).
    void present();

protected:
    bool event(QEvent* e) override;

private:
    static constexpr QEvent::Type kFrameDone = QEvent::Type(QEvent::User + 71);
    void draw();

    QPointer<QWidget> m_target;
    QTimer* m_timer = nullptr;
    QElapsedTimer m_sinceLast;
    QElapsedTimer m_frameClock;
    static constexpr double kBudget = 0.04; ///< share of the time frames may take
    static constexpr int kMinMs = 40, kMaxMs = 2000; ///< shortest and longest interval
    int m_interval = kMinMs;
};

} // namespace rs::ui

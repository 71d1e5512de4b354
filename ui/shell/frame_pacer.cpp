#include "shell/frame_pacer.h"

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs::ui {

FramePacer::FramePacer(QWidget* target, QObject* parent)
    : QObject(parent)
    , m_target(target)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &FramePacer::draw);
}

void FramePacer::request()
{
    if (m_timer->isActive())
        return; // coalesced into the frame already due
    const qint64 since = m_sinceLast.isValid() ? m_sinceLast.elapsed() : m_interval;
    m_timer->start(int(std::max<qint64>(0, m_interval - since)));
}

void FramePacer::draw()
{
    m_sinceLast.start();
    m_frameClock.start();
    Q_EMIT frame();
    // The widgets change in a later pass of the event loop, and the window paints them in the
    // pass after: the GUI thread's longest stall is then the larger of the two parts, not their
    // sum, and input is handled between them.
    QTimer::singleShot(0, this, [this] {
        Q_EMIT present();
        if (!m_target || !m_target->isVisible())
            return; // nothing on screen: keep the interval measured last
        // The frame ends when an event posted last, after the window's update request, arrives.
        QCoreApplication::postEvent(this, new QEvent(kFrameDone), std::numeric_limits<int>::min());
    });
}

bool FramePacer::event(QEvent* e)
{
    if (e->type() != kFrameDone)
        return QObject::event(e);
    const double frameMs = double(m_frameClock.nsecsElapsed()) / 1e6;
    m_interval = std::clamp(int(std::lround(frameMs * (1.0 - kBudget) / kBudget)), kMinMs, kMaxMs);
    return true;
}

} // namespace rs::ui

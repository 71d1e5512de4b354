#include "frame_pacer.h"

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace rs::ui {

FramePacer::FramePacer(QWidget* target, QObject* parent)
    : QObject(parent)
    , m_target(target)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &FramePacer::draw);
}

void FramePacer::setIntervalRange(int minMs, int maxMs)
{
    m_minMs = minMs;
    m_maxMs = std::max(minMs, maxMs);
    m_interval = std::clamp(m_interval, m_minMs, m_maxMs);
}

void FramePacer::request()
{
    m_requested = true;
    if (m_timer->isActive())
        return; // coalesced into the frame already due
    const qint64 since = m_sinceLast.isValid() ? m_sinceLast.elapsed() : m_interval;
    m_timer->start(int(std::max<qint64>(0, m_interval - since)));
}

void FramePacer::drawNow()
{
    if (!m_requested)
        return;
    m_timer->stop();
    draw();
}

void FramePacer::draw()
{
    m_requested = false;
    m_sinceLast.start();
    ++m_frames;
    QElapsedTimer t;
    t.start();
    Q_EMIT frame();
    if (!m_target || !m_target->isVisible())
        return; // nothing on screen: keep the interval measured last
    // One window frame for all of it: what the handlers posted (charts apply their changes in
    // queued calls and layout requests) runs first, then the window's update request paints
    // everything dirty at once. A repaint() here would cost a frame of its own.
    QCoreApplication::sendPostedEvents();
    m_lastMs = double(t.nsecsElapsed()) / 1e6;
    m_interval = std::clamp(int(std::lround(m_lastMs * (1.0 - m_budget) / m_budget)), m_minMs, m_maxMs);
}

} // namespace rs::ui

#include "shell/job_runner.h"

#include "util/error.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent>

#include <algorithm>

#include <cmath>
#include <memory>
#include <new>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rs::ui {

namespace {

constexpr int kBackgroundNice = 10; ///< background jobs: CPU time is still theirs when nothing else runs

/// The jobs' own threads. Not Qt's global pool: Qt 6.4 splits raster fills and image conversions
/// over that pool and the GUI thread waits for them, so long jobs (a 240 MB lightcone's series,
/// an FFT) queued there held every repaint until one ended (seconds on 2 cores). At least four:
/// a load must not queue behind two statistics jobs.
QThreadPool* newPool()
{
    auto* p = new QThreadPool; // never deleted: JobRunners wait for their own jobs
    p->setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
    return p;
}

QThreadPool* jobPool(bool background)
{
    static QThreadPool* pool = newPool();
    static QThreadPool* backgroundPool = newPool(); // its threads are lowered once, never raised
    return background ? backgroundPool : pool;
}

/// Lowers the calling thread's priority for background work (threads it starts inherit it). Linux
/// gives each thread its own nice value; elsewhere Qt's priority is used.
void lowerThreadPriority()
{
#ifdef Q_OS_LINUX
    setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), kBackgroundNice);
#else
    QThread::currentThread()->setPriority(QThread::LowPriority);
#endif
}

} // namespace

JobRunner::JobRunner(QObject* parent)
    : QObject(parent)
{ }

JobRunner::~JobRunner()
{
    m_stop.requestStop();
    ++m_generation;
    waitForIdle();
}

void JobRunner::waitForIdle()
{
    for (QFuture<void>& f : m_futures)
        f.waitForFinished();
    m_futures.clear();
}

void JobRunner::start(const QString& description, Work work)
{
    m_stop.requestStop(); // the older job stops at its next check; its result is dropped below
    m_stop = StopToken();
    const quint64 generation = ++m_generation;
    m_description = description;
    m_futures.erase(
        std::remove_if(m_futures.begin(), m_futures.end(), [](const QFuture<void>& f) { return f.isFinished(); }),
        m_futures.end());
    // Announce before launching: a quick job's continuation may run inside then() below.
    setRunning(true);
    Q_EMIT started(description);

    // Progress is throttled on the worker side and posted to this object's thread; a queued
    // functor whose context object is gone is discarded by Qt, and ~JobRunner waits anyway.
    struct Throttle {
        int lastPermille = -1;
        std::string lastStage;
    };
    auto throttle = std::make_shared<Throttle>();
    QPointer<JobRunner> self(this);
    ProgressFn progress = [self, generation, throttle](double fraction, const std::string& stage) {
        const int permille = int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000));
        if (permille - throttle->lastPermille < 5 && stage == throttle->lastStage)
            return;
        throttle->lastPermille = permille;
        throttle->lastStage = stage;
        const QString text = QString::fromStdString(stage);
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, permille, text] {
                if (self && self->m_generation == generation)
                    Q_EMIT self->progressChanged(permille / 1000.0, text);
            },
            Qt::QueuedConnection);
    };

    const StopToken stop = m_stop;
    if (m_background)
        work = [w = std::move(work)](const ProgressFn& report, const StopToken& token) {
            lowerThreadPriority();
            return w(report, token);
        };
    QThreadPool* pool = jobPool(m_background);
    QFuture<Outcome> future = QtConcurrent::run(pool, [work = std::move(work), progress, stop]() -> Outcome {
        // The thread boundary: nothing escapes as an exception.
        Outcome o;
        try {
            o.apply = work(progress, stop);
        } catch (const CancelledError&) {
            o.cancelled = true;
        } catch (const Error& e) {
            o.error = QString::fromStdString(e.what());
        } catch (const std::bad_alloc&) {
            o.error = QStringLiteral("not enough memory for this job");
        } catch (const std::exception& e) {
            o.error = QStringLiteral("internal error: %1").arg(QString::fromStdString(e.what()));
        }
        if (stop.stopRequested() && o.error.isEmpty())
            o.cancelled = true;
        return o;
    });
    // The outcome always arrives through the event loop, never inside start(): callers can rely
    // on start() returning before any result is applied. The continuation only posts, so waiting
    // for it (waitForIdle, the destructor) never needs this thread's event loop.
    QFuture<void> posted = future.then(QtFuture::Launch::Sync, [self, generation](const Outcome& o) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, o] {
                if (self)
                    self->deliver(generation, o);
            },
            Qt::QueuedConnection);
    });
    m_futures.append(posted);
}

void JobRunner::deliver(quint64 generation, const Outcome& o)
{
    if (generation != m_generation)
        return; // superseded: a newer job owns the signals now
    setRunning(false);
    if (o.cancelled) {
        Q_EMIT cancelled();
    } else if (!o.error.isEmpty()) {
        Q_EMIT failed(o.error);
    } else {
        if (o.apply)
            o.apply();
        Q_EMIT finished();
    }
}

void JobRunner::cancel()
{
    m_stop.requestStop();
}

void JobRunner::setRunning(bool on)
{
    if (on == m_running)
        return;
    m_running = on;
    Q_EMIT runningChanged(on);
}

} // namespace rs::ui

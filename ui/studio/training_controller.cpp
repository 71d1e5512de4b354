#include "studio/training_controller.h"

#include "util/error.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <mutex>
#include <new>

#include <sys/resource.h>
#include <unistd.h>

namespace rs::ui {

/// Reports handed from the training thread to the GUI thread: the trainer appends under the
/// mutex (no allocation beyond the vector's growth, no signal), the GUI takes them all at once.
struct TrainingController::Buffer {
    std::mutex mutex;
    std::vector<rs::ml::TrainProgress> pending;
    std::int64_t lastStep = -1;

    void push(const rs::ml::TrainProgress& p)
    {
        std::lock_guard<std::mutex> lock(mutex);
        pending.push_back(p);
        lastStep = p.step;
    }
    std::vector<rs::ml::TrainProgress> take()
    {
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<rs::ml::TrainProgress> out;
        out.swap(pending);
        return out;
    }
    std::int64_t step()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return lastStep;
    }
};

TrainingController::TrainingController(QObject* parent)
    : QObject(parent)
    , m_thread(std::make_unique<QThread>())
    , m_buffer(std::make_shared<Buffer>())
{
    qRegisterMetaType<rs::ui::TrainingOutcome>();
    qRegisterMetaType<rs::ml::TrainProgress>();
    m_thread->setObjectName(QStringLiteral("training"));
    m_context = new QObject;
    m_context->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();
    m_flushTimer = new QTimer(this);
    m_flushTimer->setInterval(40);
    connect(m_flushTimer, &QTimer::timeout, this, &TrainingController::flush);
}

TrainingController::~TrainingController()
{
    m_stop.requestStop();
    m_pause.resume();
    m_thread->quit();
    m_thread->wait(); // the run ends after its current batch and saves its checkpoint
}

bool TrainingController::start(const QString& runDir, const rs::ml::RunConfig& config)
{
    if (isBusy())
        return false;
    m_stop = rs::StopToken();
    m_pause = rs::ml::PauseToken();
    m_buffer = std::make_shared<Buffer>();
    m_runDir = runDir;
    m_last.reset();
    m_stepAtStop = -1;
    m_firstStep = -1;
    m_session.start();
    setState(State::Training);
    Q_EMIT started(runDir);
    m_flushTimer->start();

    const std::string dir = runDir.toStdString();
    const rs::StopToken stop = m_stop;
    const rs::ml::PauseToken pause = m_pause;
    const std::shared_ptr<Buffer> buffer = m_buffer;
    const int nice = m_nice;
    QPointer<TrainingController> self(this);
    // Runs on the training thread. The outcome comes back through the event loop; the controller
    // may be gone by then (QPointer), but its destructor waits for this function to return.
    QMetaObject::invokeMethod(
        m_context,
        [=] {
            // Lower this thread's priority before LibTorch starts its compute threads from it: they
            // inherit the nice value, so the GUI thread wins a contended core.
            if (nice > 0)
                setpriority(PRIO_PROCESS, pid_t(gettid()), nice);
            TrainingOutcome o;
            try {
                const rs::ml::TrainResult r = rs::ml::train(
                    dir, config, [buffer](const rs::ml::TrainProgress& p) { buffer->push(p); }, stop, pause);
                o.status = r.status == rs::ml::TrainStatus::Finished ? TrainingOutcome::Status::Finished
                                                                     : TrainingOutcome::Status::Stopped;
                o.message = QString::fromStdString(r.message);
                o.epochsDone = r.epochsDone;
                o.resumed = r.resumed;
                o.metrics = r.metrics;
            } catch (const rs::Error& e) { // the thread boundary: nothing escapes
                o.status = TrainingOutcome::Status::Failed;
                o.message = QString::fromStdString(e.what());
            } catch (const std::bad_alloc&) {
                o.status = TrainingOutcome::Status::Failed;
                o.message = QStringLiteral("not enough memory to train this run");
            } catch (const std::exception& e) {
                o.status = TrainingOutcome::Status::Failed;
                o.message = QStringLiteral("internal error: %1").arg(QString::fromStdString(e.what()));
            }
            o.lastStep = buffer->step();
            QMetaObject::invokeMethod(
                self.data(),
                [self, o] {
                    if (self)
                        self->onWorkerDone(o);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return true;
}

void TrainingController::pause()
{
    if (m_state != State::Training)
        return;
    m_pause.pause();
    setState(State::Paused);
}

void TrainingController::resume()
{
    if (m_state != State::Paused)
        return;
    m_pause.resume();
    setState(State::Training);
}

void TrainingController::stop()
{
    if (m_state == State::Idle || m_state == State::Stopping)
        return;
    // Raise the flag first, then read the last reported batch: whatever batch was in progress
    // when the flag went up is the only one that can still follow.
    m_stop.requestStop();
    m_pause.resume();
    m_stepAtStop = m_buffer->step();
    setState(State::Stopping);
}

bool TrainingController::stopAndWait(int timeoutMs)
{
    stop();
    QElapsedTimer t;
    t.start();
    // The worker posts its outcome to this object: deliver just those events while waiting (no
    // general event processing, so nothing else runs inside closeEvent).
    while (isBusy() && t.elapsed() < timeoutMs) {
        QThread::msleep(10);
        QCoreApplication::sendPostedEvents(this);
    }
    return !isBusy();
}

double TrainingController::sessionSeconds() const
{
    return m_session.isValid() ? double(m_session.nsecsElapsed()) / 1e9 : 0.0;
}

std::int64_t TrainingController::sessionSteps() const
{
    return m_last && m_firstStep >= 0 ? m_last->step - m_firstStep + 1 : 0;
}

void TrainingController::flush()
{
    std::vector<rs::ml::TrainProgress> reports = m_buffer->take();
    if (reports.empty())
        return;
    if (m_firstStep < 0)
        m_firstStep = reports.front().step;
    m_last = reports.back();
    Q_EMIT progressed(m_runDir, reports);
}

void TrainingController::setFlushInterval(int ms)
{
    m_flushTimer->setInterval(ms);
}

void TrainingController::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void TrainingController::onWorkerDone(const TrainingOutcome& outcome)
{
    m_flushTimer->stop();
    flush();
    setState(State::Idle);
    Q_EMIT finished(m_runDir, outcome);
}

} // namespace rs::ui

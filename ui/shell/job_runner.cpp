#include "shell/job_runner.h"

#include "util/error.h"
#include "util/worker_pool.h"

#include <QMetaObject>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rs::ui {

namespace {

constexpr int kBackgroundNice = 10; ///< background jobs: CPU time is still theirs when nothing else runs

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

/// The jobs' own threads. Not Qt's global pool: Qt 6.4 splits raster fills and image conversions
/// over that pool and the GUI thread waits for them, so long jobs (a 240 MB lightcone's series,
/// an FFT) queued there held every repaint until one ended (seconds on 2 cores). At least four:
/// a load must not queue behind two statistics jobs. Background workers are lowered once, when
/// they start, and never raised. Never deleted: JobRunners wait for their own jobs.
int jobThreads()
{
    return std::max(4, int(std::thread::hardware_concurrency()));
}

WorkerPool& jobPool(bool background)
{
    static auto* pool = new WorkerPool(jobThreads());
    static auto* backgroundPool = new WorkerPool(jobThreads(), lowerThreadPriority);
    return background ? *backgroundPool : *pool;
}

} // namespace

/// What a job hands back to the GUI thread. Plain C++ (no Qt type is built on a worker).
struct JobRunner::Outcome {
    std::function<void()> apply;
    std::string error;
    bool cancelled = false;
};

/// Shared by the runner and its workers; every field is read and written under `mutex`.
struct JobRunner::Mailbox {
    std::mutex mutex;
    std::condition_variable ended; ///< a job ended (waitForIdle)
    int running = 0; ///< jobs submitted that have not ended
    bool wakeQueued = false; ///< a drainMailbox call is queued on the GUI thread
    bool receiverGone
        = false; ///< the runner is being destroyed: nothing is posted to it (not even by a ProgressFn a work kept)
    bool freshProgress = false; ///< progress not yet handed on
    quint64 progressGeneration = 0; ///< the job the last progress came from
    int permille = -1;
    std::string stage;
    std::vector<std::pair<quint64, Outcome>> outcomes;

    /// Queues one drainMailbox call unless one is queued. Called with `mutex` held, so the runner
    /// (whose destructor waits for its jobs under the same mutex) is alive. The queued call carries
    /// nothing: Qt allocates and frees its event, and the data crosses under `mutex`.
    void wakeLocked(JobRunner* receiver)
    {
        if (wakeQueued || receiverGone)
            return;
        wakeQueued = true;
        // The GUI thread's posted-event list is guarded by Qt's own futex lock, which TSan does
        // not see: two workers of two runners posting read as a race on the list's buffer
        // (tst_threads_jobs under the tsan preset: 6 runs in 40). One process-wide lock around
        // the post orders them where TSan sees it; Qt takes its lock there anyway.
        std::lock_guard post(postingMutex());
        QMetaObject::invokeMethod(receiver, "drainMailbox", Qt::QueuedConnection);
    }

    static std::mutex& postingMutex()
    {
        static std::mutex m;
        return m;
    }
};

/// Runs the work at the thread boundary: nothing escapes as an exception.
JobRunner::Outcome JobRunner::runWork(const Work& work, const ProgressFn& progress, const StopToken& stop)
{
    Outcome o;
    try {
        o.apply = work(progress, stop);
    } catch (const CancelledError&) {
        o.cancelled = true;
    } catch (const Error& e) {
        o.error = e.what();
    } catch (const std::bad_alloc&) {
        o.error = "not enough memory for this job";
    } catch (const std::exception& e) {
        o.error = std::string("internal error: ") + e.what();
    } catch (...) {
        o.error = "internal error: an unknown exception";
    }
    if (stop.stopRequested() && o.error.empty())
        o.cancelled = true;
    return o;
}

JobRunner::JobRunner(QObject* parent)
    : QObject(parent)
    , m_mailbox(std::make_shared<Mailbox>())
{ }

JobRunner::~JobRunner()
{
    m_stop.requestStop();
    ++m_generation;
    {
        std::lock_guard lock(m_mailbox->mutex);
        m_mailbox->receiverGone = true;
    }
    waitForIdle();
}

void JobRunner::waitForIdle()
{
    std::unique_lock lock(m_mailbox->mutex);
    m_mailbox->ended.wait(lock, [this] { return m_mailbox->running == 0; });
}

void JobRunner::start(const QString& description, Work work)
{
    m_stop.requestStop(); // the older job stops at its next check; its result is dropped below
    m_stop = StopToken();
    const quint64 generation = ++m_generation;
    m_description = description;
    // Announce before launching; the outcome arrives through the event loop, never inside start().
    setRunning(true);
    Q_EMIT started(description);

    // Progress keeps only the latest report (throttled to 0.5 % steps within a stage); one queued
    // wake-up hands it on, however often the work reports.
    const std::shared_ptr<Mailbox> mailbox = m_mailbox;
    ProgressFn progress = [mailbox, receiver = this, generation](double fraction, const std::string& stage) {
        const int permille = int(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000));
        std::lock_guard lock(mailbox->mutex);
        if (mailbox->progressGeneration == generation && permille - mailbox->permille < 5 && stage == mailbox->stage)
            return;
        mailbox->progressGeneration = generation;
        mailbox->permille = permille;
        mailbox->stage = stage;
        mailbox->freshProgress = true;
        mailbox->wakeLocked(receiver);
    };
    {
        std::lock_guard lock(mailbox->mutex);
        ++mailbox->running;
    }
    jobPool(m_background)
        .submit([mailbox, receiver = this, generation, work = std::move(work), progress = std::move(progress),
                    stop = m_stop]() mutable {
            Outcome o = runWork(work, progress, stop);
            work = nullptr; // the work's captures end on this thread before the job counts as ended
            progress = nullptr;
            std::lock_guard lock(mailbox->mutex);
            mailbox->outcomes.emplace_back(generation, std::move(o));
            mailbox->wakeLocked(receiver);
            --mailbox->running;
            mailbox->ended.notify_all();
        });
}

void JobRunner::drainMailbox()
{
    std::vector<std::pair<quint64, Outcome>> outcomes;
    bool fresh = false;
    quint64 progressGeneration = 0;
    int permille = 0;
    std::string stage;
    {
        std::lock_guard lock(m_mailbox->mutex);
        m_mailbox->wakeQueued = false;
        outcomes.swap(m_mailbox->outcomes);
        std::swap(fresh, m_mailbox->freshProgress);
        progressGeneration = m_mailbox->progressGeneration;
        permille = m_mailbox->permille;
        stage = m_mailbox->stage;
    }
    // Progress first: it was reported before any outcome of its job.
    if (fresh && progressGeneration == m_generation && m_running)
        Q_EMIT progressChanged(permille / 1000.0, QString::fromStdString(stage));
    for (auto& [generation, outcome] : outcomes)
        deliver(generation, outcome);
}

void JobRunner::deliver(quint64 generation, Outcome& o)
{
    if (generation != m_generation)
        return; // superseded: a newer job owns the signals now
    setRunning(false);
    if (o.cancelled) {
        Q_EMIT cancelled();
    } else if (!o.error.empty()) {
        Q_EMIT failed(QString::fromStdString(o.error));
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

#pragma once
/// \file job_runner.h
/// Runs one kind of background job at a time (load a run, compute statistics, extract an
/// isosurface). A newer start() supersedes the older job: its StopToken is raised and whatever it
/// still returns is dropped. Work runs on the jobs' own worker pool (core's WorkerPool, not Qt's
/// global pool, which Qt's painting uses), calls core with a ProgressFn and a StopToken, and
/// returns a closure that applies its result on the GUI thread, so results cross threads as values
/// captured in that closure. Results and progress cross through a mailbox under a std::mutex, and
/// the GUI thread is woken by a queued call that carries nothing: every hand-over is one
/// ThreadSanitizer sees (tst_threads_jobs).

#include "util/progress.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace rs::ui {

class JobRunner : public QObject {
    Q_OBJECT

public:
    /// Runs on a worker thread; returns what to do with the result on the GUI thread.
    using Work = std::function<std::function<void()>(const ProgressFn& progress, const StopToken& stop)>;

    explicit JobRunner(QObject* parent = nullptr);
    /// Asks running work to stop and waits for it (results are dropped).
    ~JobRunner() override;

    /// Starts `work`; a job still running is asked to stop and its result will be ignored.
    void start(const QString& description, Work work);
    /// Asks the current job to stop; emits cancelled() when it has.
    void cancel();
    /// Background jobs (statistics: nothing waits for them) run at a lower priority (nice 10 on
    /// Linux), so painting and loads come first on a busy machine; they still use idle cores fully.
    /// Applies to jobs started afterwards.
    void setBackground(bool on) { m_background = on; }
    bool isBackground() const { return m_background; }
    bool isRunning() const { return m_running; }
    QString description() const { return m_description; }
    /// Blocks until every job started so far has ended (tests, shutdown). Does not apply results.
    void waitForIdle();

Q_SIGNALS:
    void started(const QString& description);
    /// fraction in [0, 1]; stage is core's description ("reading ...").
    void progressChanged(double fraction, const QString& stage);
    /// The result was applied.
    void finished();
    /// The work threw: `message` is the error in plain words (core's "<file>: <problem>").
    void failed(const QString& message);
    void cancelled();
    void runningChanged(bool running);

private:
    struct Mailbox;
    struct Outcome;
    /// Runs `work` at the thread boundary: nothing escapes as an exception.
    static Outcome runWork(const Work& work, const ProgressFn& progress, const StopToken& stop);
    /// Runs on the GUI thread, woken by the workers: hands on the latest progress and every outcome.
    Q_INVOKABLE void drainMailbox();
    void setRunning(bool on);
    void deliver(quint64 generation, Outcome& o);

    quint64 m_generation = 0;
    StopToken m_stop;
    bool m_running = false;
    bool m_background = false;
    QString m_description;
    std::shared_ptr<Mailbox> m_mailbox;
};

} // namespace rs::ui

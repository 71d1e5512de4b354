#pragma once
/// \file training_controller.h
/// Trains one run at a time on a long-lived worker thread of its own (never the GUI thread)
/// through rs::ml::train: pause, resume, and a stop that ends within one batch with a checkpoint
/// written, so the same run can be continued later. The trainer's per-batch reports go into a
/// buffer that the GUI drains on a coalescing timer (~25 times a second), never one signal per
/// batch, so a fast run cannot flood the event loop. The worker thread runs at a lower OS
/// priority (its compute threads inherit it), so the GUI thread wins when both want a core.

#include "ml/run_folder.h"
#include "ml/trainer.h"

#include <QElapsedTimer>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QThread;
class QTimer;

namespace rs::ui {

/// How a training session ended.
struct TrainingOutcome {
    enum class Status { Finished, Stopped, Failed };
    Status status = Status::Finished;
    QString message; ///< the trainer's summary, or the error in plain words
    int epochsDone = 0;
    bool resumed = false;
    std::optional<rs::ml::EvalMetrics> metrics; ///< test-set metrics once finished
    std::int64_t lastStep = -1; ///< the last batch reported (optimizer step), -1 if none
};

class TrainingController : public QObject {
    Q_OBJECT

public:
    enum class State { Idle, Training, Paused, Stopping };

    explicit TrainingController(QObject* parent = nullptr);
    /// Stops a run still training (it writes its checkpoint) and joins the worker thread.
    ~TrainingController() override;

    /// Starts training `runDir`: a new folder gets `config`; an existing run continues from its
    /// checkpoint (only epochs and threads of `config` apply). Returns false, doing nothing, while
    /// another run trains. Failures (bad settings, unreadable dataset) arrive as finished() with
    /// Status::Failed.
    bool start(const QString& runDir, const rs::ml::RunConfig& config);
    void pause();
    void resume();
    /// Asks the run to stop after the batch in progress; finished() follows with Status::Stopped.
    void stop();
    /// stop(), then waits up to `timeoutMs` for the worker (closing the app). Returns whether it ended.
    bool stopAndWait(int timeoutMs);

    State state() const { return m_state; }
    bool isBusy() const { return m_state != State::Idle; }
    /// The run training now (or last trained).
    QString runDir() const { return m_runDir; }
    /// The latest report the GUI has drained.
    const std::optional<rs::ml::TrainProgress>& lastProgress() const { return m_last; }
    /// The last batch the trainer had reported when stop() was called (-1: none yet). A stop
    /// ends the run at most one batch later.
    std::int64_t stepAtStopRequest() const { return m_stepAtStop; }
    /// Seconds since this session started (for the time-remaining estimate).
    double sessionSeconds() const;
    /// Steps trained in this session so far (reports drained).
    std::int64_t sessionSteps() const;

    /// Drains the buffer now and emits progressed() if it held reports (the timer does this).
    void flush();
    /// Interval of the coalescing timer in ms (default 40: at most 25 redraws per second).
    void setFlushInterval(int ms);
    /// Nice value for the training thread (default 10; 0 keeps the GUI's priority).
    void setWorkerNice(int nice) { m_nice = nice; }

Q_SIGNALS:
    void started(const QString& runDir);
    /// New reports since the last flush (batch and epoch reports, in order).
    void progressed(const QString& runDir, const std::vector<rs::ml::TrainProgress>& reports);
    void finished(const QString& runDir, const rs::ui::TrainingOutcome& outcome);
    void stateChanged(rs::ui::TrainingController::State state);

private:
    struct Buffer;
    void setState(State s);
    void onWorkerDone(const TrainingOutcome& outcome);

    std::unique_ptr<QThread> m_thread;
    QObject* m_context = nullptr; ///< lives in m_thread: queued work runs there
    QTimer* m_flushTimer = nullptr;
    std::shared_ptr<Buffer> m_buffer;
    rs::StopToken m_stop;
    rs::ml::PauseToken m_pause;
    State m_state = State::Idle;
    QString m_runDir;
    std::optional<rs::ml::TrainProgress> m_last;
    std::int64_t m_stepAtStop = -1;
    std::int64_t m_firstStep = -1;
    QElapsedTimer m_session;
    int m_nice = 10;
};

} // namespace rs::ui

Q_DECLARE_METATYPE(rs::ui::TrainingOutcome)
Q_DECLARE_METATYPE(rs::ml::TrainProgress)

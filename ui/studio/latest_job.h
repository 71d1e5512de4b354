#pragma once
/// \file latest_job.h
/// Background work that follows a slider: at most one job runs and at most one waits. A request
/// made while a job runs replaces the waiting one (the newest position wins; positions in between
/// are never computed), and starts when the running job ends, so the worker never falls behind
/// the slider and never runs two jobs of the same view at once.

#include "shell/job_runner.h"

#include <QObject>

#include <optional>

namespace rs::ui {

class LatestJob : public QObject {
    Q_OBJECT

public:
    explicit LatestJob(QObject* parent = nullptr);

    /// Runs `work` now, or after the running job (replacing any request still waiting).
    void submit(const QString& description, JobRunner::Work work);
    /// Drops the waiting request and asks the running job to stop.
    void cancel();
    /// A newer request waits for the running job: its result is stale when it arrives.
    bool hasWaiting() const { return m_waiting.has_value(); }
    bool isBusy() const { return m_runner->isRunning() || m_waiting.has_value(); }
    JobRunner* runner() const { return m_runner; }

private:
    void startWaiting();

    JobRunner* m_runner = nullptr;
    std::optional<std::pair<QString, JobRunner::Work>> m_waiting;
};

} // namespace rs::ui

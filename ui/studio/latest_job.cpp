#include "studio/latest_job.h"

namespace rs::ui {

LatestJob::LatestJob(QObject* parent)
    : QObject(parent)
    , m_runner(new JobRunner(this))
{
    connect(m_runner, &JobRunner::finished, this, &LatestJob::startWaiting);
    connect(m_runner, &JobRunner::failed, this, &LatestJob::startWaiting);
    connect(m_runner, &JobRunner::cancelled, this, &LatestJob::startWaiting);
}

void LatestJob::submit(const QString& description, JobRunner::Work work)
{
    if (m_runner->isRunning()) {
        m_waiting.emplace(description, std::move(work));
        return;
    }
    m_runner->start(description, std::move(work));
}

void LatestJob::cancel()
{
    m_waiting.reset();
    m_runner->cancel();
}

void LatestJob::startWaiting()
{
    if (!m_waiting || m_runner->isRunning())
        return;
    auto [description, work] = std::move(*m_waiting);
    m_waiting.reset();
    m_runner->start(description, std::move(work));
}

} // namespace rs::ui

#pragma once
/// \file job_progress.h
/// A status-bar field for background jobs: what runs, a progress bar and a cancel button,
/// visible only while a job runs.

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace rs::ui {

class JobRunner;

class JobProgress : public QWidget {
    Q_OBJECT

public:
    explicit JobProgress(QWidget* parent = nullptr);

    /// Follows a job runner (several can be followed; the latest to start is shown).
    void follow(JobRunner* runner);
    QProgressBar* bar() const { return m_bar; }
    QToolButton* cancelButton() const { return m_cancel; }

private:
    void showRunner(JobRunner* runner);

    QLabel* m_label = nullptr;
    QProgressBar* m_bar = nullptr;
    QToolButton* m_cancel = nullptr;
    QPointer<JobRunner> m_current;
    QList<QPointer<JobRunner>> m_runners;
};

} // namespace rs::ui

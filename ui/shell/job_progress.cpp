#include "shell/job_progress.h"

#include "shell/job_runner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

namespace rs::ui {

JobProgress::JobProgress(QWidget* parent)
    : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1000);
    m_bar->setMaximumWidth(160);
    m_bar->setTextVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    m_cancel->setToolTip(tr("Cancel"));
    m_cancel->setAutoRaise(true);
    row->addWidget(m_label);
    row->addWidget(m_bar);
    row->addWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        if (m_current)
            m_current->cancel();
    });
    hide();
}

void JobProgress::follow(JobRunner* runner)
{
    m_runners.append(runner);
    connect(runner, &JobRunner::started, this, [this, runner] { showRunner(runner); });
    connect(runner, &JobRunner::progressChanged, this, [this, runner](double f, const QString& stage) {
        if (runner != m_current)
            return;
        m_bar->setValue(int(f * 1000));
        m_bar->setToolTip(stage);
    });
    connect(runner, &JobRunner::runningChanged, this, [this, runner](bool running) {
        if (running || runner != m_current)
            return;
        // Show another runner that is still busy, else hide.
        for (const QPointer<JobRunner>& r : m_runners)
            if (r && r->isRunning()) {
                showRunner(r);
                return;
            }
        m_current = nullptr;
        hide();
    });
}

void JobProgress::showRunner(JobRunner* runner)
{
    m_current = runner;
    m_label->setText(runner->description() + QStringLiteral("…"));
    m_bar->setValue(0);
    show();
}

} // namespace rs::ui

#include "studio/run_progress_bar.h"

#include "shell/frame_pacer.h"
#include "studio/training_controller.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

#include <cmath>

namespace rs::ui {

QString remainingText(double s)
{
    if (!std::isfinite(s) || s < 0)
        return {};
    if (s < 1)
        return QObject::tr("less than a second left");
    if (s < 90)
        return QObject::tr("about %1 s left").arg(int(std::lround(s)));
    if (s < 5400)
        return QObject::tr("about %1 min left").arg(int(std::lround(s / 60)));
    return QObject::tr("about %1 h left").arg(s / 3600, 0, 'f', 1);
}

RunProgressBar::RunProgressBar(TrainingController* controller, QWidget* parent)
    : QWidget(parent)
    , m_controller(controller)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    row->addWidget(m_title);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1000);
    m_bar->setMinimumWidth(160);
    m_bar->setMaximumWidth(280);
    m_bar->setTextVisible(false);
    row->addWidget(m_bar);
    m_detail = new QLabel(this);
    row->addWidget(m_detail, 1);
    m_pause = new QToolButton(this);
    m_pause->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_stop = new QToolButton(this);
    m_stop->setText(tr("Stop"));
    m_stop->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_stop->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_stop->setToolTip(tr("Stop after the current batch; the checkpoint lets you continue later"));
    row->addWidget(m_pause);
    row->addWidget(m_stop);
    connect(m_pause, &QToolButton::clicked, this, [this] {
        if (!m_controller)
            return;
        m_controller->state() == TrainingController::State::Paused ? m_controller->resume() : m_controller->pause();
    });
    connect(m_stop, &QToolButton::clicked, this, [this] {
        if (m_controller)
            m_controller->stop();
    });
    m_ownPacer = new FramePacer(this, this);
    setPacer(m_ownPacer);
    connect(controller, &TrainingController::progressed, this, [this] { m_pacer->request(); });
    connect(controller, &TrainingController::stateChanged, this, &RunProgressBar::refresh);
    connect(controller, &TrainingController::started, this, &RunProgressBar::refresh);
    refresh();
}

void RunProgressBar::setPacer(FramePacer* pacer)
{
    if (m_pacer)
        disconnect(m_pacer, &FramePacer::present, this, &RunProgressBar::refresh);
    m_pacer = pacer ? pacer : m_ownPacer;
    connect(m_pacer, &FramePacer::present, this, &RunProgressBar::refresh);
}

QString RunProgressBar::detailText() const
{
    return m_detail->text();
}

void RunProgressBar::refresh()
{
    using State = TrainingController::State;
    const State state = m_controller ? m_controller->state() : State::Idle;
    const bool busy = state != State::Idle;
    m_pause->setEnabled(busy && state != State::Stopping);
    m_stop->setEnabled(busy && state != State::Stopping);
    const bool paused = state == State::Paused;
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    m_pause->setToolTip(paused ? tr("Continue training") : tr("Pause between two batches"));
    if (!busy) {
        m_title->setText(tr("No run is training"));
        m_detail->clear();
        m_bar->setValue(0);
        return;
    }
    const QString name = QFileInfo(m_controller->runDir()).fileName();
    const QString what = state == State::Paused ? tr("paused")
        : state == State::Stopping              ? tr("stopping")
                                                : tr("training");
    m_title->setText(QStringLiteral("%1 (%2)").arg(name, what));
    const auto& p = m_controller->lastProgress();
    if (!p) {
        m_detail->setText(tr("preparing…"));
        return;
    }
    const bool epochEnd = p->kind == rs::ml::TrainProgress::Kind::Epoch;
    const double total = double(p->epochs) * double(std::max<std::size_t>(p->batches, 1));
    const double doneSteps
        = double(p->epoch - 1) * double(p->batches) + (epochEnd ? double(p->batches) : double(p->batch));
    m_bar->setValue(total > 0 ? int(1000.0 * doneSteps / total) : 0);
    const double rate = m_controller->sessionSeconds() > 0
        ? double(m_controller->sessionSteps()) / m_controller->sessionSeconds()
        : 0;
    QStringList parts;
    parts << tr("epoch %1/%2").arg(p->epoch).arg(p->epochs);
    if (!epochEnd)
        parts << tr("batch %1/%2").arg(p->batch).arg(p->batches);
    if (std::isfinite(p->samplesPerSecond) && state == State::Training) // a paused run has no rate
        parts << tr("%1 samples/s").arg(QLocale().toString(p->samplesPerSecond, 'f', 0));
    if (rate > 0 && state == State::Training)
        parts << remainingText((total - doneSteps) / rate);
    m_detail->setText(parts.join(QStringLiteral(" · ")));
}

} // namespace rs::ui

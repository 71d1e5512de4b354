#pragma once
/// \file run_progress_bar.h
/// The training run's progress for people: which run, epoch and batch, samples per second and
/// time remaining, with pause / resume and stop buttons. Follows a TrainingController; the
/// numbers change at most four times a second (readable, and each change costs a window frame).

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace rs::ui {

class FramePacer;
class TrainingController;

class RunProgressBar : public QWidget {
    Q_OBJECT

public:
    explicit RunProgressBar(TrainingController* controller, QWidget* parent = nullptr);

    QProgressBar* bar() const { return m_bar; }
    QToolButton* pauseButton() const { return m_pause; }
    QToolButton* stopButton() const { return m_stop; }
    /// "epoch 2/5 · batch 14/40 · 812 samples/s · about 1 min left".
    QString detailText() const;
    /// Paces the numbers' updates with `pacer` (shared with the live curves: one window frame
    /// carries both). Without one the bar paces itself.
    void setPacer(FramePacer* pacer);

private:
    void refresh();

    QPointer<TrainingController> m_controller;
    QLabel* m_title = nullptr;
    QLabel* m_detail = nullptr;
    QProgressBar* m_bar = nullptr;
    QToolButton* m_pause = nullptr;
    QToolButton* m_stop = nullptr;
    FramePacer* m_pacer = nullptr;
    FramePacer* m_ownPacer = nullptr;
};

/// "about 3 min left", "about 40 s left", "less than a second left"; "" for an unknown time.
QString remainingText(double seconds);

} // namespace rs::ui

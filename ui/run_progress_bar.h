#pragma once
/// \file run_progress_bar.h
/// The training run's progress for people: which run, epoch and batch, samples per second and
/// time remaining, with pause / resume and stop buttons. Follows a TrainingController.

#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace rs::ui {

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

private:
    void update();

    QPointer<TrainingController> m_controller;
    QLabel* m_title = nullptr;
    QLabel* m_detail = nullptr;
    QProgressBar* m_bar = nullptr;
    QToolButton* m_pause = nullptr;
    QToolButton* m_stop = nullptr;
};

/// "about 3 min left", "about 40 s left", "less than a second left"; "" for an unknown time.
QString remainingText(double seconds);

} // namespace rs::ui

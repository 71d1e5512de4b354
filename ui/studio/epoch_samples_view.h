#pragma once
/// \file epoch_samples_view.h
/// The studio's Samples tab: what the current run's network made of a fixed set of validation
/// samples after each epoch (core/ml/epoch_samples.h), with a slider over the epochs. Images
/// (autoencoder: input | reconstruction; translation: input | prediction | truth) are drawn with
/// viridis, each sample's images on one colour scale; classifiers show each input with its class
/// probabilities (the true class marked), regressors the prediction beside the truth. The files
/// are small and read on the GUI thread; the newest epoch follows the training unless the slider
/// was moved back.

#include "ml/epoch_samples.h"

#include <QWidget>

class QLabel;
class QSlider;

namespace rs::ui {

class SamplesCanvas;

class EpochSamplesView : public QWidget {
    Q_OBJECT

public:
    explicit EpochSamplesView(QWidget* parent = nullptr);

    /// Shows a run's samples ("" : none), re-reading its samples folder.
    void setRun(const QString& runDir);
    QSlider* slider() const { return m_slider; }
    /// The epoch shown (0: none).
    int shownEpoch() const { return m_epoch; }
    /// The values shown (the epoch file as read; tests).
    const std::vector<float>& shownValues() const { return m_values; }
    QString message() const;

private:
    void showEpochAt(int position);

    QString m_run;
    rs::ml::EpochSamplesIndex m_index;
    std::vector<float> m_values;
    int m_epoch = 0;
    QLabel* m_label = nullptr;
    QSlider* m_slider = nullptr;
    SamplesCanvas* m_canvas = nullptr;
};

} // namespace rs::ui

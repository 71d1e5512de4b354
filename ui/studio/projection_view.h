#pragma once
/// \file projection_view.h
/// Test samples as points in the plane of the first two principal components of what a run
/// learnt (autoencoder codes, or a classifier's last hidden features; or plain pixels, the PCA
/// baseline), coloured by a label (z, ζ, f_esc, x_HI). Clicking a point opens that slice beside
/// the plot. Features and PCA are computed by core in the background.

#include "ml/inspect.h"
#include "ml/run_folder.h"

#include <QWidget>

#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;

namespace rs::ui {

class JobRunner;
class PredictorPool;
class SlicePanel;

class ProjectionView : public QWidget {
    Q_OBJECT

public:
    explicit ProjectionView(PredictorPool* pool, QWidget* parent = nullptr);

    void setRun(const QString& runDir, const rs::ml::RunConfig& config);
    /// Colour by this label.
    void setColourBy(rs::ml::Target t);
    /// Project the run's features (true) or the pixels (false, the PCA baseline).
    void setUseRun(bool on);
    /// Computes the projection (in the background).
    void compute();
    /// Opens point i's slice in the panel beside the plot (in the background).
    void openPoint(int i);

    const std::optional<rs::ml::Projection2d>& projection() const { return m_projection; }
    QChartView* chartView() const { return m_chart; }
    SlicePanel* samplePanel() const { return m_panel; }
    /// The dataset sample shown in the panel (-1: none).
    std::int64_t openedSample() const { return m_opened; }
    QString sampleText() const;
    JobRunner* job() const { return m_job; }
    JobRunner* sampleJob() const { return m_sampleJob; }

private:
    void showProjection();

    PredictorPool* m_pool = nullptr;
    QString m_run;
    rs::ml::RunConfig m_config;
    QComboBox* m_colour = nullptr;
    QComboBox* m_space = nullptr;
    QPushButton* m_compute = nullptr;
    QLabel* m_note = nullptr;
    QChartView* m_chart = nullptr;
    SlicePanel* m_panel = nullptr;
    QLabel* m_sample = nullptr;
    JobRunner* m_job = nullptr;
    JobRunner* m_sampleJob = nullptr;
    std::optional<rs::ml::Projection2d> m_projection;
    std::vector<rs::ml::SampleLabels> m_labels; ///< labels of each projected sample
    std::int64_t m_opened = -1;
};

} // namespace rs::ui

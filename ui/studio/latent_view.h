#pragma once
/// \file latent_view.h
/// Latent traversal for autoencoder runs: the codes of the run's validation samples (the
/// encoder's output) are fitted with principal components (core/ml/pca.h); a slider moves the
/// code along one chosen principal direction, from the mean code or from one validation sample's
/// code, in units of that component's standard deviation, and the decoder's map follows live.
/// Below it a strip of maps decoded at −3σ … +3σ along the same direction. Fitting and decoding
/// run in the background; the newest slider position wins.

#include "ml/pca.h"
#include "ml/run_folder.h"

#include <QElapsedTimer>
#include <QWidget>

#include <memory>
#include <tuple>

class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace rs::ui {

class JobRunner;
class LatestJob;
class MapGrid;
class PredictorPool;
struct LatentSpace;

class LatentView : public QWidget {
    Q_OBJECT

public:
    explicit LatentView(PredictorPool* pool, QWidget* parent = nullptr);
    ~LatentView() override;

    /// The run to show (an autoencoder run; others show a note). Fits the codes when it changes.
    void setRun(const QString& runDir, const rs::ml::RunConfig& config);
    /// The principal direction (0 = the first) and the position along it in standard deviations.
    void setComponent(int k);
    void setPosition(double sigmas);
    double position() const;
    /// Start from validation sample i's code (−1: the mean code).
    void setStart(int sample);

    QComboBox* componentBox() const { return m_component; }
    QSlider* slider() const { return m_slider; }
    MapGrid* decoded() const { return m_decoded; }
    MapGrid* strip() const { return m_strip; }
    /// The fitted components (none before the fit has finished).
    const rs::ml::PcaModel* pca() const;
    /// The fitting job, and the decoding job that follows the slider.
    JobRunner* fitJob() const { return m_fit; }
    JobRunner* decodeJob() const;
    QString note() const;
    /// Milliseconds from the last slider move to the repaint of its decoded map (negative before).
    double lastRedrawMs() const { return m_lastRedrawMs; }
    /// How often the strip (−3σ … +3σ) was decoded: once per direction and starting code, not
    /// on slider steps.
    int stripDecodes() const { return m_stripDecodes; }

Q_SIGNALS:
    void problem(const QString& message, const QString& details);

private:
    void fit();
    void decode();

    PredictorPool* m_pool = nullptr;
    QString m_run;
    rs::ml::RunConfig m_config;
    std::shared_ptr<const LatentSpace> m_space;
    QElapsedTimer m_since;
    double m_lastRedrawMs = -1;
    std::tuple<const LatentSpace*, int, int> m_stripOf {
        nullptr, 0, -1}; ///< space, start, direction of the strip last asked for
    int m_stripDecodes = 0;
    bool m_awaitingPaint = false;
    QComboBox* m_component = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_position = nullptr;
    QSpinBox* m_start = nullptr;
    QLabel* m_note = nullptr;
    MapGrid* m_decoded = nullptr;
    MapGrid* m_strip = nullptr;
    JobRunner* m_fit = nullptr;
    LatestJob* m_latest = nullptr;
    LatestJob* m_stripJob = nullptr;
};

} // namespace rs::ui

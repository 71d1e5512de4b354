#pragma once
/// \file cube_prediction_view.h
/// What a trained classifier or regressor says about the cube shown in the Explorer: the predicted
/// z / ζ / f_esc with the mean class probabilities and the prediction of every slice
/// (Predictor::predictCube), computed in the background.

#include "explorer/snapshot.h"
#include "ml/predictor.h"
#include "ml/run_config.h"

#include <QGroupBox>

#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;

namespace rs::ui {

class JobRunner;
class PredictorPool;

class CubePredictionView : public QGroupBox {
    Q_OBJECT

public:
    explicit CubePredictionView(PredictorPool* pool, QWidget* parent = nullptr);

    /// The run that predicts (an autoencoder or no run disables Predict). A new run drops the
    /// previous prediction.
    void setRun(const QString& runDir, const rs::ml::RunConfig& config);
    /// What the Explorer shows (the cube of the run's quantity is predicted).
    void setExplorerCubes(const std::vector<LoadedCube>& cubes);
    /// Predicts the Explorer's cube along `axis` (in the background).
    void predictExplorerCube(int axis = 2);

    const std::optional<rs::ml::CubePrediction>& cubePrediction() const { return m_cube; }
    QString cubeText() const;
    JobRunner* cubeJob() const { return m_cubeJob; }

Q_SIGNALS:
    void problem(const QString& message, const QString& details);

private:
    void showCubePrediction();

    PredictorPool* m_pool = nullptr;
    QString m_run;
    rs::ml::RunConfig m_config;
    std::vector<LoadedCube> m_explorerCubes;
    std::optional<rs::ml::CubePrediction> m_cube;
    QString m_cubeTitle;
    QLabel* m_cubeLabel = nullptr;
    QComboBox* m_axis = nullptr;
    QPushButton* m_predict = nullptr;
    QChartView* m_probabilities = nullptr;
    QChartView* m_perSlice = nullptr;
    JobRunner* m_cubeJob = nullptr;
};

} // namespace rs::ui

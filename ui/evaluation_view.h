#pragma once
/// \file evaluation_view.h
/// How well a classifier or regressor does: on the test set, the confusion matrix with per-class
/// accuracy (classification) or predicted against true values with R² (regression), from the
/// run's metrics.json or, for a run still training, rs::ml::evaluateRun on its best checkpoint;
/// and for the cube shown in the Explorer, the predicted z / ζ / f_esc with the mean class
/// probabilities and the prediction of every slice (Predictor::predictCube). All inference runs
/// in the background.

#include "ml/inspect.h"
#include "ml/predictor.h"
#include "ml/run_folder.h"
#include "snapshot.h"

#include <QWidget>

#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace rs::ui {

class JobRunner;
class PredictorPool;

class EvaluationView : public QWidget {
    Q_OBJECT

public:
    explicit EvaluationView(PredictorPool* pool, QWidget* parent = nullptr);

    /// The run to evaluate (a classifier or regressor; an autoencoder shows a note).
    void setRun(const QString& runDir, const rs::ml::RunConfig& config, const std::optional<rs::ml::EvalMetrics>& metrics);
    /// What the Explorer shows (the cube of the run's quantity is predicted).
    void setExplorerCubes(const std::vector<LoadedCube>& cubes);
    /// Predicts the Explorer's cube along `axis` (in the background).
    void predictExplorerCube(int axis = 2);

    const std::optional<rs::ml::EvalMetrics>& metrics() const { return m_metrics; }
    const std::optional<rs::ml::SplitPredictions>& predictions() const { return m_predictions; }
    const std::optional<rs::ml::CubePrediction>& cubePrediction() const { return m_cube; }
    QTableWidget* confusionTable() const { return m_confusion; }
    QChartView* scatterView() const { return m_scatter; }
    QString summaryText() const;
    QString cubeText() const;
    JobRunner* job() const { return m_job; }
    JobRunner* cubeJob() const { return m_cubeJob; }

Q_SIGNALS:
    void problem(const QString& message, const QString& details);

private:
    void evaluate();
    void showMetrics();
    void showCubePrediction();

    PredictorPool* m_pool = nullptr;
    QString m_run;
    rs::ml::RunConfig m_config;
    std::vector<LoadedCube> m_explorerCubes;
    std::optional<rs::ml::EvalMetrics> m_metrics;
    QString m_metricsSource;
    std::optional<rs::ml::SplitPredictions> m_predictions;
    std::optional<rs::ml::CubePrediction> m_cube;
    QString m_cubeTitle;
    QLabel* m_summary = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableWidget* m_confusion = nullptr;
    QChartView* m_scatter = nullptr;
    QLabel* m_cubeLabel = nullptr;
    QComboBox* m_axis = nullptr;
    QPushButton* m_predict = nullptr;
    QChartView* m_probabilities = nullptr;
    QChartView* m_perSlice = nullptr;
    JobRunner* m_job = nullptr;
    JobRunner* m_cubeJob = nullptr;
};

} // namespace rs::ui

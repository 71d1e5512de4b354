#pragma once
/// \file evaluation_view.h
/// How well a classifier or regressor does: on the test set, the confusion matrix with per-class
/// accuracy (classification) or predicted against true values with R² (regression), from the
/// run's metrics.json or, for a run still training, rs::ml::evaluateRun on its best checkpoint,
/// in the background; beside it the CubePredictionView for the cube shown in the Explorer.

#include "ml/inspect.h"
#include "ml/predictor.h"
#include "ml/run_folder.h"

#include <QWidget>

#include <optional>

class QChartView;
class QLabel;
class QStackedWidget;
class QTableWidget;

namespace rs::ui {

class CubePredictionView;
class JobRunner;
class PredictorPool;

class EvaluationView : public QWidget {
    Q_OBJECT

public:
    explicit EvaluationView(PredictorPool* pool, QWidget* parent = nullptr);

    /// The run to evaluate (a classifier or regressor; an autoencoder shows a note).
    void setRun(
        const QString& runDir, const rs::ml::RunConfig& config, const std::optional<rs::ml::EvalMetrics>& metrics);
    /// The prediction for the Explorer's cube, beside the test-set figures.
    CubePredictionView* cubeView() const { return m_cubeView; }

    const std::optional<rs::ml::EvalMetrics>& metrics() const { return m_metrics; }
    const std::optional<rs::ml::SplitPredictions>& predictions() const { return m_predictions; }
    QTableWidget* confusionTable() const { return m_confusion; }
    QChartView* scatterView() const { return m_scatter; }
    QString summaryText() const;
    JobRunner* job() const { return m_job; }

Q_SIGNALS:
    void problem(const QString& message, const QString& details);

private:
    void evaluate();
    void showMetrics();

    PredictorPool* m_pool = nullptr;
    QString m_run;
    rs::ml::RunConfig m_config;
    std::optional<rs::ml::EvalMetrics> m_metrics;
    QString m_metricsSource;
    std::optional<rs::ml::SplitPredictions> m_predictions;
    QLabel* m_summary = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableWidget* m_confusion = nullptr;
    QChartView* m_scatter = nullptr;
    CubePredictionView* m_cubeView = nullptr;
    JobRunner* m_job = nullptr;
};

} // namespace rs::ui

#pragma once
/// \file reconstruction_view.h
/// What an autoencoder run reconstructs: input | reconstruction | residual (input − output) of
/// test-set samples or of the slices of the cube shown in the Explorer, as the Explorer's linked
/// slice panels (same index, zoom and cursor; input and reconstruction share one colour range,
/// the residual a diverging one), with the per-slice MSE, input and reconstruction Δ²(k)
/// overlaid, and the worst slices one click away. Inference runs in the background.

#include "explorer/snapshot.h"
#include "ml/inspect.h"
#include "ml/run_folder.h"

#include <QWidget>

#include <optional>

class QChartView;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace rs::ui {

class JobRunner;
class LinkedSlicesView;
class PredictorPool;

class ReconstructionView : public QWidget {
    Q_OBJECT

public:
    enum class Source { TestSet, ExplorerCube };

    explicit ReconstructionView(PredictorPool* pool, QWidget* parent = nullptr);

    /// The run to show (an autoencoder run; others show a note). Recomputes when it changes.
    void setRun(const QString& runDir, const rs::ml::RunConfig& config);
    /// The cube shown in the Explorer (of the run's quantity, when there is one).
    void setExplorerCubes(const std::vector<LoadedCube>& cubes);

    void setSource(Source s);
    Source source() const;
    /// Axis along which the Explorer cube is sliced (0, 1, 2).
    void setAxis(int axis);
    /// At most this many test samples (evenly spaced over the test split).
    void setMaxSamples(int n);
    /// Reconstructs now (in the background).
    void compute();

    /// Shows sample (stack index) i in the three panels.
    void showSample(int i);
    int currentSample() const;
    const std::optional<rs::ml::Reconstructions>& reconstructions() const { return m_data; }
    /// Dataset sample index of stack entry i (test set), or -1.
    std::int64_t datasetIndex(int i) const;
    LinkedSlicesView* slices() const { return m_slices; }
    QChartView* spectrumView() const { return m_spectrum; }
    QListWidget* worstList() const { return m_worst; }
    QString sampleText() const;
    JobRunner* job() const { return m_job; }

Q_SIGNALS:
    void statusMessage(const QString& text, int timeoutMs);
    void problem(const QString& message, const QString& details);

private:
    void showData();
    void updateSample();

    PredictorPool* m_pool = nullptr;
    QString m_run;
    rs::ml::RunConfig m_config;
    std::vector<LoadedCube> m_explorerCubes;
    QComboBox* m_source = nullptr;
    QComboBox* m_axis = nullptr;
    QSpinBox* m_max = nullptr;
    QPushButton* m_compute = nullptr;
    QLabel* m_note = nullptr;
    LinkedSlicesView* m_slices = nullptr;
    QChartView* m_spectrum = nullptr;
    QListWidget* m_worst = nullptr;
    QLabel* m_sample = nullptr;
    JobRunner* m_job = nullptr;
    std::optional<rs::ml::Reconstructions> m_data;
    std::vector<std::int64_t> m_indices; ///< test set: dataset index per stack entry
    std::vector<rs::ml::SampleLabels> m_labels; ///< test set: labels per stack entry
    QString m_what; ///< "test set" or the cube's title
    int m_shown = -1;
};

} // namespace rs::ui

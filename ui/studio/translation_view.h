#pragma once
/// \file translation_view.h
/// The Translation view of the Training studio (unet runs): density | predicted x_HI | true x_HI
/// | difference (predicted − true) as the Explorer's linked slice panels (same slice, zoom and
/// cursor), for test-split samples of the run's paired dataset or for the density cube shown in
/// the Explorer (translated whole with core's Translator; its truth is the Explorer's cube of the
/// run's target quantity on the same grid, when one is open). Beside them the physics metrics of
/// translation_metrics.h: pixel accuracy, IoU of ionized cells, nf error, power ratio and r(k),
/// over everything shown and for the slice under view. Inference runs in the background.

#include "explorer/snapshot.h"
#include "ml/run_folder.h"
#include "ml/translation_metrics.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace rs::ui {

class JobRunner;
class LinkedSlicesView;
struct TranslatorCache;

class TranslationView : public QWidget {
    Q_OBJECT

public:
    enum class Source { TestSet, ExplorerCube };

    explicit TranslationView(QWidget* parent = nullptr);
    ~TranslationView() override;

    /// The run to show (a unet run; others show a note). Translates when it changes.
    void setRun(const QString& runDir, const rs::ml::RunConfig& config);
    /// The cubes shown in the Explorer (its density cube is translated, its cube of the run's
    /// target quantity is the truth).
    void setExplorerCubes(const std::vector<LoadedCube>& cubes);
    void setSource(Source s);
    Source source() const;
    /// At most this many test samples (evenly spaced over the test split).
    void setMaxSamples(int n);
    /// The z and ζ the Explorer's cube is translated at; 0: the cube's own (21cmFAST density
    /// boxes carry z but not ζ).
    void setCubeParameters(double z, double zeta);
    /// LibTorch threads of the translating job (default 2).
    void setComputeThreads(int n) { m_threads = n; }
    /// Translates now (in the background).
    void compute();

    /// Shows stack entry i (test set) or slice i along the current axis (cube).
    void showSlice(int i);
    LinkedSlicesView* slices() const { return m_slices; }
    JobRunner* job() const { return m_job; }
    /// Over everything shown (all test samples, or the whole cube); none without a truth.
    const std::optional<rs::ml::TranslationMetrics>& metrics() const { return m_metrics; }
    QString metricsText() const;
    QString note() const;

Q_SIGNALS:
    void problem(const QString& message, const QString& details);

private:
    void updateSlice();

    QString m_run;
    rs::ml::RunConfig m_config;
    std::shared_ptr<TranslatorCache> m_cache;
    std::vector<LoadedCube> m_explorerCubes;
    int m_threads = 2;
    std::optional<rs::ml::TranslationMetrics> m_metrics;
    std::vector<rs::ml::TranslationMetrics> m_perSample; ///< test set: per stack entry
    std::vector<QString> m_sampleText; ///< test set: where each stack entry comes from
    bool m_shown = false;
    QString m_overall;
    QComboBox* m_source = nullptr;
    QSpinBox* m_max = nullptr;
    QDoubleSpinBox* m_z = nullptr;
    QDoubleSpinBox* m_zeta = nullptr;
    QPushButton* m_compute = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_metricsLabel = nullptr;
    LinkedSlicesView* m_slices = nullptr;
    JobRunner* m_job = nullptr;
};

} // namespace rs::ui

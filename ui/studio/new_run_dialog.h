#pragma once
/// \file new_run_dialog.h
/// "New run": the dataset (existing, or built from the catalog or a simulator grid), the model
/// (ae, mlp, cnn, codes-cnn with its encoder run, unet, generator), target, task, optimizer, learning rate, batch
/// size, epochs and threads, and a live preview of the config.json the run will write, resolved
/// against the dataset exactly as the trainer resolves it (so a bad choice is refused here, in
/// words, before any thread starts).

#include "ml/run_folder.h"

#include <QDialog>
#include <QString>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QFormLayout;
class QSpinBox;

namespace rs::ui {

class DatasetSourcePanel;

/// A run to start: its folder and its chosen configuration.
struct RunRequest {
    QString runDir;
    rs::ml::RunConfig config;
};

class NewRunDialog : public QDialog {
    Q_OBJECT

public:
    /// `runsFolder`: where the run folder is made; `catalogPaths`: what the Explorer has open;
    /// `encoderRuns`: finished autoencoder runs a codes-cnn can use.
    NewRunDialog(const QString& runsFolder, const QStringList& catalogPaths, const QStringList& encoderRuns,
        QWidget* parent = nullptr);

    DatasetSourcePanel* datasetPanel() const { return m_dataset; }
    /// Fills the choices from a configuration (model, target, task, optimizer, lr, schedule,
    /// weight decay, clipping, early stopping, batch, epochs, threads, seed, history and
    /// batches-per-epoch settings).
    void setConfig(const rs::ml::RunConfig& config);
    /// The chosen configuration (unresolved) with the open dataset's path; what the dialog has no
    /// control for (the cosine floor, the generator's prior weight) is the model's default.
    rs::ml::RunConfig config() const;
    /// Chooses a model as the user does: its default length, batch, rate and schedule are shown
    /// (rs::ml::applyModelDefaults, as `train` without options). Unknown names change nothing.
    void chooseModel(const QString& name);
    void setRunName(const QString& name);
    QString runDir() const;
    /// Whether a dataset is open and the choices suit it (the OK button's state).
    bool isReady() const { return m_ready; }
    /// The config.json preview, or the reason the run cannot start.
    QString previewText() const;
    /// What the open dataset's health check found ("" when nothing).
    QString warningsText() const;
    RunRequest request() const { return {runDir(), config()}; }

private:
    void updatePreview();
    void updateEnabled();
    void showModelDefaults();
    void createTrainingControls(QWidget* box, QFormLayout* form); ///< schedule, weight decay, clipping, early stop

    QString m_runsFolder;
    DatasetSourcePanel* m_dataset = nullptr;
    QComboBox* m_model = nullptr;
    QComboBox* m_encoder = nullptr;
    QComboBox* m_target = nullptr;
    QComboBox* m_task = nullptr;
    QComboBox* m_optimizer = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QComboBox* m_schedule = nullptr;
    QDoubleSpinBox* m_weightDecay = nullptr;
    QDoubleSpinBox* m_gradClip = nullptr;
    QSpinBox* m_earlyStop = nullptr;
    QLabel* m_warnings = nullptr;
    QString m_warnedFor = QStringLiteral("\n"); ///< the dataset m_warnings describes (none yet)
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_threads = nullptr;
    QSpinBox* m_maxBatches = nullptr;
    QSpinBox* m_historyEvery = nullptr;
    QSpinBox* m_seed = nullptr;
    QLineEdit* m_name = nullptr;
    QLabel* m_folderLabel = nullptr;
    QPlainTextEdit* m_preview = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    bool m_ready = false;
};

} // namespace rs::ui

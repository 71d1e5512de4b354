#pragma once
/// \file training_workspace.h
/// The Training studio, a workspace tab: the runs of a runs folder (any process may write them),
/// a "New run" dialog, one run training at a time on its own worker thread with pause / resume /
/// stop / continue and a progress bar, live curves of one or several runs, their configurations
/// side by side, and for the current run its reconstructions (autoencoders), test-set
/// evaluation and predictions on the Explorer's cube (classifiers, regressors) and a 2D
/// projection of what it learnt. This class only wires those parts together.

#include "ml/run_folder.h"
#include "shell/workspace.h"

#include <QHash>

#include <functional>

class QSplitter;
class QTabWidget;

namespace rs::ui {

class ConfigCompare;
class CurvesView;
class EpochSamplesView;
class EvaluationView;
class GeneratorView;
class LatentView;
class FramePacer;
class NewRunDialog;
class PredictorPool;
class ProjectionView;
class ReconstructionView;
class RunManager;
class RunProgressBar;
class RunsModel;
class RunsPanel;
class RunsWatcher;
class Session;
class SweepView;
class TranslationView;
class TrainingController;
struct RunRequest;
struct TrainingOutcome;

class TrainingWorkspace : public Workspace {
    Q_OBJECT

public:
    enum class Tab {
        Curves,
        Configs,
        Reconstructions,
        Evaluation,
        Projection,
        Sweep,
        Samples,
        Translation,
        Generator,
        Latent
    };

    explicit TrainingWorkspace(Session* session, QWidget* parent = nullptr);
    ~TrainingWorkspace() override;

    QString title() const override;
    QList<QAction*> exportActions() const override;
    QList<QMenu*> menus() const override;
    QList<QAction*> editActions() const override; ///< Undo Delete
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;
    /// While a run trains, asks whether to stop it (it can be continued later from its
    /// checkpoint); stopping waits for the checkpoint. Returns whether the window may close.
    bool confirmClose() override;

    /// The folder whose run folders are listed (created when missing).
    void setRunsFolder(const QString& folder);
    QString runsFolder() const { return m_folder; }
    /// ~/.local/share/ReionScope/ReionScope/runs
    static QString defaultRunsFolder();

    /// The "New run" dialog, set up for the runs folder, the Explorer's catalog and the finished
    /// autoencoder runs (the menu action runs it and passes its request to startRun).
    NewRunDialog* createNewRunDialog();
    /// Starts a run (a new folder) on the training thread. Returns false, saying why, while
    /// another run trains.
    bool startRun(const RunRequest& request);
    /// Continues a stopped, interrupted or finished run until `epochs` epochs are done.
    bool continueRun(const QString& runDir, int epochs);

    void showTab(Tab t);
    /// The question asked on close while a run trains (tests answer it).
    void setCloseQuestion(std::function<bool(const QString& run)> ask) { m_ask = std::move(ask); }

    TrainingController* controller() const { return m_controller; }
    RunsModel* runsModel() const { return m_model; }
    RunsWatcher* watcher() const { return m_watcher; }
    RunsPanel* runsPanel() const { return m_runs; }
    RunManager* runManager() const { return m_manager; }
    CurvesView* curves() const { return m_curves; }
    ConfigCompare* configs() const { return m_configs; }
    ReconstructionView* reconstructions() const { return m_recon; }
    EvaluationView* evaluation() const { return m_eval; }
    ProjectionView* projection() const { return m_projection; }
    SweepView* sweepView() const { return m_sweep; }
    EpochSamplesView* samplesView() const { return m_samples; }
    TranslationView* translationView() const { return m_translation; }
    GeneratorView* generatorView() const { return m_generator; }
    LatentView* latentView() const { return m_latent; }
    /// Whether tab `t` is offered for the current run (the model views only for their run kind).
    bool isTabShown(Tab t) const;
    RunProgressBar* progressBar() const { return m_progress; }
    FramePacer* pacer() const { return m_pacer; }

private:
    void buildActions();
    void onSelectionChanged();
    void updateRunViews();
    void onFinished(const QString& runDir, const TrainingOutcome& outcome);
    void continueWithDialog();
    void newRunWithDialog();
    void buildRunActions();
    /// The Sweep tab: the current run's sweep (or the runs outside sweeps) when it shows.
    void updateSweepView();
    /// The Translation (unet), Generator (generator) and Latent traversal (ae) tabs.
    void buildModelViews();
    /// Shows the model tabs that suit the current run (hides the others).
    void updateModelTabs(const rs::ml::RunConfig* config);
    /// The model views forget their run (its weights changed): they compute again when shown.
    void resetModelViews();

    Session* m_session = nullptr;
    std::unique_ptr<PredictorPool> m_pool;
    TrainingController* m_controller = nullptr;
    RunsModel* m_model = nullptr;
    RunsWatcher* m_watcher = nullptr;
    RunsPanel* m_runs = nullptr;
    RunManager* m_manager = nullptr;
    RunProgressBar* m_progress = nullptr;
    QTabWidget* m_tabs = nullptr;
    CurvesView* m_curves = nullptr;
    ConfigCompare* m_configs = nullptr;
    ReconstructionView* m_recon = nullptr;
    EvaluationView* m_eval = nullptr;
    ProjectionView* m_projection = nullptr;
    SweepView* m_sweep = nullptr;
    EpochSamplesView* m_samples = nullptr;
    TranslationView* m_translation = nullptr;
    GeneratorView* m_generator = nullptr;
    LatentView* m_latent = nullptr;
    QString m_sweepGroup; ///< the sweep the Sweep tab shows ("" : runs outside sweeps)
    bool m_sweepUpdateQueued = false; ///< a rebuild of the Sweep tab waits for the event loop
    QSplitter* m_split = nullptr;
    FramePacer* m_pacer = nullptr;
    QString m_folder;
    QHash<QString, rs::ml::RunConfig> m_requested; ///< configs of runs started here (live placeholders)
    QString m_selectWhenListed; ///< a run started here: selected once it is listed
    QString m_viewStamp; ///< current run and its weights file and time: what the views show
    QList<QAction*> m_exports;
    QMenu* m_menu = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_continueAction = nullptr;
    QAction* m_undoAction = nullptr; ///< restores the last deletion (Edit menu, Training menu, Ctrl+Z)
    std::function<bool(const QString&)> m_ask;
};

} // namespace rs::ui

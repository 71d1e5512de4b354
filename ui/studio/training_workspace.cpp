#include "studio/training_workspace.h"

#include "explorer/session.h"
#include "shell/frame_pacer.h"
#include "studio/config_compare.h"
#include "studio/cube_prediction_view.h"
#include "studio/curves_view.h"
#include "studio/dataset_source_panel.h"
#include "studio/epoch_samples_view.h"
#include "studio/evaluation_view.h"
#include "studio/generator_view.h"
#include "studio/latent_view.h"
#include "studio/new_run_dialog.h"
#include "studio/predictor_pool.h"
#include "studio/projection_view.h"
#include "studio/reconstruction_view.h"
#include "studio/run_manager.h"
#include "studio/run_progress_bar.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/runs_watcher.h"
#include "studio/sweep_view.h"
#include "studio/training_controller.h"
#include "studio/translation_view.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace rs::ui {

namespace {

RunEntry::Live liveState(int state)
{
    switch (TrainingController::State(state)) {
    case TrainingController::State::Training:
        return RunEntry::Live::Training;
    case TrainingController::State::Paused:
        return RunEntry::Live::Paused;
    case TrainingController::State::Stopping:
        return RunEntry::Live::Stopping;
    case TrainingController::State::Idle:
        break;
    }
    return RunEntry::Live::No;
}

bool sameFolder(const QString& a, const QString& b)
{
    return QDir::cleanPath(QFileInfo(a).absoluteFilePath()) == QDir::cleanPath(QFileInfo(b).absoluteFilePath());
}

} // namespace

TrainingWorkspace::TrainingWorkspace(Session* session, QWidget* parent)
    : Workspace(parent)
    , m_session(session)
    , m_pool(std::make_unique<PredictorPool>())
{
    m_controller = new TrainingController(this);
    m_model = new RunsModel(this);
    m_watcher = new RunsWatcher(m_model, this);
    m_manager = new RunManager(m_model, m_watcher, this);

    m_runs = new RunsPanel(m_model, this);
    m_progress = new RunProgressBar(m_controller, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_curves = new CurvesView(m_model, m_tabs);
    m_configs = new ConfigCompare(m_tabs);
    m_recon = new ReconstructionView(m_pool.get(), m_tabs);
    m_eval = new EvaluationView(m_pool.get(), m_tabs);
    m_projection = new ProjectionView(m_pool.get(), m_tabs);
    m_tabs->addTab(m_curves, tr("Curves"));
    m_tabs->addTab(m_configs, tr("Compare configs"));
    m_tabs->addTab(m_recon, tr("Reconstructions"));
    m_tabs->addTab(m_eval, tr("Evaluation"));
    m_tabs->addTab(m_projection, tr("Projection"));
    m_sweep = new SweepView(m_tabs);
    m_tabs->addTab(m_sweep, tr("Sweep"));
    m_samples = new EpochSamplesView(m_tabs);
    m_tabs->addTab(m_samples, tr("Samples"));
    buildModelViews();

    auto* right = new QWidget(this);
    // One pace for everything that moves while a run trains: a frame carries the progress and the
    // curves together, and frames are spaced by what they cost (frame_pacer.h).
    m_pacer = new FramePacer(right, this);
    m_curves->setPacer(m_pacer);
    m_progress->setPacer(m_pacer);
    m_model->setDeferRowUpdates(true); // the runs table repaints in the same frames
    connect(m_model, &RunsModel::rowUpdatesPending, m_pacer, &FramePacer::request);
    connect(m_pacer, &FramePacer::present, m_model, &RunsModel::flushRowUpdates);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_progress);
    rightLayout->addWidget(m_tabs, 1);
    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->addWidget(m_runs);
    m_split->addWidget(right);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    m_split->setSizes({430, 1100});
    m_split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);

    connect(m_runs, &RunsPanel::folderChangeRequested, this, &TrainingWorkspace::setRunsFolder);
    connect(m_runs, &RunsPanel::newRunRequested, this, &TrainingWorkspace::newRunWithDialog);
    connect(m_runs, &RunsPanel::selectionChanged, this, &TrainingWorkspace::onSelectionChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, &TrainingWorkspace::updateRunViews);
    connect(m_watcher, &RunsWatcher::problem, m_runs, &RunsPanel::showNote);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_selectWhenListed.isEmpty() && m_model->rowOf(m_selectWhenListed) >= 0) {
            m_runs->selectRuns({m_selectWhenListed});
            m_selectWhenListed.clear();
        }
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from) {
        // A finished run's metrics arrived, a run's config was resolved: refresh the current views.
        if (from.isValid() && m_model->entry(from.row()).path == m_runs->currentRun())
            updateRunViews();
    });

    connect(m_controller, &TrainingController::progressed, this,
        [this](const QString& dir, const std::vector<rs::ml::TrainProgress>& reports) {
            if (sameFolder(QFileInfo(dir).path(), m_folder))
                m_model->appendProgress(dir, reports, m_requested.value(dir));
        });
    connect(m_controller, &TrainingController::stateChanged, this, [this](TrainingController::State s) {
        m_model->setLive(m_controller->runDir(), liveState(int(s)));
        const bool busy = s != TrainingController::State::Idle;
        m_pauseAction->setEnabled(busy && s != TrainingController::State::Stopping);
        m_pauseAction->setText(s == TrainingController::State::Paused ? tr("&Resume") : tr("&Pause"));
        m_stopAction->setEnabled(busy && s != TrainingController::State::Stopping);
        m_continueAction->setEnabled(!busy);
    });
    connect(m_controller, &TrainingController::finished, this, &TrainingWorkspace::onFinished);
    connect(session, &Session::snapshotChanged, this, [this](const Snapshot& s) {
        m_recon->setExplorerCubes(s.cubes);
        m_eval->cubeView()->setExplorerCubes(s.cubes);
        m_translation->setExplorerCubes(s.cubes);
    });
    connect(m_recon, &ReconstructionView::problem, this, &Workspace::problem);
    connect(m_recon, &ReconstructionView::statusMessage, this, &Workspace::statusMessage);
    connect(m_eval, &EvaluationView::problem, this, &Workspace::problem);
    connect(m_curves, &CurvesView::statusMessage, this, &Workspace::statusMessage);
    connect(m_curves, &CurvesView::problem, this, &Workspace::problem);

    m_ask = [this](const QString& run) {
        const auto answer = QMessageBox::question(this, tr("A run is training"),
            tr("%1 is still training. Stop it and quit?\n\nIt stops after its current batch and keeps a "
               "checkpoint: continue it later from the runs list.")
                .arg(QFileInfo(run).fileName()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        return answer == QMessageBox::Yes;
    };
    buildActions();
    buildRunActions();
    setRunsFolder(defaultRunsFolder());
}

TrainingWorkspace::~TrainingWorkspace() = default;

QString TrainingWorkspace::title() const
{
    return tr("Training");
}

QString TrainingWorkspace::defaultRunsFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("runs"));
}

void TrainingWorkspace::buildActions()
{
    m_menu = new QMenu(tr("&Training"), this);
    QAction* newRun = m_menu->addAction(tr("&New Run…"));
    newRun->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    connect(newRun, &QAction::triggered, this, &TrainingWorkspace::newRunWithDialog);
    m_continueAction = m_menu->addAction(tr("&Continue Selected Run…"));
    connect(m_continueAction, &QAction::triggered, this, &TrainingWorkspace::continueWithDialog);
    m_pauseAction = m_menu->addAction(tr("&Pause"));
    m_pauseAction->setEnabled(false);
    connect(m_pauseAction, &QAction::triggered, this, [this] {
        m_controller->state() == TrainingController::State::Paused ? m_controller->resume() : m_controller->pause();
    });
    m_stopAction = m_menu->addAction(tr("&Stop"));
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, m_controller, &TrainingController::stop);
    m_menu->addSeparator();
    QAction* folder = m_menu->addAction(tr("Runs &Folder…"));
    connect(folder, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Runs folder"), m_folder);
        if (!dir.isEmpty())
            setRunsFolder(dir);
    });

    auto* png = new QAction(tr("Training &Curves as PNG…"), this);
    connect(png, &QAction::triggered, this, [this] { m_curves->exportWithDialog(true); });
    auto* csv = new QAction(tr("Training Curves as CS&V…"), this);
    connect(csv, &QAction::triggered, this, [this] { m_curves->exportWithDialog(false); });
    m_exports = {png, csv};
}

QList<QAction*> TrainingWorkspace::exportActions() const
{
    return m_exports;
}

QList<QAction*> TrainingWorkspace::editActions() const
{
    return {m_undoAction};
}

QList<QMenu*> TrainingWorkspace::menus() const
{
    return {m_menu};
}

void TrainingWorkspace::saveState(QSettings& s) const
{
    s.setValue(QStringLiteral("runsFolder"), m_folder);
    s.setValue(QStringLiteral("splitter"), m_split->saveState());
    s.setValue(QStringLiteral("curvesAgainstStep"), m_curves->xAxis() == CurvesView::XAxis::Step);
    s.setValue(QStringLiteral("smoothing"), m_curves->smoothing());
    s.setValue(QStringLiteral("logLoss"), m_curves->logLoss());
}

void TrainingWorkspace::restoreState(QSettings& s)
{
    m_split->restoreState(s.value(QStringLiteral("splitter")).toByteArray());
    if (s.contains(QStringLiteral("curvesAgainstStep")))
        m_curves->setXAxis(
            s.value(QStringLiteral("curvesAgainstStep")).toBool() ? CurvesView::XAxis::Step : CurvesView::XAxis::Epoch);
    if (s.contains(QStringLiteral("smoothing")))
        m_curves->setSmoothing(s.value(QStringLiteral("smoothing")).toDouble());
    m_curves->setLogLoss(s.value(QStringLiteral("logLoss"), false).toBool());
    const QString folder = s.value(QStringLiteral("runsFolder")).toString();
    if (!folder.isEmpty() && folder != m_folder)
        setRunsFolder(folder);
}

void TrainingWorkspace::setRunsFolder(const QString& folder)
{
    QDir().mkpath(folder);
    m_folder = QFileInfo(folder).absoluteFilePath();
    m_pool->clear();
    m_runs->setFolder(m_folder);
    m_watcher->setFolder(m_folder);
}

NewRunDialog* TrainingWorkspace::createNewRunDialog()
{
    QStringList encoders;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const RunEntry& e = m_model->entry(r);
        if (e.config.model == rs::ml::ModelKind::Autoencoder && e.finished)
            encoders << e.path;
    }
    auto* dlg = new NewRunDialog(m_folder, m_session->openedPaths(), encoders, this);
    dlg->setAttribute(Qt::WA_DeleteOnClose, false);
    // The last run started from the dialog: its settings and dataset come back.
    QSettings settings;
    const QByteArray last = settings.value(QStringLiteral("training/lastNewRun")).toByteArray();
    try {
        if (!last.isEmpty()) {
            const rs::ml::RunConfig c = nlohmann::json::parse(last.toStdString()).get<rs::ml::RunConfig>();
            dlg->setConfig(c);
            if (QFileInfo::exists(QString::fromStdString(c.datasetPath)))
                dlg->datasetPanel()->setDatasetPath(QString::fromStdString(c.datasetPath));
        }
    } catch (const std::exception&) {
        // settings of another version: start from the defaults
    }
    connect(dlg, &QDialog::accepted, this, [dlg] {
        QSettings().setValue(
            QStringLiteral("training/lastNewRun"), QByteArray::fromStdString(rs::ml::runConfigJson(dlg->config())));
    });
    return dlg;
}

void TrainingWorkspace::newRunWithDialog()
{
    std::unique_ptr<NewRunDialog> dlg(createNewRunDialog());
    dlg->resize(1100, 760);
    if (dlg->exec() == QDialog::Accepted)
        startRun(dlg->request());
}

bool TrainingWorkspace::startRun(const RunRequest& request)
{
    if (m_controller->isBusy()) {
        Q_EMIT problem(tr("%1 is still training: stop it before starting another run")
                           .arg(QFileInfo(m_controller->runDir()).fileName()),
            {});
        return false;
    }
    const QString dir = QFileInfo(request.runDir).absoluteFilePath();
    m_requested.insert(dir, request.config);
    if (!m_controller->start(dir, request.config))
        return false;
    if (m_model->rowOf(dir) >= 0) {
        m_model->setLive(dir, RunEntry::Live::Training);
        m_runs->selectRuns({dir});
    } else {
        m_selectWhenListed = dir;
    }
    showTab(Tab::Curves);
    Q_EMIT statusMessage(tr("Training %1…").arg(QFileInfo(dir).fileName()), 4000);
    return true;
}

bool TrainingWorkspace::continueRun(const QString& runDir, int epochs)
{
    const RunEntry* e = m_model->find(runDir);
    if (!e)
        return false;
    rs::ml::RunConfig c = e->config;
    c.epochs = epochs;
    return startRun({runDir, c});
}

void TrainingWorkspace::continueWithDialog()
{
    const QString run = m_runs->currentRun();
    const RunEntry* e = m_model->find(run);
    if (!e) {
        Q_EMIT statusMessage(tr("Select the run to continue in the runs list"), 4000);
        return;
    }
    const bool done = e->epochsDone >= e->config.epochs;
    bool ok = false;
    const int epochs = QInputDialog::getInt(this, tr("Continue training"),
        tr("Train %1 until epoch (%2 done so far):").arg(e->name).arg(e->epochsDone),
        done ? e->config.epochs + 5 : e->config.epochs, e->epochsDone + 1, 1000000, 1, &ok);
    if (ok)
        continueRun(run, epochs);
}

void TrainingWorkspace::onFinished(const QString& runDir, const TrainingOutcome& outcome)
{
    m_model->setLive(runDir, RunEntry::Live::No);
    m_watcher->pollNow(); // the final lines, metrics.json and final.pt
    const QString name = QFileInfo(runDir).fileName();
    switch (outcome.status) {
    case TrainingOutcome::Status::Finished:
        Q_EMIT statusMessage(tr("%1: %2").arg(name, outcome.message), 8000);
        break;
    case TrainingOutcome::Status::Stopped:
        Q_EMIT statusMessage(tr("%1: %2. Continue it from the Training menu.").arg(name, outcome.message), 8000);
        break;
    case TrainingOutcome::Status::Failed:
        Q_EMIT problem(tr("Training %1 failed: %2").arg(name, outcome.message), outcome.message);
        break;
    }
}

void TrainingWorkspace::showTab(Tab t)
{
    m_tabs->setCurrentIndex(int(t));
}

void TrainingWorkspace::onSelectionChanged()
{
    const QStringList selected = m_runs->selectedRuns();
    m_curves->setRuns(selected);
    std::vector<std::pair<QString, rs::ml::RunConfig>> configs;
    std::vector<std::vector<std::pair<QString, QString>>> results;
    for (const QString& p : selected)
        if (const RunEntry* e = m_model->find(p)) {
            configs.emplace_back(e->name, e->config);
            results.push_back(m_model->resultRows(*e));
        }
    m_configs->setRuns(configs, results);
    updateRunViews();
}

void TrainingWorkspace::updateRunViews()
{
    // Only the visible view works on the current run: hidden tabs start no background job.
    const RunEntry* e = m_model->find(m_runs->currentRun());
    const QString path = e ? e->path : QString();
    const rs::ml::RunConfig config = e ? e->config : rs::ml::RunConfig {};
    const bool ready = e && config.rows > 0; // a run whose config is resolved (it has started)
    // The weights the views would load (final.pt, else best.pt, else last.pt) and their time: an
    // epoch without a new best changes nothing, and a refresh never cancels a view's job.
    const auto [weights, modified] = e ? runWeightsStamp(path.toStdString()) : std::pair<std::string, long long> {};
    const QString stamp
        = e ? QStringLiteral("%1|%2|%3").arg(path, QString::fromStdString(weights)).arg(modified) : QString();
    if (e && stamp != m_viewStamp && m_viewStamp.startsWith(path + QLatin1Char('|'))) {
        // The same run has new weights (a new best epoch, it finished): the views compute again.
        m_pool->clear();
        m_recon->setRun(QString(), config);
        m_eval->setRun(QString(), config, std::nullopt);
        m_projection->setRun(QString(), config);
        resetModelViews();
    }
    m_viewStamp = stamp;
    updateModelTabs(ready ? &config : nullptr);
    switch (Tab(m_tabs->currentIndex())) {
    case Tab::Reconstructions:
        m_recon->setRun(ready ? path : QString(), config);
        break;
    case Tab::Evaluation:
        m_eval->setRun(ready ? path : QString(), config, e ? e->metrics : std::nullopt);
        break;
    case Tab::Projection:
        m_projection->setRun(ready ? path : QString(), config);
        break;
    case Tab::Sweep:
        updateSweepView();
        break;
    case Tab::Samples:
        m_samples->setRun(path);
        break;
    case Tab::Translation:
        m_translation->setRun(ready ? path : QString(), config);
        break;
    case Tab::Generator:
        m_generator->setRun(ready ? path : QString(), config);
        break;
    case Tab::Latent:
        m_latent->setRun(ready ? path : QString(), config);
        break;
    case Tab::Curves:
    case Tab::Configs:
        break;
    }
}

bool TrainingWorkspace::confirmClose()
{
    if (!m_controller->isBusy())
        return true;
    if (!m_ask(m_controller->runDir()))
        return false;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const bool stopped = m_controller->stopAndWait(120000);
    QApplication::restoreOverrideCursor();
    return stopped;
}

} // namespace rs::ui

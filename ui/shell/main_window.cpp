#include "shell/main_window.h"

#include "explorer/explorer_workspace.h"
#include "explorer/session.h"
#include "shell/first_start_data.h"
#include "shell/job_progress.h"
#include "shell/job_runner.h"
#include "shell/message_bar.h"
#include "shell/recent_files.h"
#include "shell/status_info.h"
#include "studio/training_workspace.h"
#include "vtk/slice_canvas.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace rs::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_session(new Session(this))
    , m_recent(new RecentFiles(this))
    , m_demo(new DemoData(this))
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/reionscope-256.png")));
    setAcceptDrops(true);
    setObjectName(QStringLiteral("MainWindow"));

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->setSpacing(4);
    m_messageBar = new MessageBar(central);
    layout->addWidget(m_messageBar);
    m_tabs = new QTabWidget(central);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabBarAutoHide(true); // one workspace: no tab bar
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_progress = new JobProgress(this);
    m_progress->follow(m_session->loader());
    m_progress->follow(m_demo->job());
    m_statusInfo = new StatusInfo(this);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_statusInfo);

    buildMenus();
    m_explorer = new ExplorerWorkspace(m_session, this);
    addWorkspace(m_explorer);
    m_training = new TrainingWorkspace(m_session, this);
    addWorkspace(m_training);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onWorkspaceChanged);

    connect(m_session, &Session::problem, this, &MainWindow::showProblem);
    connect(m_session, &Session::opened, this, [this](const QStringList& paths) {
        m_recent->add(paths);
        m_messageBar->hide();
        updateTitle();
    });
    connect(m_session, &Session::snapshotChanged, this, [this] {
        statusBar()->showMessage(
            tr("Showing %1, %2")
                .arg(m_session->snapshot().runLabel,
                    m_session->snapshot().redshift ? QStringLiteral("z = %1").arg(*m_session->snapshot().redshift)
                                                   : tr("z unknown")),
            4000);
    });
    connect(m_recent, &RecentFiles::openRequested, this, &MainWindow::openPaths);
    connect(m_demo, &DemoData::ready, this, [this](const QString& folder) { openPaths({folder}); });
    connect(m_demo, &DemoData::completed, this, [this](const QString& folder) {
        const QStringList opened = m_session->openedPaths();
        if (opened.size() == 1 && QFileInfo(opened.front()) == QFileInfo(folder))
            m_session->refresh();
    });
    connect(m_demo->job(), &JobRunner::failed, this,
        [this](const QString& message) { showProblem(tr("Could not make the demo data: %1").arg(message), message); });

    restoreSettings();
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* openFiles = m_fileMenu->addAction(tr("&Open Files…"));
    openFiles->setShortcut(QKeySequence::Open);
    connect(openFiles, &QAction::triggered, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Open cube files"), QString(), tr("Cube files (*.h5 *.hdf5 *.npy);;All files (*)"));
        if (!files.isEmpty())
            openPaths(files);
    });
    QAction* openFolder = m_fileMenu->addAction(tr("Open &Folder…"));
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openFolder, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of cubes"));
        if (!dir.isEmpty())
            openPaths({dir});
    });
    m_recentMenu = m_fileMenu->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, [this] { m_recent->fillMenu(m_recentMenu); });
    QAction* demo = m_fileMenu->addAction(tr("Open &Demo Data"));
    connect(demo, &QAction::triggered, this, &MainWindow::openDemoData);
    m_fileMenu->addSeparator();
    m_exportMenu = m_fileMenu->addMenu(tr("&Export"));
    m_fileMenu->addSeparator();
    QAction* cancel = m_fileMenu->addAction(tr("&Cancel Loading"));
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(cancel, &QAction::triggered, this, [this] {
        m_session->cancel();
        m_demo->job()->cancel();
    });
    m_fileMenu->addSeparator();
    QAction* quit = m_fileMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    m_editMenu = menuBar()->addMenu(tr("&Edit")); // the active workspace's edit actions
    QMenu* window = m_windowMenu = menuBar()->addMenu(tr("&Window"));
    QAction* full = window->addAction(tr("&Full Screen"));
    full->setShortcut(QKeySequence::FullScreen);
    full->setCheckable(true);
    connect(full, &QAction::toggled, this, [this](bool on) { on ? showFullScreen() : showNormal(); });
    QAction* status = window->addAction(tr("&Status Bar"));
    status->setCheckable(true);
    status->setChecked(true);
    connect(status, &QAction::toggled, statusBar(), &QWidget::setVisible);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About ReionScope"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About ReionScope"),
            tr("<h3>ReionScope %1</h3><p>A desktop lab for 21cm cosmic-dawn and reionization cubes: "
               "density, neutral fraction and brightness temperature.</p>"
               "<p>Reads classic 21cmFAST boxes, py21cmfast HDF5, NumPy and ReionScope HDF5 files.</p>")
                .arg(QApplication::applicationVersion()));
    });
    QAction* aboutQt = help->addAction(tr("About &Qt"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::addWorkspace(Workspace* workspace)
{
    m_tabs->addTab(workspace, workspace->title());
    connect(workspace, &Workspace::statusMessage, this,
        [this](const QString& text, int timeout) { statusBar()->showMessage(text, timeout); });
    connect(workspace, &Workspace::problem, this, &MainWindow::showProblem);
    connect(workspace, &Workspace::probed, m_statusInfo, &StatusInfo::showProbe);
    QSettings settings;
    settings.beginGroup(QStringLiteral("workspace/") + workspace->title());
    workspace->restoreState(settings);
    settings.endGroup();
    onWorkspaceChanged();
}

void MainWindow::showWorkspace(Workspace* workspace)
{
    m_tabs->setCurrentWidget(workspace);
}

void MainWindow::onWorkspaceChanged()
{
    // The active workspace's menus sit between Edit and Window; its exports under File ▸ Export,
    // its undo and the like under Edit.
    for (QAction* a : m_workspaceMenus)
        menuBar()->removeAction(a);
    m_workspaceMenus.clear();
    m_exportMenu->clear();
    m_editMenu->clear();
    auto* ws = qobject_cast<Workspace*>(m_tabs->currentWidget());
    m_editMenu->menuAction()->setVisible(ws && !ws->editActions().isEmpty());
    if (!ws)
        return;
    m_exportMenu->addActions(ws->exportActions());
    m_exportMenu->setEnabled(!ws->exportActions().isEmpty());
    m_editMenu->addActions(ws->editActions());
    for (QMenu* m : ws->menus()) {
        menuBar()->insertMenu(m_windowMenu->menuAction(), m);
        m_workspaceMenus.append(m->menuAction());
    }
}

void MainWindow::start(const QStringList& paths)
{
    if (!paths.isEmpty()) {
        openPaths(paths);
        return;
    }
    for (const QStringList& entry : m_recent->entries()) {
        bool all = true;
        for (const QString& p : entry)
            all = all && QFileInfo::exists(p);
        if (all) {
            openPaths(entry);
            return;
        }
    }
    openDemoData();
}

void MainWindow::openPaths(const QStringList& paths)
{
    QStringList existing, missing;
    for (const QString& p : paths)
        (QFileInfo::exists(p) ? existing : missing) << p;
    if (!missing.isEmpty())
        showProblem(tr("Cannot open %1: no such file or folder").arg(missing.join(QStringLiteral(", "))), {});
    if (existing.isEmpty())
        return;
    statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(existing.front())));
    m_session->open(existing);
}

void MainWindow::openDemoData()
{
    statusBar()->showMessage(tr("Preparing the demo data…"));
    m_demo->ensure(DemoData::defaultFolder());
}

void MainWindow::showProblem(const QString& message, const QString& details)
{
    m_messageBar->showMessage(message, details);
    statusBar()->showMessage(message, 8000);
}

void MainWindow::updateTitle()
{
    const QStringList paths = m_session->openedPaths();
    if (paths.isEmpty())
        setWindowTitle(QStringLiteral("ReionScope"));
    else
        setWindowTitle(QStringLiteral("%1 — ReionScope").arg(QFileInfo(paths.front()).fileName()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e)
{
    if (!e->mimeData()->hasUrls())
        return;
    for (const QUrl& u : e->mimeData()->urls())
        if (!u.isLocalFile())
            return;
    e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e)
{
    QStringList paths;
    for (const QUrl& u : e->mimeData()->urls())
        if (u.isLocalFile())
            paths << u.toLocalFile();
    if (paths.isEmpty())
        return;
    e->acceptProposedAction();
    openPaths(paths);
}

void MainWindow::closeEvent(QCloseEvent* e)
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (!qobject_cast<Workspace*>(m_tabs->widget(i))->confirmClose()) {
            e->ignore(); // e.g. a training run the user keeps going
            return;
        }
    saveSettings();
    m_session->cancel();
    QMainWindow::closeEvent(e);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto* ws = qobject_cast<Workspace*>(m_tabs->widget(i));
        settings.beginGroup(QStringLiteral("workspace/") + ws->title());
        ws->saveState(settings);
        settings.endGroup();
    }
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1500, 950);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

} // namespace rs::ui

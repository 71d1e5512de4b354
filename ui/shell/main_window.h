#pragma once
/// \file main_window.h
/// ReionScope's main window: menus, status bar, message bar, drag and drop, settings, and a tab
/// per workspace (the Explorer, the Training studio; more can be added with addWorkspace). Opening goes through one
/// path, openPaths(), whatever asked for it (menu, recent list, drop, command line).

#include <QMainWindow>
#include <QStringList>

class QMenu;
class QTabWidget;

namespace rs::ui {

class DemoData;
class ExplorerWorkspace;
class JobProgress;
class MessageBar;
class RecentFiles;
class Session;
class StatusInfo;
class TrainingWorkspace;
class Workspace;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// What to show at start: the paths given, else the most recent entry that still exists, else
    /// the demo grid (generated on first start).
    void start(const QStringList& paths);
    /// Opens files and folders in the background (the one path every "open" takes).
    void openPaths(const QStringList& paths);
    /// Opens the demo grid, generating it first when needed.
    void openDemoData();

    /// Adds a workspace as a tab (the window takes ownership).
    void addWorkspace(Workspace* workspace);
    /// Brings a workspace's tab to the front.
    void showWorkspace(Workspace* workspace);

    Session* session() const { return m_session; }
    ExplorerWorkspace* explorer() const { return m_explorer; }
    TrainingWorkspace* training() const { return m_training; }
    MessageBar* messageBar() const { return m_messageBar; }
    StatusInfo* statusInfo() const { return m_statusInfo; }
    RecentFiles* recentFiles() const { return m_recent; }
    DemoData* demoData() const { return m_demo; }

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void buildMenus();
    void onWorkspaceChanged();
    void showProblem(const QString& message, const QString& details);
    void saveSettings() const;
    void restoreSettings();
    void updateTitle();

    Session* m_session = nullptr;
    RecentFiles* m_recent = nullptr;
    DemoData* m_demo = nullptr;
    QTabWidget* m_tabs = nullptr;
    ExplorerWorkspace* m_explorer = nullptr;
    TrainingWorkspace* m_training = nullptr;
    MessageBar* m_messageBar = nullptr;
    StatusInfo* m_statusInfo = nullptr;
    JobProgress* m_progress = nullptr;
    QMenu* m_fileMenu = nullptr;
    QMenu* m_exportMenu = nullptr;
    QMenu* m_editMenu = nullptr;
    QMenu* m_windowMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QList<QAction*> m_workspaceMenus;
};

} // namespace rs::ui

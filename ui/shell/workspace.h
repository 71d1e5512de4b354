#pragma once
/// \file workspace.h
/// A workspace is one tab of the main window (the Explorer, the Training studio). The
/// window hosts workspaces and asks the active one for its export actions and menus, so a new
/// workspace plugs in without changing the window.

#include <QList>
#include <QWidget>

class QAction;
class QMenu;
class QSettings;

namespace rs::ui {

struct VoxelProbe;

class Workspace : public QWidget {
    Q_OBJECT

public:
    using QWidget::QWidget;

    /// Tab title.
    virtual QString title() const = 0;
    /// Actions listed under File ▸ Export while this workspace is active.
    virtual QList<QAction*> exportActions() const { return {}; }
    /// Actions listed under Edit (Undo, ...) while this workspace is active; none hides Edit.
    virtual QList<QAction*> editActions() const { return {}; }
    /// Menus added to the menu bar (after File and Edit) while this workspace is active.
    virtual QList<QMenu*> menus() const { return {}; }
    /// Splitter sizes and view options, under the settings group the window opens for it.
    virtual void saveState(QSettings&) const { }
    virtual void restoreState(QSettings&) { }
    /// Whether the window may close now; a workspace may ask the user and finish its work first
    /// (a training run stops at a checkpoint).
    virtual bool confirmClose() { return true; }

Q_SIGNALS:
    /// A short message for the status bar (timeout in ms, 0 = until replaced).
    void statusMessage(const QString& text, int timeoutMs);
    /// A problem in plain words for the message bar.
    void problem(const QString& message, const QString& details);
    /// What is under the mouse (status bar).
    void probed(const rs::ui::VoxelProbe& probe);
};

} // namespace rs::ui

#pragma once
/// \file runs_panel.h
/// The runs panel: the runs folder (chosen by the user; runs written there by any process appear)
/// and a table of its runs. Several runs can be selected (Ctrl/Shift-click) to overlay their curves
/// and compare their configurations.

#include <QStringList>
#include <QWidget>

class QLabel;
class QTableView;
class QToolButton;

namespace rs::ui {

class RunsModel;

class RunsPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunsPanel(RunsModel* model, QWidget* parent = nullptr);

    void setFolder(const QString& folder);
    QTableView* view() const { return m_view; }
    /// Selected runs' paths, in table order.
    QStringList selectedRuns() const;
    /// The run with the keyboard focus (the last clicked), or "".
    QString currentRun() const;
    /// Selects these runs (the first becomes current).
    void selectRuns(const QStringList& paths);
    /// A line under the table (the folder cannot be read, ...).
    void showNote(const QString& text);
    /// The text shown instead of the table while the folder holds no run ("" when it holds some).
    QString emptyText() const;
    QToolButton* newRunButton() const { return m_newRun; }

Q_SIGNALS:
    void folderChangeRequested(const QString& folder);
    void newRunRequested();
    void selectionChanged();

private:
    RunsModel* m_model = nullptr;
    QLabel* m_folder = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_empty = nullptr;
    QToolButton* m_newRun = nullptr;
};

} // namespace rs::ui

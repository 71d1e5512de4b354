#pragma once
/// \file runs_panel.h
/// The runs panel: the runs folder (chosen by the user; runs written there by any process appear)
/// and a table of its runs. Several runs can be selected (Ctrl/Shift-click) to overlay their curves
/// and compare their configurations. Above the table: a filter box, grouping by any key and extra
/// columns (any config or result key); sorting by a click on a header. Under it: a bar that says
/// what was deleted, with an Undo button.

#include <QStringList>
#include <QWidget>

class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;

namespace rs::ui {

class RunsFilterModel;
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
    RunsFilterModel* filterModel() const { return m_filter; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    /// Groups rows by a key (run_columns.h; "" : none); the group column moves to the front.
    void setGroupKey(const QString& key);
    QComboBox* groupCombo() const { return m_group; }
    /// Shows extra columns (keys of run_columns.h), keeping the group's column.
    void setExtraColumns(const QStringList& keys);
    /// The bar under the table: a message, and an Undo button when `undo` (undoRequested).
    void showUndoBar(const QString& text, bool undo);
    QString undoBarText() const;
    QToolButton* undoButton() const { return m_undo; }

Q_SIGNALS:
    void folderChangeRequested(const QString& folder);
    void newRunRequested();
    void selectionChanged();
    void undoRequested();

private:
    RunsModel* m_model = nullptr;
    QLabel* m_folder = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_empty = nullptr;
    QToolButton* m_newRun = nullptr;
    RunsFilterModel* m_filter = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QComboBox* m_group = nullptr;
    QToolButton* m_columns = nullptr;
    QFrame* m_undoBar = nullptr;
    QLabel* m_undoText = nullptr;
    QToolButton* m_undo = nullptr;
    bool m_groupChosen = false; ///< the user picked a grouping (else sweeps group themselves)

    void buildFilterRow();
    void buildUndoBar();
    void fillKeyChoices();
};

} // namespace rs::ui

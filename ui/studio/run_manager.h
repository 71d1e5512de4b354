#pragma once
/// \file run_manager.h
/// The studio's edits of run folders (core/ml/run_meta.h): display name, notes and tags written
/// to meta.json and shown at once, and deleting runs to the runs folder's trash with an undo
/// stack (the last deletion is restored first). Runs that are being trained are refused with
/// the core's message. File work is quick (small files, rename(2)) and done on the GUI thread.

#include <QObject>
#include <QStringList>

#include <functional>
#include <vector>

namespace rs::ml {
struct RunMeta;
}

namespace rs::ui {

class RunsModel;
class RunsWatcher;

class RunManager : public QObject {
    Q_OBJECT

public:
    RunManager(RunsModel* model, RunsWatcher* watcher, QObject* parent = nullptr);

    /// Each returns false and emits problem() on failure.
    bool rename(const QString& run, const QString& name);
    bool setNotes(const QString& run, const QString& notes);
    bool setTags(const QString& run, const QStringList& tags);
    /// Moves runs to the trash (one undo step for all); stops at the first that cannot move.
    bool trash(const QStringList& runs);
    /// Restores the runs of the last deletion.
    bool undoTrash();
    bool canUndo() const { return !m_undo.empty(); }
    /// The trashed paths of the last deletion (tests).
    QStringList lastTrashed() const;

Q_SIGNALS:
    void problem(const QString& message);
    /// A deletion or restore happened: a line for the message bar and whether undo is possible.
    void trashChanged(const QString& message, bool canUndo);

private:
    bool editMeta(const QString& run, const std::function<void(rs::ml::RunMeta&)>& edit);

    RunsModel* m_model = nullptr;
    RunsWatcher* m_watcher = nullptr;
    std::vector<std::vector<std::pair<QString, QString>>> m_undo; ///< per deletion: (run, trashed path)
};

} // namespace rs::ui

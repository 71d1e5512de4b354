#pragma once
/// \file runs_watcher.h
/// Follows a runs folder for the runs panel: new run folders (written by this window, by
/// `reionscope-cli train` in another process, copied in), lines appended to their
/// history.jsonl, runs that finish or disappear. A QFileSystemWatcher on the folder reacts at
/// once to new folders; a light poll compares history sizes and reads only the appended part
/// (a partially written last line waits for the next look). All file work runs in the
/// background; the model receives values.

#include <QObject>
#include <QString>

class QFileSystemWatcher;
class QTimer;

namespace rs::ui {

class JobRunner;
class RunsModel;

class RunsWatcher : public QObject {
    Q_OBJECT

public:
    explicit RunsWatcher(RunsModel* model, QObject* parent = nullptr);

    /// Follows another folder: the model is cleared and filled from it. "" follows nothing.
    void setFolder(const QString& folder);
    QString folder() const { return m_folder; }
    /// Milliseconds between looks at history sizes (default 1000).
    void setPollInterval(int ms);
    /// Looks now (unless a look is already under way; then one follows it).
    void pollNow();
    JobRunner* job() const { return m_job; }

Q_SIGNALS:
    /// The folder cannot be read (message in plain words).
    void problem(const QString& message);
    /// A look finished and its findings are in the model.
    void polled();

private:
    void startLook(bool supersede);

    RunsModel* m_model = nullptr;
    JobRunner* m_job = nullptr;
    QFileSystemWatcher* m_fsWatcher = nullptr;
    QTimer* m_timer = nullptr;
    QString m_folder;
    bool m_again = false;
};

} // namespace rs::ui

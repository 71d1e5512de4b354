#pragma once
/// \file session.h
/// What the Explorer has open: the catalog of opened files and folders, and the run/redshift
/// whose cubes are loaded. Opening and loading run in the background (JobRunner): a newer request
/// supersedes an older one, progress can be shown and cancelled, and failures arrive as plain
/// messages while what was open stays open.

#include "explorer/snapshot.h"

#include <QObject>
#include <QStringList>

#include <cmath>

namespace rs::ui {

class CatalogModel;
class JobRunner;

class Session : public QObject {
    Q_OBJECT

public:
    explicit Session(QObject* parent = nullptr);

    CatalogModel* model() const { return m_model; }
    /// The job runner for opening and loading (progress, cancel).
    JobRunner* loader() const { return m_loader; }

    /// Opens files and folders (the menu, drag and drop and the command line all come here):
    /// folders are scanned, files probed, everything grouped into runs; then the first run's
    /// lowest redshift is loaded. When nothing could be opened, the current data stays and
    /// problem() says why.
    void open(const QStringList& paths);
    /// Scans the opened paths again (new files appear) and keeps the run and redshift shown.
    void refresh();
    /// Loads the cubes of a run at a redshift key (ignored when already shown or loading).
    void loadSnapshot(int run, double zKey);
    /// Loads one cube for comparison in the slice view (comparisonLoaded).
    void loadComparison(int run, double zKey, Quantity quantity);
    void cancel();

    const Snapshot& snapshot() const { return m_snapshot; }
    int currentRun() const { return m_run; }
    double currentRedshift() const { return m_z; }
    QStringList openedPaths() const { return m_paths; }
    bool isBusy() const;

Q_SIGNALS:
    /// The catalog of `paths` is in the model (with or without loadable runs).
    void opened(const QStringList& paths);
    void snapshotChanged(const rs::ui::Snapshot& snapshot);
    /// refresh() finished: the catalog changed, the snapshot shown did not.
    void refreshed();
    void comparisonLoaded(const rs::ui::LoadedCube& cube);
    /// Something could not be opened or read. `message` is one line for people; `details` lists
    /// each file and its problem.
    void problem(const QString& message, const QString& details);

private:
    void startOpen(const QStringList& paths, bool keepSelection);

    CatalogModel* m_model = nullptr;
    JobRunner* m_loader = nullptr;
    JobRunner* m_comparer = nullptr;
    JobRunner* m_refresher = nullptr;
    Snapshot m_snapshot;
    QStringList m_paths;
    int m_run = -1;
    double m_z = std::nan("");
    int m_loadingRun = -1;
    double m_loadingZ = std::nan("");
};

} // namespace rs::ui

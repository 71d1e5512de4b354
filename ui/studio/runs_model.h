#pragma once
/// \file runs_model.h
/// The training runs of one runs folder as a table: name, model (with the world size of a
/// data-parallel run), target, status, epochs, last validation metric and test metric, each with
/// its curves. Runs arrive from the folder watcher
/// (any process may write them) and from the in-process trainer (live reports); the model only
/// holds values and never touches files.

#include "studio/run_curves.h"

#include "ml/metrics.h"
#include "ml/run_folder.h"
#include "ml/run_meta.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QStringList>

#include <optional>
#include <vector>

namespace rs::ui {

/// What the folder watcher learnt about one run in one look.
struct RunUpdate {
    QString path;
    bool removed = false; ///< the folder is gone
    /// rs::ml::listRuns: a run seen for the first time, or whose config.json was rewritten since
    /// (`reionscope-cli calibrate` refits a finished generator's points)
    std::optional<rs::ml::RunSummary> summary;
    rs::ml::HistoryChunk history; ///< lines appended since the last look
    bool finished = false; ///< final.pt exists
    std::optional<rs::ml::EvalMetrics> metrics; ///< metrics.json, read when the run finished
    std::optional<rs::ml::RunMeta> meta; ///< meta.json when it changed (or the run is new)
    qint64 metaStamp = 0; ///< meta.json's change stamp (rs::fileChangeStamp; 0: none)
    qint64 configStamp = 0; ///< config.json's and metrics.json's change stamp, with `summary`
    std::optional<bool> locked; ///< whether a trainer holds train.lock, when that changed (or the run is new)
};

/// What the watcher needs to know about a listed run to read only what changed.
struct KnownRun {
    QString path;
    std::uint64_t historyOffset = 0;
    qint64 metaStamp = 0;
    qint64 configStamp = 0; ///< 0: not known (the watcher then leaves config.json alone)
    bool locked = false;
};

/// One run folder and what is known about it.
struct RunEntry {
    enum class Live { No, Training, Paused, Stopping }; ///< trained by this window

    QString path, name; ///< name: the display name (meta.json), else the folder's
    QString folderName;
    rs::ml::RunConfig config;
    std::vector<std::pair<QString, QString>> flatConfig; ///< rs::ml::flattenRunConfig(config)
    rs::ml::RunMeta meta;
    qint64 metaStamp = 0;
    qint64 configStamp = 0; ///< config.json's and metrics.json's change stamp when `config` was read
    bool finished = false;
    std::optional<rs::ml::EvalMetrics> metrics;
    RunCurves curves;
    int epochsDone = 0;
    int lastEpoch = 0; ///< the last validated epoch (from 1; 0: none yet)
    double lastValMetric = 0; ///< its validation metric (NaN until an epoch is validated)
    int bestEpoch = 0; ///< the epoch of the lowest validation loss (final.pt's weights)
    double bestValLoss = INFINITY, bestValMetric = NAN;
    QString lastType; ///< type of the last history line ("batch", "stopped", ...)
    QString lastMessage;
    std::uint64_t historyOffset = 0;
    qint64 lastGrowthMs = -1; ///< monotonic ms when its history last grew (-1: never seen growing)
    bool locked = false; ///< a trainer elsewhere (another process) holds its train.lock
    Live live = Live::No;
    QStringList shown; ///< what its table row shows (changes that show nothing repaint nothing)

    /// "training", "paused", "finished", "stopped", "failed", "training elsewhere", "paused elsewhere"
    /// (another process holds the run's train.lock), "done", "interrupted" (a trainer killed mid-way).
    QString statusText(qint64 nowMs) const;
};

class RunsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    /// Best: the validation metric of the best epoch (lowest validation loss, the weights final.pt
    /// keeps); Validation: that of the last epoch. Both name their epoch.
    /// Columns from ColumnCount on are the extra columns (setExtraColumns), one per key.
    enum Column { Name, Model, Target, Status, Epochs, Best, Validation, Test, Tags, ColumnCount };
    static constexpr int PathRole = Qt::UserRole + 1;
    /// The value a column sorts by (numbers as double: run_columns.h).
    static constexpr int SortRole = Qt::UserRole + 2;

    explicit RunsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Forgets every run (another folder).
    void clear();
    /// Applies what the watcher found (new runs, appended history, finished, removed).
    void applyUpdates(const std::vector<RunUpdate>& updates);
    /// Live reports of a run this window trains. A run not listed yet is added with `config`.
    void appendProgress(
        const QString& path, const std::vector<rs::ml::TrainProgress>& reports, const rs::ml::RunConfig& config);
    /// Marks a run as trained by this window (or no longer).
    void setLive(const QString& path, RunEntry::Live live);

    int rowOf(const QString& path) const;
    /// Extra columns after the fixed ones, one per key of run_columns.h ("optimizer.lr", "result.test").
    /// Resets the model (views keep their selection only if they restore it).
    void setExtraColumns(const QStringList& keys);
    QStringList extraColumns() const { return m_extra; }
    /// The key of a column (fixed columns: "name", "model", ..., extra ones: their key).
    QString columnKey(int column) const;
    /// A run's value for a key (run_columns.h), e.g. to sort or group by it.
    QVariant value(int row, const QString& key) const;
    /// Every key a column can show: the result keys, then each config key of any run.
    QStringList availableKeys() const;
    /// A run's new name, notes, tags (written to meta.json by the caller).
    void setMeta(const QString& path, const rs::ml::RunMeta& meta);
    /// Forgets a run at once (moved to the trash); the watcher would notice on its next look.
    void removeRun(const QString& path);
    /// A run's results for comparing runs: "result.best_epoch", "result.best_val", "result.last_epoch",
    /// "result.last_val", "result.test" → their text.
    static std::vector<std::pair<QString, QString>> resultRows(const RunEntry& e);
    const RunEntry& entry(int row) const { return m_runs[std::size_t(row)]; }
    const RunEntry* find(const QString& path) const;
    /// Each run's history offset and meta.json stamp (for the watcher's next look).
    std::vector<KnownRun> known() const;
    /// Refreshes the status column ("training elsewhere" turns "interrupted" when a run goes quiet).
    void refreshStatus();
    /// Holds row changes (dataChanged) back until flushRowUpdates(), so that a window can repaint
    /// its table in the same frame as its other live views (rowUpdatesPending asks for one).
    void setDeferRowUpdates(bool on);
    void flushRowUpdates();

Q_SIGNALS:
    /// A run's curves gained points (or were replaced).
    void curvesChanged(const QString& path);
    /// With deferred row updates: some rows changed; call flushRowUpdates() (once per frame).
    void rowUpdatesPending();

private:
    RunEntry* findMutable(const QString& path);
    void insertRun(RunEntry entry);
    void rowChanged(int row, bool force = false);
    void noteRecord(RunEntry& e, const rs::ml::HistoryRecord& r);
    static void noteEpoch(RunEntry& e, int epoch, double valLoss, double valMetric);

    std::vector<RunEntry> m_runs; ///< sorted by folder name
    QStringList m_extra;
    QHash<QString, RunEntry::Live> m_live; ///< runs this window trains, listed or not yet
    bool m_deferRows = false;
    QSet<QString> m_pendingRows; ///< paths of rows changed since the last flushRowUpdates()
    QElapsedTimer m_clock;
};

} // namespace rs::ui

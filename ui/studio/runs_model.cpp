#include "studio/runs_model.h"

#include "shell/text_format.h"
#include "studio/run_columns.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <utility>

namespace rs::ui {

namespace {

QString metricValue(double v, rs::ml::Task task)
{
    if (!std::isfinite(v))
        return QStringLiteral("–");
    if (task == rs::ml::Task::Classify)
        return QStringLiteral("%1 %").arg(100.0 * v, 0, 'f', 1);
    return formatNumber(v, 3);
}

/// "78.0 % · epoch 3"
QString epochValue(double v, int epoch, rs::ml::Task task)
{
    if (epoch < 1)
        return QStringLiteral("–");
    return QStringLiteral("%1 · epoch %2").arg(metricValue(v, task)).arg(epoch);
}

QString testText(const std::optional<rs::ml::EvalMetrics>& m)
{
    if (!m)
        return QStringLiteral("–");
    switch (m->task) {
    case rs::ml::Task::Classify:
        return QStringLiteral("accuracy %1").arg(metricValue(m->accuracy, m->task));
    case rs::ml::Task::Regress:
        return QStringLiteral("R² %1").arg(formatNumber(m->r2, 3));
    case rs::ml::Task::Reconstruct:
        return QStringLiteral("rel. MSE %1").arg(formatNumber(m->relativeMse, 3));
    case rs::ml::Task::Translate:
        return QStringLiteral("pixel accuracy %1").arg(formatNumber(m->translation.pixelAccuracy, 3));
    case rs::ml::Task::Generate:
        return QStringLiteral("power ratio %1").arg(formatNumber(m->generation.powerRatioMedian, 3));
    }
    return {};
}

void setConfig(RunEntry& e, const rs::ml::RunConfig& config)
{
    e.config = config;
    e.flatConfig.clear();
    for (const auto& [k, v] : rs::ml::flattenRunConfig(config))
        e.flatConfig.emplace_back(QString::fromStdString(k), QString::fromStdString(v));
}

QString metaTooltip(const RunEntry& e)
{
    QString t;
    if (e.name != e.folderName)
        t += QObject::tr("\nfolder %1").arg(e.folderName);
    if (!e.meta.tags.empty())
        t += QObject::tr("\ntags: %1").arg(runValueText(runValue(e, 0, QStringLiteral("tags"))));
    if (!e.meta.notes.empty())
        t += QStringLiteral("\n\n") + QString::fromStdString(e.meta.notes);
    return t;
}

} // namespace

QString RunEntry::statusText(qint64 nowMs) const
{
    switch (live) {
    case Live::Training:
        return QStringLiteral("training");
    case Live::Paused:
        return QStringLiteral("paused");
    case Live::Stopping:
        return QStringLiteral("stopping");
    case Live::No:
        break;
    }
    // The trainer writes final.pt, then metrics.json, then the "finished" line.
    if (lastType == QLatin1String("finished") || (finished && metrics && epochsDone >= config.epochs))
        return QStringLiteral("finished");
    if (lastType == QLatin1String("stopped"))
        return QStringLiteral("stopped");
    if (lastType == QLatin1String("error"))
        return QStringLiteral("failed");
    if (locked) // the trainer's lock, which vanishes with it even after kill -9
        return lastType == QLatin1String("paused") ? QStringLiteral("paused elsewhere")
                                                   : QStringLiteral("training elsewhere");
    return epochsDone >= config.epochs ? QStringLiteral("done") : QStringLiteral("interrupted");
}

RunsModel::RunsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_clock.start();
}

int RunsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount + int(m_extra.size());
}

QVariant RunsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_runs.size()) || index.column() >= columnCount())
        return {};
    const RunEntry& e = m_runs[std::size_t(index.row())];
    if (role == PathRole)
        return e.path;
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1\n%2").arg(
                   e.path, e.lastMessage.isEmpty() ? e.statusText(m_clock.elapsed()) : e.lastMessage)
            + metaTooltip(e);
    if (role == SortRole) {
        switch (index.column()) {
        case Name:
        case Model:
        case Target:
        case Tags:
            return data(index, Qt::DisplayRole);
        case Status:
            return e.statusText(m_clock.elapsed());
        case Epochs:
            return double(e.epochsDone);
        case Best:
            return value(index.row(), QStringLiteral("result.best_val"));
        case Validation:
            return value(index.row(), QStringLiteral("result.last_val"));
        case Test:
            return value(index.row(), QStringLiteral("result.test"));
        default:
            return value(index.row(), columnKey(index.column()));
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        const QString s = e.statusText(m_clock.elapsed());
        if (s == QLatin1String("failed"))
            return QBrush(QColor(0xb0, 0x20, 0x20));
        if (s.startsWith(QLatin1String("training")))
            return QBrush(QColor(0x1a, 0x7f, 0x37));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    if (index.column() >= ColumnCount)
        return runValueText(value(index.row(), columnKey(index.column())));
    switch (Column(index.column())) {
    case Name:
        return e.name;
    case Model: // a data-parallel run names its world size (config.json's world_size)
        return e.config.worldSize > 1
            ? tr("%1 × %2 ranks").arg(QString::fromLatin1(rs::ml::modelName(e.config.model))).arg(e.config.worldSize)
            : QString::fromLatin1(rs::ml::modelName(e.config.model));
    case Target:
        // Reconstruct, translate and generate have no label target ("translate none" said nothing).
        return e.config.task == rs::ml::Task::Reconstruct || e.config.target == rs::ml::Target::None
            ? QString::fromLatin1(rs::ml::taskName(e.config.task))
            : QStringLiteral("%1 %2").arg(QString::fromLatin1(rs::ml::taskName(e.config.task)),
                QString::fromLatin1(rs::ml::targetName(e.config.target)));
    case Status:
        return e.statusText(m_clock.elapsed());
    case Epochs:
        return QStringLiteral("%1/%2").arg(e.epochsDone).arg(e.config.epochs);
    case Best:
        return epochValue(e.bestValMetric, e.bestEpoch, e.config.task);
    case Validation:
        return epochValue(e.lastValMetric, e.lastEpoch, e.config.task);
    case Test:
        return testText(e.metrics);
    case Tags:
        return runValue(e, 0, QStringLiteral("tags")).toString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section >= ColumnCount)
        return runKeyTitle(columnKey(section));
    switch (Column(section)) {
    case Name:
        return tr("Run");
    case Model:
        return tr("Model");
    case Target:
        return tr("Learns");
    case Status:
        return tr("Status");
    case Epochs:
        return tr("Epochs");
    case Best:
        return tr("Best (val.)");
    case Validation:
        return tr("Last (val.)");
    case Test:
        return tr("Test");
    case Tags:
        return tr("Tags");
    case ColumnCount:
        break;
    }
    return {};
}

void RunsModel::clear()
{
    beginResetModel();
    m_runs.clear();
    endResetModel();
}

RunEntry* RunsModel::findMutable(const QString& path)
{
    for (RunEntry& e : m_runs)
        if (e.path == path)
            return &e;
    return nullptr;
}

const RunEntry* RunsModel::find(const QString& path) const
{
    for (const RunEntry& e : m_runs)
        if (e.path == path)
            return &e;
    return nullptr;
}

int RunsModel::rowOf(const QString& path) const
{
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].path == path)
            return int(i);
    return -1;
}

void RunsModel::insertRun(RunEntry entry)
{
    entry.live = m_live.value(entry.path, entry.live); // a run this window started before it was listed
    const auto at = std::lower_bound(m_runs.begin(), m_runs.end(), entry.folderName,
        [](const RunEntry& a, const QString& name) { return a.folderName < name; });
    const int row = int(at - m_runs.begin());
    beginInsertRows({}, row, row);
    m_runs.insert(at, std::move(entry));
    endInsertRows();
}

void RunsModel::rowChanged(int row, bool force)
{
    // Each repaint of the table costs a window frame: tell the view only what it would show
    // differently (a run's history grows every second, its row mostly does not).
    QStringList now;
    for (int c = 0; c < columnCount(); ++c)
        now << data(index(row, c), Qt::DisplayRole).toString();
    RunEntry& e = m_runs[std::size_t(row)];
    if (now == e.shown && !force)
        return;
    e.shown = now;
    if (m_deferRows) {
        if (m_pendingRows.isEmpty())
            Q_EMIT rowUpdatesPending();
        m_pendingRows.insert(e.path);
        return;
    }
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
}

void RunsModel::setDeferRowUpdates(bool on)
{
    m_deferRows = on;
    if (!on)
        flushRowUpdates();
}

void RunsModel::flushRowUpdates()
{
    const QSet<QString> pending = std::exchange(m_pendingRows, {});
    for (const QString& path : pending)
        if (const int row = rowOf(path); row >= 0)
            Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
}

void RunsModel::noteRecord(RunEntry& e, const rs::ml::HistoryRecord& r)
{
    e.lastType = QString::fromStdString(r.type);
    if (!r.message.empty())
        e.lastMessage = QString::fromStdString(r.message);
    if (r.type == "epoch")
        noteEpoch(e, r.epoch, r.valLoss, r.valMetric);
    if (e.live == RunEntry::Live::No) // a run this window trains draws from its live reports
        e.curves.addRecord(r);
    else // which do not carry the physics metrics: those come from its history
        e.curves.addPhysics(r);
}

std::vector<std::pair<QString, QString>> RunsModel::resultRows(const RunEntry& e)
{
    auto epoch = [](int n) { return n > 0 ? QString::number(n) : QStringLiteral("–"); };
    return {{QStringLiteral("result.best_epoch"), epoch(e.bestEpoch)},
        {QStringLiteral("result.best_val"), metricValue(e.bestValMetric, e.config.task)},
        {QStringLiteral("result.last_epoch"), epoch(e.lastEpoch)},
        {QStringLiteral("result.last_val"), metricValue(e.lastValMetric, e.config.task)},
        {QStringLiteral("result.test"), testText(e.metrics)}};
}

void RunsModel::noteEpoch(RunEntry& e, int epoch, double valLoss, double valMetric)
{
    e.epochsDone = std::max(e.epochsDone, epoch);
    e.lastEpoch = epoch;
    e.lastValMetric = valMetric;
    if (valLoss < e.bestValLoss) { // as the trainer picks best.pt: the first of equal losses
        e.bestValLoss = valLoss;
        e.bestValMetric = valMetric;
        e.bestEpoch = epoch;
    }
}

void RunsModel::applyUpdates(const std::vector<RunUpdate>& updates)
{
    for (const RunUpdate& u : updates) {
        RunEntry* e = findMutable(u.path);
        if (u.removed) {
            const int row = rowOf(u.path);
            if (row >= 0 && m_runs[std::size_t(row)].live == RunEntry::Live::No) {
                beginRemoveRows({}, row, row);
                m_runs.erase(m_runs.begin() + row);
                endRemoveRows();
            }
            continue;
        }
        if (!e && !u.summary)
            continue;
        if (!e) {
            RunEntry n;
            n.path = u.path;
            n.folderName = QFileInfo(u.path).fileName();
            n.name = n.folderName;
            n.lastValMetric = NAN;
            setConfig(n, u.summary->config);
            if (u.meta)
                n.name = QString::fromStdString(rs::ml::runDisplayName(u.path.toStdString(), *u.meta));
            insertRun(std::move(n));
            e = findMutable(u.path);
        }
        const bool configChanged = u.summary && !e->shown.isEmpty(); // a live placeholder learns its resolved config
        if (u.summary)
            setConfig(*e, u.summary->config);
        if (u.configStamp)
            e->configStamp = u.configStamp;
        if (u.locked)
            e->locked = *u.locked;
        if (u.meta) {
            e->meta = *u.meta;
            e->metaStamp = u.metaStamp;
            e->name = QString::fromStdString(rs::ml::runDisplayName(e->path.toStdString(), e->meta));
        }
        const std::size_t before = e->curves.pointCount();
        if (u.history.restarted) {
            e->curves.clear();
            e->epochsDone = e->lastEpoch = e->bestEpoch = 0;
            e->bestValLoss = INFINITY;
        }
        for (const rs::ml::HistoryRecord& r : u.history.records)
            noteRecord(*e, r);
        if (!u.history.records.empty() || u.history.restarted)
            e->lastGrowthMs = m_clock.elapsed();
        e->historyOffset = u.history.nextOffset;
        e->finished = u.finished || e->finished;
        if (u.metrics)
            e->metrics = u.metrics;
        if (u.summary && u.summary->metrics)
            e->metrics = u.summary->metrics;
        rowChanged(rowOf(u.path), configChanged);
        if (e->curves.pointCount() != before || u.history.restarted)
            Q_EMIT curvesChanged(u.path);
    }
}

void RunsModel::appendProgress(
    const QString& path, const std::vector<rs::ml::TrainProgress>& reports, const rs::ml::RunConfig& config)
{
    RunEntry* e = findMutable(path);
    if (!e) {
        RunEntry n;
        n.path = path;
        n.folderName = n.name = QFileInfo(path).fileName();
        setConfig(n, config);
        n.lastValMetric = NAN;
        n.live = RunEntry::Live::Training;
        insertRun(std::move(n));
        e = findMutable(path);
    }
    for (const rs::ml::TrainProgress& p : reports) {
        e->curves.addProgress(p);
        if (p.kind == rs::ml::TrainProgress::Kind::Epoch)
            noteEpoch(*e, p.epoch, p.valLoss, p.valMetric);
    }
    rowChanged(rowOf(path));
    Q_EMIT curvesChanged(path);
}

void RunsModel::setLive(const QString& path, RunEntry::Live live)
{
    if (live == RunEntry::Live::No)
        m_live.remove(path);
    else
        m_live.insert(path, live);
    RunEntry* e = findMutable(path);
    if (!e || e->live == live)
        return;
    e->live = live;
    rowChanged(rowOf(path));
}

std::vector<KnownRun> RunsModel::known() const
{
    std::vector<KnownRun> out;
    for (const RunEntry& e : m_runs)
        out.push_back({e.path, e.historyOffset, e.metaStamp, e.configStamp, e.locked});
    return out;
}

void RunsModel::setExtraColumns(const QStringList& keys)
{
    if (keys == m_extra)
        return;
    // A reset, not column moves: QSortFilterProxyModel (Qt 6.4) corrupted its mapping when
    // columns it sorted by were removed and inserted under it.
    beginResetModel();
    m_extra = keys;
    for (RunEntry& e : m_runs)
        e.shown.clear();
    endResetModel();
}

QString RunsModel::columnKey(int column) const
{
    static const char* fixed[]
        = {"name", "model", "learns", "status", "epochs", "result.best_val", "result.last_val", "result.test", "tags"};
    if (column >= 0 && column < ColumnCount)
        return QString::fromLatin1(fixed[column]);
    return column - ColumnCount < int(m_extra.size()) ? m_extra[column - ColumnCount] : QString();
}

QVariant RunsModel::value(int row, const QString& key) const
{
    if (row < 0 || row >= int(m_runs.size()))
        return {};
    const RunEntry& e = m_runs[std::size_t(row)];
    if (key == QLatin1String("name"))
        return e.name;
    if (key == QLatin1String("model") || key == QLatin1String("learns"))
        return data(index(row, key == QLatin1String("model") ? Model : Target), Qt::DisplayRole);
    if (key == QLatin1String("epochs"))
        return double(e.epochsDone);
    return runValue(e, m_clock.elapsed(), key);
}

QStringList RunsModel::availableKeys() const
{
    QStringList keys = runResultKeys();
    for (const RunEntry& e : m_runs)
        for (const auto& [k, v] : e.flatConfig)
            if (!keys.contains(k))
                keys << k;
    return keys;
}

void RunsModel::setMeta(const QString& path, const rs::ml::RunMeta& meta)
{
    RunEntry* e = findMutable(path);
    if (!e)
        return;
    e->meta = meta;
    e->name = QString::fromStdString(rs::ml::runDisplayName(path.toStdString(), meta));
    const int row = rowOf(path);
    e->shown.clear();
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1)); // an edit shows at once
}

void RunsModel::removeRun(const QString& path)
{
    const int row = rowOf(path);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_runs.erase(m_runs.begin() + row);
    endRemoveRows();
    m_pendingRows.remove(path);
}

void RunsModel::refreshStatus()
{
    for (int row = 0; row < int(m_runs.size()); ++row)
        rowChanged(row);
}

} // namespace rs::ui

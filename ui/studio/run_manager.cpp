#include "studio/run_manager.h"

#include "ml/run_meta.h"
#include "studio/runs_model.h"
#include "studio/runs_watcher.h"
#include "util/error.h"

#include <QFileInfo>

namespace rs::ui {

RunManager::RunManager(RunsModel* model, RunsWatcher* watcher, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_watcher(watcher)
{ }

bool RunManager::editMeta(const QString& run, const std::function<void(rs::ml::RunMeta&)>& edit)
{
    try {
        rs::ml::RunMeta m = rs::ml::readRunMeta(run.toStdString());
        edit(m);
        rs::ml::writeRunMeta(run.toStdString(), m);
        m_model->setMeta(run, rs::ml::readRunMeta(run.toStdString()));
        return true;
    } catch (const rs::Error& e) {
        Q_EMIT problem(QString::fromStdString(e.what()));
        return false;
    }
}

bool RunManager::rename(const QString& run, const QString& name)
{
    return editMeta(run, [&](rs::ml::RunMeta& m) { m.name = name.toStdString(); });
}

bool RunManager::setNotes(const QString& run, const QString& notes)
{
    return editMeta(run, [&](rs::ml::RunMeta& m) { m.notes = notes.toStdString(); });
}

bool RunManager::setTags(const QString& run, const QStringList& tags)
{
    for (const QString& t : tags)
        if (t.contains(QLatin1Char(','))) {
            Q_EMIT problem(tr("%1: a tag cannot contain a comma ('%2')").arg(run, t));
            return false;
        }
    return editMeta(run, [&](rs::ml::RunMeta& m) {
        m.tags.clear();
        for (const QString& t : tags)
            m.tags.push_back(t.trimmed().toStdString());
    });
}

bool RunManager::trash(const QStringList& runs)
{
    std::vector<std::pair<QString, QString>> step;
    QString failure;
    for (const QString& run : runs) {
        try {
            const QString to = QString::fromStdString(rs::ml::trashRun(run.toStdString()));
            step.emplace_back(run, to);
            m_model->removeRun(run);
        } catch (const rs::Error& e) {
            failure = QString::fromStdString(e.what());
            break;
        }
    }
    if (!step.empty()) {
        m_undo.push_back(step);
        const QString what
            = step.size() == 1 ? QFileInfo(step.front().first).fileName() : tr("%n runs", "", int(step.size()));
        Q_EMIT trashChanged(
            tr("Moved %1 to the trash (%2). Undo with Ctrl+Z.").arg(what, QFileInfo(step.front().second).path()), true);
    }
    if (!failure.isEmpty())
        Q_EMIT problem(failure);
    return failure.isEmpty();
}

bool RunManager::undoTrash()
{
    if (m_undo.empty())
        return false;
    const std::vector<std::pair<QString, QString>> step = m_undo.back();
    m_undo.pop_back();
    QStringList restored;
    QString failure;
    for (const auto& [run, trashed] : step) {
        try {
            rs::ml::restoreRun(trashed.toStdString());
            restored << QFileInfo(run).fileName();
        } catch (const rs::Error& e) {
            failure = QString::fromStdString(e.what());
        }
    }
    m_watcher->pollNow(); // lists the restored runs again
    if (!restored.isEmpty())
        Q_EMIT trashChanged(tr("Restored %1.").arg(restored.join(QStringLiteral(", "))), canUndo());
    if (!failure.isEmpty())
        Q_EMIT problem(failure);
    return failure.isEmpty();
}

QStringList RunManager::lastTrashed() const
{
    QStringList out;
    if (!m_undo.empty())
        for (const auto& p : m_undo.back())
            out << p.second;
    return out;
}

} // namespace rs::ui

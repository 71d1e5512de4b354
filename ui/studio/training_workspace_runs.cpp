// TrainingWorkspace: managing run folders from the runs table (rename, notes, tags, delete with
// undo) and the Sweep tab (parallel coordinates whose brushing filters the table).
#include "studio/training_workspace.h"

#include "ml/run_meta.h"
#include "studio/run_columns.h"
#include "studio/run_manager.h"
#include "studio/runs_filter_model.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/sweep_view.h"

#include <QAction>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QTabWidget>
#include <QTableView>

#include <algorithm>

namespace rs::ui {

namespace {

/// Config keys that say nothing about a choice (resolved from the dataset, bookkeeping).
bool isSettingKey(const QString& k)
{
    static const QStringList skip {QStringLiteral("format"), QStringLiteral("format_version"),
        QStringLiteral("created"), QStringLiteral("dataset_hash"), QStringLiteral("rows"), QStringLiteral("cols"),
        QStringLiteral("quantity"), QStringLiteral("cell_size_mpc"), QStringLiteral("threads"),
        QStringLiteral("history_every"), QStringLiteral("device"), QStringLiteral("world_size")};
    static const QStringList skipPrefixes {QStringLiteral("norm_"), QStringLiteral("classes"), QStringLiteral("label_"),
        QStringLiteral("target_"), QStringLiteral("context_"), QStringLiteral("condition_"), QStringLiteral("sweep.")};
    if (skip.contains(k))
        return false;
    for (const QString& p : skipPrefixes)
        if (k.startsWith(p))
            return false;
    return true;
}

} // namespace

void TrainingWorkspace::buildRunActions()
{
    auto current = [this]() -> const RunEntry* { return m_model->find(m_runs->currentRun()); };
    auto add = [this](const QString& text, const QKeySequence& key, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        m_runs->view()->addAction(a); // the table's context menu; shortcuts while the tab shows
        m_menu->addAction(a);
        return a;
    };
    m_menu->addSeparator();
    add(tr("&Rename Run…"), QKeySequence(Qt::Key_F2), [this, current] {
        const RunEntry* e = current();
        if (!e)
            return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename run"),
            tr("Name shown for %1 (its folder keeps its name; empty: the folder's name):").arg(e->folderName),
            QLineEdit::Normal, QString::fromStdString(e->meta.name), &ok);
        if (ok)
            m_manager->rename(e->path, name);
    });
    add(tr("Run &Notes…"), QKeySequence(), [this, current] {
        const RunEntry* e = current();
        if (!e)
            return;
        bool ok = false;
        const QString notes = QInputDialog::getMultiLineText(
            this, tr("Notes"), tr("Notes on %1:").arg(e->name), QString::fromStdString(e->meta.notes), &ok);
        if (ok)
            m_manager->setNotes(e->path, notes);
    });
    add(tr("Run &Tags…"), QKeySequence(), [this, current] {
        const RunEntry* e = current();
        if (!e)
            return;
        QStringList tags;
        for (const std::string& t : e->meta.tags)
            tags << QString::fromStdString(t);
        bool ok = false;
        const QString text
            = QInputDialog::getText(this, tr("Tags"), tr("Tags of %1, separated by commas:").arg(e->name),
                QLineEdit::Normal, tags.join(QStringLiteral(", ")), &ok);
        if (ok)
            m_manager->setTags(e->path, text.split(QLatin1Char(','), Qt::SkipEmptyParts));
    });
    add(tr("&Delete Runs"), QKeySequence(QKeySequence::Delete), [this] {
        const QStringList runs = m_runs->selectedRuns();
        if (!runs.isEmpty())
            m_manager->trash(runs);
    });
    QAction* undo = m_undoAction
        = add(tr("&Undo Delete"), QKeySequence(QKeySequence::Undo), [this] { m_manager->undoTrash(); });
    undo->setEnabled(false);
    connect(m_runs, &RunsPanel::undoRequested, m_manager, &RunManager::undoTrash);
    connect(m_manager, &RunManager::trashChanged, this, [this, undo](const QString& text, bool canUndo) {
        m_runs->showUndoBar(text, canUndo);
        undo->setEnabled(canUndo);
        Q_EMIT statusMessage(text, 6000);
    });
    connect(m_manager, &RunManager::problem, this, [this](const QString& message) {
        m_runs->showUndoBar(message, m_manager->canUndo());
        Q_EMIT problem(message, {});
    });

    // The Sweep tab follows the runs while it shows; its brushing filters the table.
    // Queued: the table's filtering changes its selection, which updates this view again.
    connect(m_sweep, &SweepView::brushChanged, this, [this](const std::optional<QSet<QString>>& runs) {
        RunsFilterModel* filter = m_runs->filterModel();
        QMetaObject::invokeMethod(
            filter, [filter, runs] { filter->setRunSubset(runs); }, Qt::QueuedConnection);
    });
    // One rebuild per turn of the event loop: a look at the runs folder changes many rows at once
    // (each a dataChanged), and every rebuild repaints the view and its chart.
    auto refresh = [this] {
        if (m_tabs->currentWidget() != m_sweep || m_sweepUpdateQueued)
            return;
        m_sweepUpdateQueued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_sweepUpdateQueued = false;
                if (m_tabs->currentWidget() == m_sweep)
                    updateSweepView();
            },
            Qt::QueuedConnection);
    };
    connect(m_model, &QAbstractItemModel::dataChanged, this, refresh);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, refresh);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, refresh);
}

void TrainingWorkspace::updateSweepView()
{
    // The group: the current run's sweep; without a current run the last one shown stays (the
    // brushing may have filtered the selected run out of the table).
    if (const RunEntry* e = m_model->find(m_runs->currentRun()))
        m_sweepGroup = QString::fromStdString(e->config.sweep.name);
    std::vector<int> rows;
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (QString::fromStdString(m_model->entry(r).config.sweep.name) == m_sweepGroup)
            rows.push_back(r);
    QStringList settings;
    if (!m_sweepGroup.isEmpty() && !rows.empty()) {
        for (const auto& [k, v] : m_model->entry(rows.front()).config.sweep.settings)
            settings << QStringLiteral("sweep.settings.") + QString::fromStdString(k);
    } else { // runs outside sweeps: the settings in which they differ
        for (const QString& k : m_model->availableKeys()) {
            if (k.startsWith(QLatin1String("result.")) || runResultKeys().contains(k) || !isSettingKey(k))
                continue;
            QStringList values;
            for (int r : rows)
                values << runValueText(m_model->value(r, k));
            values.removeDuplicates();
            if (values.size() > 1)
                settings << k;
        }
    }
    QStringList results; // the best validation metric (the colour) last; results no run has yet left out
    for (const QString& k :
        {QStringLiteral("result.best_loss"), QStringLiteral("result.test"), QStringLiteral("result.best_val")})
        if (k == QLatin1String("result.best_val")
            || std::any_of(rows.begin(), rows.end(), [&](int r) { return m_model->value(r, k).isValid(); }))
            results << k;
    std::vector<ParallelRun> runs;
    int finished = 0;
    for (int r : rows) {
        const RunEntry& e = m_model->entry(r);
        ParallelRun p {e.path, e.name, {}};
        for (const QString& k : settings + results)
            p.values.push_back(m_model->value(r, k));
        finished += e.finished ? 1 : 0;
        runs.push_back(std::move(p));
    }
    const QString title = m_sweepGroup.isEmpty()
        ? tr("<b>Runs outside sweeps</b>: %n run(s), %1 finished", "", int(runs.size())).arg(finished)
        : tr("<b>Sweep %1</b>: %n run(s), %2 finished", "", int(runs.size()))
              .arg(m_sweepGroup.toHtmlEscaped())
              .arg(finished);
    m_sweep->setRuns(title, settings, results, runs);
}

} // namespace rs::ui

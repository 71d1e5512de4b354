// Managing runs in the Training studio: names, notes and tags that persist in meta.json (and
// arrive from other processes), delete to the trash with Ctrl+Z / the Undo button / Edit ▸ Undo
// Delete in the main window, a run being
// trained refused, the filter box, sorting and grouping by any column, a sweep shown as a group
// with parallel coordinates whose brushing filters the table and a settings-vs-metric scatter,
// and the per-epoch validation samples with their epoch slider. Screenshots go to the build folder.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/explorer_workspace.h"
#include "explorer/session.h"
#include "ml/epoch_samples.h"
#include "ml/run_folder.h"
#include "ml/run_meta.h"
#include "ml/run_status.h"
#include "ml/trainer.h"
#include "shell/main_window.h"
#include "studio/epoch_samples_view.h"
#include "studio/parallel_coords_view.h"
#include "studio/run_manager.h"
#include "studio/runs_filter_model.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/runs_watcher.h"
#include "studio/sweep_view.h"
#include "studio/training_workspace.h"
#include "vtk/vtk_host_widget.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenuBar>
#include <QSlider>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include <filesystem>

using namespace rs;
using namespace rs::ui;
namespace fs = std::filesystem;

namespace {

/// A listed run without training: config (optionally a sweep point) and `epochs` epoch lines
/// whose validation accuracy ends at `best`.
QString writeRun(const QString& runs, const QString& name, double lr, std::size_t batch, double best,
    const std::string& sweep = {}, int epochs = 3)
{
    const std::string dir = QDir(runs).filePath(name).toStdString();
    fs::create_directories(dir);
    rs::ml::RunConfig c;
    c.datasetPath = "/data/ds.h5";
    c.optimizer.lr = lr;
    c.batch = batch;
    c.epochs = epochs;
    if (!sweep.empty()) {
        char lrText[32];
        std::snprintf(lrText, sizeof lrText, "%g", lr);
        c.sweep = {sweep, {{"lr", lrText}, {"batch", std::to_string(batch)}}};
    }
    rs::ml::writeRunConfig(dir, c);
    for (int e = 1; e <= epochs; ++e) {
        rs::ml::HistoryRecord r;
        r.epoch = e;
        r.valLoss = 2.0 - best * e / epochs;
        r.valMetric = best * e / epochs;
        rs::ml::appendHistory(dir, r, c.task);
    }
    return QString::fromStdString(dir);
}

QStringList tableRuns(RunsPanel* panel)
{
    QStringList out;
    const QAbstractItemModel* m = panel->view()->model();
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->index(r, 0).data(RunsModel::PathRole).toString();
    return out;
}

} // namespace

class TestStudioManage : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_dir;

    void screenshot(QWidget* w, const QString& name)
    {
        QTest::qWait(150);
        rs::ui::grabWithGlViews(w).save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/studio-%1.png").arg(name));
    }

private Q_SLOTS:
    void renameNotesTagsPersist()
    {
        const QString runs = m_dir.filePath(QStringLiteral("meta"));
        const QString a = writeRun(runs, QStringLiteral("a"), 1e-3, 16, 0.6);
        const QString b = writeRun(runs, QStringLiteral("b"), 3e-3, 16, 0.8);
        Session session;
        TrainingWorkspace ws(&session);
        QAbstractItemModelTester tester(
            ws.runsPanel()->filterModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        ws.setRunsFolder(runs);
        QTRY_COMPARE(ws.runsModel()->rowCount(), 2);
        RunManager* mgr = ws.runManager();
        QVERIFY(mgr->rename(a, QStringLiteral("baseline")));
        QVERIFY(mgr->setNotes(a, QStringLiteral("first try")));
        QVERIFY(mgr->setTags(a, {QStringLiteral("keep"), QStringLiteral(" cnn ")}));
        RunsModel* m = ws.runsModel();
        QCOMPARE(m->index(m->rowOf(a), RunsModel::Name).data().toString(), QStringLiteral("baseline"));
        QCOMPARE(m->index(m->rowOf(a), RunsModel::Tags).data().toString(), QStringLiteral("cnn, keep"));
        QVERIFY(m->index(m->rowOf(a), 0).data(Qt::ToolTipRole).toString().contains(QLatin1String("first try")));
        QCOMPARE(m->entry(m->rowOf(a)).folderName, QStringLiteral("a")); // the folder keeps its name
        QVERIFY(QFileInfo::exists(a + QStringLiteral("/config.json")));
        // Persisted: a fresh model reads them back from meta.json.
        RunsModel fresh;
        RunsWatcher watcher(&fresh);
        watcher.setFolder(runs);
        QTRY_COMPARE(fresh.rowCount(), 2);
        const RunEntry& e = fresh.entry(fresh.rowOf(a));
        QCOMPARE(e.name, QStringLiteral("baseline"));
        QCOMPARE(QString::fromStdString(e.meta.notes), QStringLiteral("first try"));
        QCOMPARE(e.meta.tags, (std::vector<std::string> {"cnn", "keep"}));
        // Another process (the CLI) renames b: the open studio follows.
        rs::ml::writeRunMeta(b.toStdString(), {"from the CLI", "", {"x"}});
        ws.watcher()->pollNow();
        QTRY_COMPARE(m->index(m->rowOf(b), RunsModel::Name).data().toString(), QStringLiteral("from the CLI"));
        // A comma in a tag is refused with a message.
        QSignalSpy problems(mgr, &RunManager::problem);
        QVERIFY(!mgr->setTags(b, {QStringLiteral("a,b")}));
        QCOMPARE(problems.size(), 1);
    }

    void deleteToTrashAndUndo()
    {
        const QString runs = m_dir.filePath(QStringLiteral("trash"));
        const QString a = writeRun(runs, QStringLiteral("a"), 1e-3, 16, 0.6);
        const QString b = writeRun(runs, QStringLiteral("b"), 3e-3, 16, 0.8);
        Session session;
        TrainingWorkspace ws(&session);
        ws.setRunsFolder(runs);
        ws.resize(1100, 600);
        ws.show();
        QVERIFY(QTest::qWaitForWindowExposed(&ws));
        QApplication::setActiveWindow(&ws); // for the window's shortcuts (Xvfb has no window manager)
        QTRY_COMPARE(ws.runsModel()->rowCount(), 2);
        RunsPanel* panel = ws.runsPanel();
        panel->selectRuns({a});
        panel->view()->setFocus();
        QTest::keyClick(panel->view(), Qt::Key_Delete); // the Delete action
        QTRY_COMPARE(ws.runsModel()->rowCount(), 1);
        QVERIFY(!QFileInfo::exists(a));
        QVERIFY(QFileInfo::exists(runs + QStringLiteral("/.trash/a/config.json")));
        QVERIFY(panel->undoBarText().contains(QLatin1String("Moved a to the trash")));
        QVERIFY(panel->undoButton()->isVisible());
        screenshot(&ws, QStringLiteral("deleted"));
        QTest::keyClick(panel->view(), Qt::Key_Z, Qt::ControlModifier); // Ctrl+Z restores it
        QTRY_COMPARE(ws.runsModel()->rowCount(), 2);
        QVERIFY(QFileInfo::exists(a + QStringLiteral("/config.json")));
        QVERIFY(!QFileInfo::exists(runs + QStringLiteral("/.trash/a")));
        QVERIFY(panel->undoBarText().contains(QLatin1String("Restored a")));
        // The Undo button does the same; two runs deleted at once come back together.
        panel->selectRuns({a, b});
        QVERIFY(ws.runManager()->trash(panel->selectedRuns()));
        QTRY_COMPARE(ws.runsModel()->rowCount(), 0);
        QTest::mouseClick(panel->undoButton(), Qt::LeftButton);
        QTRY_COMPARE(ws.runsModel()->rowCount(), 2);
        // A run being trained (its lock held, here by this test) stays, with the reason shown.
        {
            const rs::ml::RunLock lock(b.toStdString());
            panel->selectRuns({b});
            QTest::keyClick(panel->view(), Qt::Key_Delete);
            QTRY_VERIFY(panel->undoBarText().contains(QLatin1String("being trained")));
            QVERIFY(QFileInfo::exists(b + QStringLiteral("/config.json")));
            QCOMPARE(ws.runsModel()->rowCount(), 2);
        }
    }

    void configRewrittenElsewhereIsReadAgain()
    {
        // Another process rewrites a listed run's config.json (`reionscope-cli calibrate` refits a
        // finished generator's points there): the studio reads it again without a history line.
        const QString runs = m_dir.filePath(QStringLiteral("config"));
        const QString a = writeRun(runs, QStringLiteral("a"), 1e-3, 16, 0.6, {}, 2);
        RunsModel model;
        RunsWatcher watcher(&model);
        watcher.setPollInterval(50);
        watcher.setFolder(runs);
        QTRY_COMPARE(model.rowCount(), 1);
        QCOMPARE(model.entry(0).config.epochs, 2);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        rs::ml::RunConfig c = rs::ml::readRunConfig(a.toStdString());
        c.epochs = 7;
        rs::ml::writeRunConfig(a.toStdString(), c);
        QTRY_COMPARE(model.entry(model.rowOf(a)).config.epochs, 7);
        QVERIFY(changed.count() >= 1); // the views of the current run refresh on it
        const int before = changed.count();
        QTest::qWait(300); // unchanged since: no more reads, no more refreshes
        QCOMPARE(changed.count(), before);
    }

    void statusFollowsTheTrainLock()
    {
        // "training elsewhere" while another process holds the run's train.lock, and no longer
        // the moment it lets go (a trainer killed with kill -9 included), whatever the history did.
        const QString runs = m_dir.filePath(QStringLiteral("lock"));
        const QString a = writeRun(runs, QStringLiteral("a"), 1e-3, 16, 0.6, {}, 2);
        rs::ml::RunConfig more = rs::ml::readRunConfig(a.toStdString());
        more.epochs = 5; // 2 of 5 epochs done: interrupted when nobody trains it
        rs::ml::writeRunConfig(a.toStdString(), more);
        RunsModel model;
        RunsWatcher watcher(&model);
        watcher.setPollInterval(50);
        auto status = [&] {
            return model.rowOf(a) < 0 ? QString() : model.index(model.rowOf(a), RunsModel::Status).data().toString();
        };
        {
            const rs::ml::RunLock lock(a.toStdString());
            watcher.setFolder(runs);
            QTRY_COMPARE(status(), QStringLiteral("training elsewhere"));
            rs::ml::HistoryRecord paused;
            paused.type = "paused";
            paused.epoch = 2;
            rs::ml::appendHistory(a.toStdString(), paused, more.task);
            QTRY_COMPARE(status(), QStringLiteral("paused elsewhere"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(status(), QStringLiteral("interrupted"), 2000); // not after a quiet period
    }

    void undoFromTheEditMenu()
    {
        const QString runs = m_dir.filePath(QStringLiteral("edit"));
        const QString a = writeRun(runs, QStringLiteral("a"), 1e-3, 16, 0.6);
        MainWindow w;
        TrainingWorkspace* ws = w.training();
        ws->setRunsFolder(runs);
        w.showWorkspace(ws);
        QTRY_COMPARE(ws->runsModel()->rowCount(), 1);
        QStringList bar;
        QMenu* edit = nullptr;
        for (QAction* m : w.menuBar()->actions())
            if (m->isVisible()) {
                bar << m->text();
                if (m->text() == QLatin1String("&Edit"))
                    edit = m->menu();
            }
        QCOMPARE(bar,
            (QStringList {QStringLiteral("&File"), QStringLiteral("&Edit"), QStringLiteral("&Training"),
                QStringLiteral("&Window"), QStringLiteral("&Help")}));
        QVERIFY(edit);
        QAction* undo = nullptr;
        for (QAction* act : edit->actions())
            if (act->text() == QLatin1String("&Undo Delete"))
                undo = act;
        QVERIFY(undo);
        QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
        QVERIFY(!undo->isEnabled()); // nothing deleted yet
        QVERIFY(ws->runManager()->trash({a}));
        QTRY_COMPARE(ws->runsModel()->rowCount(), 0);
        QVERIFY(undo->isEnabled());
        undo->trigger(); // Edit ▸ Undo Delete
        QTRY_COMPARE(ws->runsModel()->rowCount(), 1);
        QVERIFY(QFileInfo::exists(a + QStringLiteral("/config.json")));
        QVERIFY(!undo->isEnabled());
        // The Explorer has nothing to undo: no Edit menu while it is in front.
        w.showWorkspace(w.explorer());
        QVERIFY(!edit->menuAction()->isVisible());
        w.showWorkspace(ws);
        QVERIFY(edit->menuAction()->isVisible());
    }

    void filterSortGroupAndSweep()
    {
        const QString runs = m_dir.filePath(QStringLiteral("sweep"));
        QStringList sweep;
        int i = 0;
        for (double lr : {1e-3, 3e-3, 1e-2})
            for (std::size_t batch : {16u, 32u})
                sweep << writeRun(runs, QStringLiteral("lr=%1_batch=%2").arg(lr).arg(batch), lr, batch,
                    0.5 + 0.4 * std::log10(lr / 1e-3) / 1.0 + 0.01 * (++i), "sweep1");
        const QString lone = writeRun(runs, QStringLiteral("lone"), 5e-4, 8, 0.55);
        rs::ml::writeRunMeta(lone.toStdString(), {"", "", {"keep"}});
        Session session;
        TrainingWorkspace ws(&session);
        ws.setRunsFolder(runs);
        ws.resize(1500, 860);
        ws.show();
        QVERIFY(QTest::qWaitForWindowExposed(&ws));
        QTRY_COMPARE(ws.runsModel()->rowCount(), 7);
        RunsPanel* panel = ws.runsPanel();
        RunsFilterModel* filter = panel->filterModel();
        // Sweeps group themselves: the sweep's name shows once, on its first row, first column.
        QTRY_COMPARE(filter->groupKey(), QStringLiteral("sweep"));
        const int groupCol = filter->groupColumn();
        QVERIFY(groupCol >= RunsModel::ColumnCount);
        QCOMPARE(panel->view()->horizontalHeader()->visualIndex(groupCol), 0);
        QStringList groupCells;
        for (int r = 0; r < filter->rowCount(); ++r)
            groupCells << filter->index(r, groupCol).data().toString();
        QCOMPARE(groupCells.count(QStringLiteral("sweep1")), 1);
        QCOMPARE(groupCells.front(), QStringLiteral("sweep1")); // sweep rows together, first
        QCOMPARE(tableRuns(panel).back(), lone); // no sweep: after the groups
        // Filter over names, tags and config.
        panel->filterEdit()->setText(QStringLiteral("keep"));
        QCOMPARE(tableRuns(panel), QStringList {lone});
        panel->filterEdit()->setText(QStringLiteral("optimizer.lr=0.01 batch"));
        QCOMPARE(filter->rowCount(), 2);
        panel->filterEdit()->clear();
        QCOMPARE(filter->rowCount(), 7);
        // Sort by a metric column (within the groups), then group by a config column.
        panel->setExtraColumns({QStringLiteral("result.best_val")});
        const int bestCol
            = RunsModel::ColumnCount + ws.runsModel()->extraColumns().indexOf(QStringLiteral("result.best_val"));
        panel->view()->sortByColumn(bestCol, Qt::DescendingOrder);
        QCOMPARE(tableRuns(panel).front(), sweep.back()); // lr 1e-2, batch 32: the best of the sweep
        panel->setGroupKey(QStringLiteral("batch"));
        QCOMPARE(filter->groupText(0), QStringLiteral("8"));
        QCOMPARE(filter->groupText(filter->rowCount() - 1), QStringLiteral("32"));
        panel->setGroupKey(QStringLiteral("sweep"));

        // The Sweep tab: parallel coordinates through lr, batch and the results.
        panel->selectRuns({sweep.front()});
        ws.showTab(TrainingWorkspace::Tab::Sweep);
        SweepView* sv = ws.sweepView();
        ParallelCoordsView* pc = sv->parallel();
        QTRY_COMPARE(pc->runCount(), 6);
        QVERIFY(sv->title().contains(QLatin1String("sweep1")));
        const int lrAxis = int(pc->keys().indexOf(QStringLiteral("sweep.settings.lr")));
        QVERIFY(lrAxis >= 0 && pc->keys().contains(QStringLiteral("sweep.settings.batch")));
        QCOMPARE(pc->keys().back(), QStringLiteral("result.best_val")); // the colour axis
        QCOMPARE(sv->scatterPoints().size(), 6);
        screenshot(&ws, QStringLiteral("sweep"));
        // Brushing the lr axis around 1e-2 (a drag with the mouse) keeps those two runs in the table.
        const double x = pc->axisX(lrAxis);
        const int y0 = int(pc->valueY(lrAxis, 1.3e-2)), y1 = int(pc->valueY(lrAxis, 7e-3));
        QTest::mousePress(pc, Qt::LeftButton, {}, QPoint(int(x), y0));
        QMouseEvent move(QEvent::MouseMove, QPointF(x, y1), pc->mapToGlobal(QPointF(x, y1)), Qt::NoButton,
            Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(pc, &move);
        QTest::mouseRelease(pc, Qt::LeftButton, {}, QPoint(int(x), y1));
        QTRY_COMPARE(filter->rowCount(), 2);
        for (const QString& p : tableRuns(panel))
            QVERIFY2(p.contains(QLatin1String("lr=0.01")), qPrintable(p));
        screenshot(&ws, QStringLiteral("sweep-brushed"));
        // A click on the axis clears its range: every run again.
        QTest::mouseClick(pc, Qt::LeftButton, {}, QPoint(int(x), y0));
        QTRY_COMPARE(filter->rowCount(), 7);
        // Another scatter choice: the other setting against the best validation metric.
        sv->xChoice()->setCurrentIndex(1 - lrAxis);
        QCOMPARE(sv->scatterPoints().size(), 6);
    }

    void epochSamplesSlider()
    {
        const std::string ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 1);
        const QString runs = m_dir.filePath(QStringLiteral("samples"));
        const QString cnn = runs + QStringLiteral("/cnn"), ae = runs + QStringLiteral("/ae");
        rs::ml::RunConfig c = fixtures::tinyRunConfig(ds);
        c.epochs = 3;
        c.maxBatchesPerEpoch = 4;
        c.batch = 4;
        QCOMPARE(int(rs::ml::train(cnn.toStdString(), c).status), int(rs::ml::TrainStatus::Finished));
        rs::ml::RunConfig a = fixtures::tinyRunConfig(ds, rs::ml::ModelKind::Autoencoder);
        a.epochs = 2;
        a.maxBatchesPerEpoch = 4;
        QCOMPARE(int(rs::ml::train(ae.toStdString(), a).status), int(rs::ml::TrainStatus::Finished));
        // The files: the same validation samples every epoch.
        const rs::ml::EpochSamplesIndex ci = rs::ml::readEpochSamplesIndex(cnn.toStdString());
        QCOMPARE(ci.kind, std::string("probabilities"));
        QCOMPARE(ci.epochs, (std::vector<int> {1, 2, 3}));
        QCOMPARE(ci.indices.size(), rs::ml::kEpochSampleCount);
        QCOMPARE(ci.classes.size(), std::size_t(2));
        const std::vector<float> p1 = rs::ml::readEpochSamples(cnn.toStdString(), ci, 1);
        for (std::size_t s = 0; s < ci.indices.size(); ++s) // probabilities sum to 1
            QVERIFY(std::abs(p1[2 * s] + p1[2 * s + 1] - 1.0f) < 1e-4f);
        const rs::ml::EpochSamplesIndex ai = rs::ml::readEpochSamplesIndex(ae.toStdString());
        QCOMPARE(ai.kind, std::string("images"));
        QCOMPARE(ai.channels, std::vector<std::string> {"reconstruction"});
        QCOMPARE(ai.epochs, (std::vector<int> {1, 2}));

        Session session;
        TrainingWorkspace ws(&session);
        ws.setRunsFolder(runs);
        ws.resize(1200, 760);
        ws.show();
        QVERIFY(QTest::qWaitForWindowExposed(&ws));
        QTRY_COMPARE(ws.runsModel()->rowCount(), 2);
        ws.runsPanel()->selectRuns({cnn});
        ws.showTab(TrainingWorkspace::Tab::Samples);
        EpochSamplesView* view = ws.samplesView();
        QTRY_COMPARE(view->shownEpoch(), 3); // the newest epoch first
        QCOMPARE(view->slider()->maximum(), 2);
        const std::vector<float> last = view->shownValues();
        view->slider()->setValue(0);
        QCOMPARE(view->shownEpoch(), 1);
        QVERIFY(view->message().contains(QLatin1String("Epoch <b>1</b>")));
        QCOMPARE(view->shownValues(), p1);
        QVERIFY(view->shownValues() != last); // the network changed between epochs 1 and 3
        screenshot(&ws, QStringLiteral("samples-cnn"));
        ws.runsPanel()->selectRuns({ae});
        QTRY_COMPARE(view->shownEpoch(), 2);
        QCOMPARE(view->shownValues().size(), rs::ml::kEpochSampleCount * 16 * 16);
        screenshot(&ws, QStringLiteral("samples-ae"));
        // A damaged epoch file is named, not drawn.
        QFile f(QString::fromStdString(rs::ml::epochSamplesPath(ae.toStdString(), 1)));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("junk");
        f.close();
        view->slider()->setValue(0);
        QVERIFY2(view->message().contains(QLatin1String("epoch-1.npy")), qPrintable(view->message()));
        QCOMPARE(view->shownEpoch(), 0);
    }
};

QTEST_MAIN(TestStudioManage)
#include "tst_studio_manage.moc"

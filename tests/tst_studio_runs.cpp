// The Training studio's runs panel: the runs model under QAbstractItemModelTester, a run that a
// separate `reionscope-cli train` process writes appearing and growing live, several runs
// overlaid with their configurations side by side (differences highlighted), the hover readout,
// and PNG / CSV exports of the curves.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/session.h"
#include "ml/run_folder.h"
#include "ml/trainer.h"
#include "studio/config_compare.h"
#include "studio/curves_view.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/runs_watcher.h"
#include "studio/training_workspace.h"
#include "vtk/vtk_host_widget.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QProcess>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <set>

using namespace rs;
using namespace rs::ui;

namespace {

rs::ml::RunConfig config(const std::string& ds, double lr, int epochs = 1)
{
    rs::ml::RunConfig c = fixtures::tinyRunConfig(ds); // a cnn z-classifier
    c.batch = 4;
    c.epochs = epochs;
    c.maxBatchesPerEpoch = 6;
    c.optimizer.lr = lr;
    return c;
}

} // namespace

class TestStudioRuns : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_dir;
    std::string m_ds;
    QString m_runs;

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 1);
        m_runs = m_dir.filePath(QStringLiteral("runs"));
        QDir().mkpath(m_runs);
        for (const auto& [name, lr] : {std::pair {"slow", 1e-4}, std::pair {"fast", 3e-3}})
            QCOMPARE(int(rs::ml::train(QDir(m_runs).filePath(QString::fromLatin1(name)).toStdString(), config(m_ds, lr))
                             .status),
                int(rs::ml::TrainStatus::Finished));
    }

    void modelUnderTester()
    {
        RunsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunsWatcher watcher(&model);
        QSignalSpy polled(&watcher, &RunsWatcher::polled);
        watcher.setFolder(m_runs);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 20000);
        QCOMPARE(model.index(0, RunsModel::Name).data().toString(), QStringLiteral("fast")); // by name
        QCOMPARE(model.index(1, RunsModel::Status).data().toString(), QStringLiteral("finished"));
        QCOMPARE(model.index(1, RunsModel::Epochs).data().toString(), QStringLiteral("1/1"));
        QVERIFY(model.index(1, RunsModel::Test).data().toString().startsWith(QStringLiteral("accuracy")));
        QCOMPARE(model.index(1, 0).data(RunsModel::PathRole).toString(), QDir(m_runs).filePath(QStringLiteral("slow")));
        QVERIFY(model.entry(0).curves.points(RunCurves::TrainLoss).size() >= 6);
        // A live placeholder (a run this window starts) and its removal when its folder goes.
        const QString live = QDir(m_runs).filePath(QStringLiteral("a-live"));
        rs::ml::TrainProgress p;
        p.step = 1;
        p.batches = 10;
        p.batch = 1;
        p.trainLoss = 0.7;
        p.trainMetric = 0.5;
        model.appendProgress(live, {p}, config(m_ds, 1e-3));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, RunsModel::Status).data().toString(), QStringLiteral("training"));
        model.setLive(live, RunEntry::Live::No);
        std::filesystem::remove_all(QDir(m_runs).filePath(QStringLiteral("fast")).toStdString());
        const int looks = polled.size();
        watcher.pollNow();
        QTRY_VERIFY_WITH_TIMEOUT(polled.size() > looks, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 10000); // "fast" is gone; "a-live" never had a folder
        QCOMPARE(model.rowOf(QDir(m_runs).filePath(QStringLiteral("fast"))), -1);
        // Recreate "fast" for the tests below, as a run this window trains: listed by the watcher
        // before any live report, it is still this window's run, not one "training elsewhere".
        const QString fast = QDir(m_runs).filePath(QStringLiteral("fast"));
        model.setLive(fast, RunEntry::Live::Training);
        rs::ml::train(fast.toStdString(), config(m_ds, 3e-3));
        watcher.pollNow();
        QTRY_VERIFY_WITH_TIMEOUT(model.rowOf(fast) >= 0, 10000);
        QCOMPARE(model.index(model.rowOf(fast), RunsModel::Status).data().toString(), QStringLiteral("training"));
        model.setLive(fast, RunEntry::Live::No);
        QCOMPARE(model.index(model.rowOf(fast), RunsModel::Status).data().toString(), QStringLiteral("finished"));
        // Deferred row updates (the Training tab repaints its table in its paced frames).
        model.setDeferRowUpdates(true);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged), pending(&model, &RunsModel::rowUpdatesPending);
        model.setLive(fast, RunEntry::Live::Paused);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(pending.size(), 1);
        QCOMPARE(model.index(model.rowOf(fast), RunsModel::Status).data().toString(), QStringLiteral("paused"));
        model.flushRowUpdates();
        QCOMPARE(changed.size(), 1);
        model.setLive(fast, RunEntry::Live::No);
        QCOMPARE(pending.size(), 2);
        model.setDeferRowUpdates(false); // flushes
        QCOMPARE(changed.size(), 2);
        watcher.setFolder({});
        QCOMPARE(model.rowCount(), 0);
    }

    void modelColumnShowsWorldSize()
    {
        // A copy of a finished run whose config.json says two data-parallel ranks trained it.
        const QString folder = m_dir.filePath(QStringLiteral("dist-runs"));
        const std::filesystem::path two = std::filesystem::path(folder.toStdString()) / "two-ranks";
        std::filesystem::create_directories(two.parent_path());
        std::filesystem::copy(
            QDir(m_runs).filePath(QStringLiteral("slow")).toStdString(), two, std::filesystem::copy_options::recursive);
        rs::ml::RunConfig c = rs::ml::readRunConfig(two.string());
        QCOMPARE(c.worldSize, 1);
        c.worldSize = 2;
        rs::ml::writeRunConfig(two.string(), c);
        RunsModel model;
        RunsWatcher watcher(&model);
        watcher.setFolder(folder);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, 20000);
        QCOMPARE(model.index(0, RunsModel::Model).data().toString(), QStringLiteral("cnn × 2 ranks"));
        c.worldSize = 1;
        model.appendProgress(QDir(folder).filePath(QStringLiteral("one-rank")), {rs::ml::TrainProgress {}}, c);
        QCOMPARE(model.index(model.rowOf(QDir(folder).filePath(QStringLiteral("one-rank"))), RunsModel::Model)
                     .data()
                     .toString(),
            QStringLiteral("cnn"));
    }

    void cliRunAppearsAndGrows()
    {
        Session session;
        TrainingWorkspace ws(&session);
        ws.setRunsFolder(m_runs);
        ws.watcher()->setPollInterval(100);
        ws.show();
        QTRY_VERIFY_WITH_TIMEOUT(ws.runsModel()->rowCount() >= 2, 20000);
        const QString run = QDir(m_runs).filePath(QStringLiteral("from-cli"));
        QProcess cli;
        cli.start(QStringLiteral(REIONSCOPE_CLI),
            {"train", "--dataset", QString::fromStdString(m_ds), "--model", "cnn", "--target", "z", "--epochs", "200",
                "--batch", "2", "--threads", "1", "--history-every", "1", "--out", run});
        QVERIFY(cli.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(ws.runsModel()->rowOf(run) >= 0, 60000);
        auto points = [&] { return ws.runsModel()->find(run)->curves.points(RunCurves::TrainLoss).size(); };
        QTRY_VERIFY_WITH_TIMEOUT(points() > 0, 60000);
        const std::size_t first = points();
        QTRY_VERIFY_WITH_TIMEOUT(points() > first + 5, 60000); // it grows while the other process writes
        QCOMPARE(ws.runsModel()->find(run)->statusText(ws.runsModel()->find(run)->lastGrowthMs),
            QStringLiteral("training elsewhere"));
        ws.runsPanel()->selectRuns({run});
        QTRY_VERIFY_WITH_TIMEOUT(ws.curves()->drawnPoints(run, RunCurves::TrainLoss) > 0, 10000);
        const int drawn = ws.curves()->drawnPoints(run, RunCurves::TrainLoss);
        QTRY_VERIFY_WITH_TIMEOUT(ws.curves()->drawnPoints(run, RunCurves::TrainLoss) > drawn, 60000);
        cli.terminate(); // SIGTERM: the CLI stops after its batch with a checkpoint
        QVERIFY(cli.waitForFinished(60000));
        QTRY_COMPARE_WITH_TIMEOUT(ws.runsModel()->find(run)->lastType, QStringLiteral("stopped"), 20000);
        // Everything the CLI wrote was read, once: one point per step of its batch and epoch lines.
        std::set<std::int64_t> steps;
        for (const auto& r : rs::ml::readHistory(run.toStdString()))
            if (r.type == "batch" || r.type == "epoch")
                steps.insert(r.step);
        QCOMPARE(points(), steps.size());
        std::filesystem::remove_all(run.toStdString());
    }

    void overlayCompareHoverExport()
    {
        Session session;
        TrainingWorkspace ws(&session);
        guifixtures::showRunsFolder(ws, m_runs, {1500, 900});
        QVERIFY(QTest::qWaitForWindowExposed(&ws));
        const QString slow = QDir(m_runs).filePath(QStringLiteral("slow")),
                      fast = QDir(m_runs).filePath(QStringLiteral("fast"));
        QTRY_VERIFY_WITH_TIMEOUT(ws.runsModel()->rowOf(slow) >= 0 && ws.runsModel()->rowOf(fast) >= 0, 20000);
        ws.runsPanel()->selectRuns({slow, fast});
        QCOMPARE(ws.runsPanel()->selectedRuns().size(), 2);
        CurvesView* curves = ws.curves();
        curves->refresh();
        QVERIFY(curves->drawnPoints(slow, RunCurves::TrainLoss) >= 6);
        QVERIFY(curves->drawnPoints(fast, RunCurves::TrainLoss) >= 6);
        QVERIFY(curves->drawnPoints(fast, RunCurves::ValMetric) == 1);
        // Configurations side by side: only the learning rate (and names, dates) differ.
        ConfigCompare* cmp = ws.configs();
        QVERIFY(cmp->differingKeys().contains(QStringLiteral("optimizer.lr")));
        QVERIFY(!cmp->differingKeys().contains(QStringLiteral("model")));
        QVERIFY(!cmp->differingKeys().contains(QStringLiteral("batch")));
        const int lrRow = int(cmp->differingKeys().indexOf(QStringLiteral("optimizer.lr")));
        QCOMPARE(cmp->table()->verticalHeaderItem(lrRow)->text(), QStringLiteral("optimizer.lr"));
        QCOMPARE(cmp->table()->item(lrRow, 0)->text(), QStringLiteral("0.003")); // table order: fast, slow
        QCOMPARE(cmp->table()->item(lrRow, 1)->text(), QStringLiteral("0.0001"));
        QVERIFY(cmp->table()->item(lrRow, 0)->background()
            != cmp->table()->item(cmp->table()->rowCount() - 1, 0)->background());
        cmp->setOnlyDifferences(true);
        QCOMPARE(cmp->table()->rowCount(), int(cmp->differingKeys().size()));

        // Hover: the readout names the run and the value of the point under the mouse.
        curves->setSmoothing(0);
        curves->refresh();
        QChartView* view = curves->lossView();
        const auto& pts = ws.runsModel()->find(fast)->curves.points(RunCurves::TrainLoss);
        QLineSeries* series = nullptr;
        for (QAbstractSeries* s : view->chart()->series())
            if (auto* l = qobject_cast<QLineSeries*>(s);
                l && l->name().startsWith(QStringLiteral("fast")) && l->count() == int(pts.size()))
                series = l;
        QVERIFY(series);
        const QPointF at = view->chart()->mapToPosition(QPointF(pts[2].epoch, pts[2].value), series);
        curves->hoverAt(view, view->mapFromScene(view->chart()->mapToScene(at)));
        QVERIFY2(curves->readout().startsWith(QStringLiteral("fast · train loss")), qPrintable(curves->readout()));
        curves->setLogLoss(true);
        curves->refresh();
        QVERIFY(curves->drawnPoints(fast, RunCurves::TrainLoss) >= 6);

        const QString png = m_dir.filePath(QStringLiteral("curves.png")),
                      csv = m_dir.filePath(QStringLiteral("curves.csv"));
        curves->exportPng(png);
        QImage img(png);
        QVERIFY(img.width() > 400 && img.height() > 150);
        curves->exportCsv(csv);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.contains(QStringLiteral("run,series,step,epoch,value")));
        std::size_t total = 0;
        for (const QString& p : {slow, fast})
            total += ws.runsModel()->find(p)->curves.pointCount();
        QCOMPARE(std::size_t(lines.filter(QRegularExpression(QStringLiteral("^(slow|fast),"))).size()), total);
    }
};

QTEST_MAIN(TestStudioRuns)
#include "tst_studio_runs.moc"

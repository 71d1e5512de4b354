// The Training studio's run control, end to end on tiny runs: launched through the New run
// dialog's code path, curves that grow while the run trains (redrawn on a coalescing timer, not
// per report), pause, a stop that ends within one batch with a checkpoint that loads, a continued
// run appending to the same history, and closing the window while a run trains.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/session.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/run_folder.h"
#include "shell/main_window.h"
#include "studio/curves_view.h"
#include "studio/dataset_source_panel.h"
#include "studio/new_run_dialog.h"
#include "studio/run_progress_bar.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/runs_watcher.h"
#include "studio/training_controller.h"
#include "studio/training_workspace.h"
#include "vtk/vtk_host_widget.h"

#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <memory>

using namespace rs;
using namespace rs::ui;

namespace {

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

rs::ml::RunConfig tinyCnn(int epochs, std::size_t maxBatches)
{
    rs::ml::RunConfig c;
    c.model = rs::ml::ModelKind::Cnn;
    c.task = rs::ml::Task::Classify;
    c.target = rs::ml::Target::Z;
    c.batch = 2;
    c.epochs = epochs;
    c.threads = 1;
    c.historyEvery = 1;
    c.maxBatchesPerEpoch = maxBatches;
    return c;
}

} // namespace

class TestStudioTraining : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_dir;
    QString m_runs;
    std::string m_ds;
    Session m_session;
    std::unique_ptr<TrainingWorkspace> m_ws;

    /// A run started through the New run dialog, as the menu action does it.
    QString launch(const QString& name, const rs::ml::RunConfig& config)
    {
        std::unique_ptr<NewRunDialog> dlg(m_ws->createNewRunDialog());
        dlg->datasetPanel()->setDatasetPath(QString::fromStdString(m_ds));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(dlg->datasetPanel()->dataset() != nullptr, 20000); }();
        dlg->setConfig(config);
        dlg->setRunName(name);
        if (!dlg->isReady())
            qWarning("dialog not ready: %s", qPrintable(dlg->previewText()));
        if (!dlg->isReady() || !dlg->previewText().contains(QStringLiteral("\"classes\"")))
            return {};
        const RunRequest request = dlg->request();
        if (!m_ws->startRun(request))
            return {};
        return request.runDir;
    }

    void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!m_ws->controller()->isBusy(), 120000); }

private Q_SLOTS:
    void initTestCase()
    {
        // 4 seeds × z ∈ {7, 9} × ζ ∈ {10, 30} of 16³: every slice along x, y, z.
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 1);
        m_runs = m_dir.filePath(QStringLiteral("runs"));
        m_ws = std::make_unique<TrainingWorkspace>(&m_session);
        m_ws->controller()->setWorkerNice(0); // ctest runs tests side by side: do not wait behind them
        m_ws->setRunsFolder(m_runs);
        m_ws->watcher()->setPollInterval(100);
        m_ws->resize(1400, 850);
        m_ws->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_ws.get()));
    }

    void dialogPreviewsAndRefuses()
    {
        std::unique_ptr<NewRunDialog> dlg(m_ws->createNewRunDialog());
        QVERIFY(!dlg->isReady()); // no dataset yet
        QVERIFY(dlg->previewText().contains(QStringLiteral("dataset")));
        dlg->datasetPanel()->setDatasetPath(QString::fromStdString(m_ds));
        QTRY_VERIFY_WITH_TIMEOUT(dlg->isReady(), 20000);
        // The split by simulation: 4 seeds over three splits, none empty, samples add up.
        QTableWidget* split = dlg->datasetPanel()->splitTable();
        int sims = 0, samples = 0;
        for (int r = 0; r < 3; ++r) {
            QVERIFY(split->item(r, 0)->text().toInt() >= 1);
            sims += split->item(r, 0)->text().toInt();
            samples += split->item(r, 2)->text().toInt();
        }
        QCOMPARE(sims, 4);
        QCOMPARE(samples, int(dlg->datasetPanel()->dataset()->info().samples));
        rs::ml::RunConfig c = tinyCnn(1, 2);
        c.target = rs::ml::Target::Nf;
        c.task = rs::ml::Task::Regress;
        dlg->setConfig(c);
        QVERIFY(dlg->isReady());
        QVERIFY(dlg->previewText().contains(QStringLiteral("\"task\": \"regress\"")));
        c.optimizer.lr = 1e-7; // the spin box floor is 1e-6: still a valid learning rate
        dlg->setConfig(c);
        QVERIFY(dlg->isReady());
        dlg->setRunName(QString());
        QVERIFY(!dlg->isReady());
        QVERIFY(dlg->previewText().contains(QStringLiteral("name")));
    }

    void simulatorDatasetWithVelocityTerms()
    {
        // The panel's simulator grid with δT_b's velocity terms on: the built dataset's cubes are
        // the velocity ones (their ids and the shared velocity_axis say so).
        std::unique_ptr<NewRunDialog> dlg(m_ws->createNewRunDialog());
        DatasetSourcePanel* panel = dlg->datasetPanel();
        panel->setSource(DatasetSourcePanel::Source::Simulator);
        panel->setSimulatorGrid(16, 24, QStringLiteral("8"), QStringLiteral("20"), 3);
        QVERIFY(!panel->setVelocityTerms(QStringLiteral("sometimes")));
        QVERIFY(panel->setVelocityTerms(QStringLiteral("on")));
        panel->setOutputPath(m_dir.filePath(QStringLiteral("vel.h5")));
        panel->build();
        QTRY_VERIFY_WITH_TIMEOUT(panel->dataset() != nullptr, 60000);
        const rs::ml::DatasetInfo& info = panel->dataset()->info();
        QCOMPARE(info.cubes.size(), std::size_t(3));
        for (const rs::ml::DatasetCube& c : info.cubes)
            QVERIFY2(QString::fromStdString(c.id).endsWith(QStringLiteral("_vel")), c.id.c_str());
        QVERIFY(info.parameters.count(rs::param::velocityAxis) == 1);
    }

    void dialogTrainsTheFieldModels()
    {
        // unet and generator are chosen in the dialog as with `train`: their measured defaults show,
        // and a generator on the δT_b maps starts, trains and finishes like any other run.
        std::unique_ptr<NewRunDialog> dlg(m_ws->createNewRunDialog());
        dlg->datasetPanel()->setDatasetPath(QString::fromStdString(m_ds));
        QTRY_VERIFY_WITH_TIMEOUT(dlg->datasetPanel()->dataset() != nullptr, 20000);
        dlg->chooseModel(QStringLiteral("generator"));
        rs::ml::RunConfig expected;
        expected.model = rs::ml::ModelKind::Generator;
        rs::ml::applyModelDefaults(expected);
        QVERIFY(expected.epochs != rs::ml::RunConfig {}.epochs); // else this checks nothing
        rs::ml::RunConfig c = dlg->config();
        QCOMPARE(c.task, rs::ml::Task::Generate);
        QCOMPARE(c.epochs, expected.epochs);
        QCOMPARE(c.schedule.kind, expected.schedule.kind);
        QCOMPARE(c.schedule.minLr, expected.schedule.minLr);
        QCOMPARE(c.priorLossWeight, expected.priorLossWeight);
        QVERIFY2(dlg->isReady(), qPrintable(dlg->previewText()));
        QVERIFY(dlg->previewText().contains(QStringLiteral("\"model\": \"generator\"")));
        // unet needs a paired dataset: refused in words, naming the dataset.
        dlg->chooseModel(QStringLiteral("unet"));
        QVERIFY(!dlg->isReady());
        QVERIFY2(dlg->previewText().contains(QStringLiteral("paired")), qPrintable(dlg->previewText()));
        rs::ml::RunConfig unet;
        unet.model = rs::ml::ModelKind::UNet;
        rs::ml::applyModelDefaults(unet);
        QCOMPARE(dlg->config().batch, unet.batch);
        QCOMPARE(dlg->config().optimizer.lr, unet.optimizer.lr);
        QCOMPARE(dlg->config().epochs, unet.epochs);
        // Back to the generator, shortened, and trained from the dialog.
        dlg->chooseModel(QStringLiteral("generator"));
        c = dlg->config();
        c.epochs = 2;
        c.maxBatchesPerEpoch = 2;
        c.batch = 8;
        c.threads = 1;
        dlg->setConfig(c);
        dlg->setRunName(QStringLiteral("gen-from-dialog"));
        QVERIFY2(dlg->isReady(), qPrintable(dlg->previewText()));
        const RunRequest request = dlg->request();
        QCOMPARE(request.config.priorLossWeight, expected.priorLossWeight);
        QVERIFY(m_ws->startRun(request));
        waitIdle();
        const rs::ml::RunConfig written = rs::ml::readRunConfig(request.runDir.toStdString());
        QCOMPARE(written.model, rs::ml::ModelKind::Generator);
        QCOMPARE(written.priorLossWeight, expected.priorLossWeight);
        QVERIFY(QFileInfo::exists(QDir(request.runDir).filePath(QStringLiteral("final.pt"))));
    }

    void curvesGrowWhileTraining()
    {
        QSignalSpy reports(m_ws->controller(), &TrainingController::progressed);
        // Pause at the first report, early in the run: nothing moves while paused; then the
        // curve keeps growing. (Pausing once a point is drawn raced the end of this tiny run on
        // a loaded machine.)
        auto pauseOnce = std::make_shared<QMetaObject::Connection>();
        *pauseOnce = connect(m_ws->controller(), &TrainingController::progressed, this, [this, pauseOnce] {
            m_ws->controller()->pause();
            disconnect(*pauseOnce);
        });
        const QString run = launch(QStringLiteral("live"), tinyCnn(3, 0));
        QVERIFY(!run.isEmpty());
        CurvesView* curves = m_ws->curves();
        QTRY_VERIFY_WITH_TIMEOUT(curves->runs().contains(run), 20000); // selected once listed
        QTRY_VERIFY_WITH_TIMEOUT(
            (m_ws->controller()->flush(), curves->refresh(), curves->drawnPoints(run, RunCurves::TrainLoss) > 0),
            30000);
        QCOMPARE(m_ws->controller()->state(), TrainingController::State::Paused);
        QTest::qWait(300);
        m_ws->controller()->flush();
        curves->refresh();
        const int before = curves->drawnPoints(run, RunCurves::TrainLoss);
        const std::int64_t stepPaused = m_ws->controller()->lastProgress()->step;
        QTest::qWait(300);
        m_ws->controller()->flush();
        QCOMPARE(m_ws->controller()->lastProgress()->step, stepPaused);
        QVERIFY(m_ws->progressBar()->detailText().contains(QStringLiteral("epoch")));
        m_ws->controller()->resume();
        QTRY_VERIFY_WITH_TIMEOUT(curves->drawnPoints(run, RunCurves::TrainLoss) > before, 30000);
        waitIdle();
        // Coalesced: far fewer redraws and signals than batch reports.
        std::size_t delivered = 0;
        for (const QList<QVariant>& args : reports)
            delivered += args.at(1).value<std::vector<rs::ml::TrainProgress>>().size();
        QVERIFY(delivered > 50);
        QVERIFY2(std::size_t(reports.size()) < delivered,
            qPrintable(QStringLiteral("%1 signals for %2 reports").arg(reports.size()).arg(delivered)));
        QVERIFY(std::size_t(curves->refreshCount()) < delivered);
        QTRY_COMPARE(curves->drawnPoints(run, RunCurves::ValLoss), 3); // one validation point per epoch
        const int row = m_ws->runsModel()->rowOf(run);
        QVERIFY(row >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_ws->runsModel()->entry(row).statusText(0), QStringLiteral("finished"), 20000);
        QVERIFY(m_ws->runsModel()->entry(row).metrics.has_value());
    }

    void stopEndsWithinOneBatchAndCheckpointLoads()
    {
        QSignalSpy finished(m_ws->controller(), &TrainingController::finished);
        const QString run = launch(QStringLiteral("stopped"), tinyCnn(2, 150));
        QVERIFY(!run.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(
            (m_ws->controller()->flush(),
                m_ws->controller()->lastProgress().has_value() && m_ws->controller()->lastProgress()->step >= 5),
            30000);
        m_ws->controller()->stop();
        const std::int64_t atStop = m_ws->controller()->stepAtStopRequest();
        QVERIFY(atStop >= 5);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        const auto outcome = finished.front().at(1).value<TrainingOutcome>();
        QCOMPARE(int(outcome.status), int(TrainingOutcome::Status::Stopped));
        QVERIFY2(outcome.lastStep <= atStop + 1,
            qPrintable(QStringLiteral("stop at %1, ended at %2").arg(atStop).arg(outcome.lastStep)));
        const std::vector<rs::ml::HistoryRecord> h = rs::ml::readHistory(run.toStdString());
        QCOMPARE(h.back().type, std::string("stopped"));
        QCOMPARE(h.back().step, outcome.lastStep);
        // The checkpoint loads and predicts.
        const rs::ml::Predictor p(run.toStdString());
        QVERIFY(QString::fromStdString(p.weightsPath()).endsWith(QStringLiteral("last.pt")));
        std::vector<float> x(16 * 16, 10.0f);
        const std::vector<float> y = p.predict(x.data(), 1);
        QCOMPARE(y.size(), std::size_t(2));
        QVERIFY(std::abs(y[0] + y[1] - 1.0f) < 1e-5f);
        const int row = m_ws->runsModel()->rowOf(run);
        QTRY_COMPARE_WITH_TIMEOUT(m_ws->runsModel()->entry(row).statusText(0), QStringLiteral("stopped"), 20000);
    }

    void continuedRunAppendsToTheSameHistory()
    {
        const QString run = QDir(m_runs).filePath(QStringLiteral("stopped"));
        const std::string before = readAll(rs::ml::historyPath(run.toStdString()));
        QVERIFY(!before.empty());
        const int pointsBefore = int(m_ws->runsModel()->find(run)->curves.pointCount());
        QVERIFY(m_ws->continueRun(run, 2));
        QVERIFY(!m_ws->continueRun(run, 2)); // one run at a time
        waitIdle();
        const std::string after = readAll(rs::ml::historyPath(run.toStdString()));
        QVERIFY(after.size() > before.size());
        QCOMPARE(after.substr(0, before.size()), before); // appended, nothing rewritten
        const std::string added = after.substr(before.size());
        const std::size_t resumeAt = added.find("\"type\":\"resume\"");
        QVERIFY(resumeAt != std::string::npos && resumeAt < added.find("\"type\":\"batch\""));
        QVERIFY(added.find("\"type\":\"finished\"") != std::string::npos);
        int epochLines = 0;
        for (const auto& r : rs::ml::readHistory(run.toStdString()))
            epochLines += r.type == "epoch";
        QCOMPARE(epochLines, 2);
        QVERIFY(int(m_ws->runsModel()->find(run)->curves.pointCount()) > pointsBefore);
        // Continue a finished run for more epochs.
        QVERIFY(m_ws->continueRun(run, 3));
        waitIdle();
        epochLines = 0;
        for (const auto& r : rs::ml::readHistory(run.toStdString()))
            epochLines += r.type == "epoch";
        QCOMPARE(epochLines, 3);
    }

    void closingAsksAndStopsAtACheckpoint()
    {
        const QString run = launch(QStringLiteral("closing"), tinyCnn(20, 0));
        QVERIFY(!run.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT((m_ws->controller()->flush(), m_ws->controller()->lastProgress().has_value()), 30000);
        int asked = 0;
        m_ws->setCloseQuestion([&](const QString& r) {
            ++asked;
            return r == run && asked > 1; // keep training the first time, stop the second
        });
        QVERIFY(!m_ws->confirmClose());
        QVERIFY(m_ws->controller()->isBusy());
        QVERIFY(m_ws->confirmClose());
        QCOMPARE(asked, 2);
        QVERIFY(!m_ws->controller()->isBusy());
        QCOMPARE(rs::ml::readHistory(run.toStdString()).back().type, std::string("stopped"));
        QVERIFY(m_ws->confirmClose()); // nothing training: no question
        QCOMPARE(asked, 2);
    }

    void mainWindowHasTheTrainingTab()
    {
        MainWindow w;
        QVERIFY(w.training());
        QCOMPARE(w.training()->title(), QStringLiteral("Training"));
        QVERIFY(!w.training()->menus().isEmpty());
    }
};

QTEST_MAIN(TestStudioTraining)
#include "tst_studio_training.moc"

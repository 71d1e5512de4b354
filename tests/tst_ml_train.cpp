// The trainer and run folders: a full tiny run, stop and resume within one batch, pause, NaN
// loss, refusals (one class, other model type, corrupted checkpoint), regression, codes-cnn on a
// frozen encoder, listing runs and the Predictor. Tiny data: 16×16 slices, a few batches.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "ml/dataset.h"
#include "ml/predictor.h"
#include "ml/run_folder.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace rs;
using namespace rs::ml;

namespace {

RunConfig cnnConfig(const std::string& ds, int epochs = 2)
{
    RunConfig c = fixtures::tinyRunConfig(ds); // a cnn z-classifier
    c.epochs = epochs;
    c.historyEvery = 2;
    return c;
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

class TestMlTrain : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds;

private Q_SLOTS:
    void initTestCase()
    {
        // 4 seeds × z ∈ {7, 9} × ζ ∈ {10, 30}: 16 cubes, 6 slices each (stride 8).
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 8);
    }

    void fullRunWritesEverything()
    {
        const std::string run = m_dir.filePath("cnn").toStdString();
        int batches = 0, epochs = 0;
        const TrainResult r = train(run, cnnConfig(m_ds, 2),
            [&](const TrainProgress& p) { (p.kind == TrainProgress::Kind::Batch ? batches : epochs)++; });
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        QCOMPARE(r.epochsDone, 2);
        QCOMPARE(epochs, 2);
        QVERIFY(batches >= 2);
        for (const std::string& f : {runConfigPath(run), historyPath(run), checkpointPath(run), bestCheckpointPath(run),
                 finalModelPath(run), torchScriptPath(run), metricsPath(run)})
            QVERIFY2(std::filesystem::exists(f), f.c_str());
        const RunConfig c = readRunConfig(run);
        QCOMPARE(c.classes, (std::vector<double> {7, 9}));
        QCOMPARE(c.datasetHash, DatasetFile::open(m_ds)->info().contentHash);
        const auto h = readHistory(run);
        int epochLines = 0;
        for (const HistoryRecord& rec : h)
            epochLines += rec.type == "epoch";
        QCOMPARE(epochLines, 2);
        QCOMPARE(h.back().type, std::string("finished"));
        const EvalMetrics m = *readMetrics(run);
        QCOMPARE(m.classes, c.classes);
        QCOMPARE(m.confusion.size(), std::size_t(2));
        QVERIFY(m.samples > 0);
        // evaluate recomputes the same test metrics from final.pt.
        const EvalMetrics again = evaluateRun(run, "", Split::Test, 1);
        QCOMPARE(again.accuracy, m.accuracy);
        // Running it again does nothing.
        QCOMPARE(train(run, cnnConfig(m_ds, 2)).message.substr(0, 16), std::string("already finished"));
        // Predictor: probabilities per class, summing to one.
        Predictor p(run);
        QCOMPARE(p.weightsPath(), finalModelPath(run));
        std::vector<float> x(3 * 256, 20.0f);
        const std::vector<float> y = p.predict(x.data(), 3);
        QCOMPARE(y.size(), std::size_t(6));
        QVERIFY(std::abs(y[0] + y[1] - 1.0f) < 1e-5f);
        QCOMPARE(p.features(x.data(), 3).size(), 3 * p.featureSize());
        // A whole cube of another size: cropped, and said so.
        CubeMetadata meta;
        Cube big({24, 24, 24}, {36, 36, 36}, meta);
        const CubePrediction cp = p.predictCube(big, {2}, 4);
        QCOMPARE(cp.slices, std::size_t(6));
        QVERIFY2(QString::fromStdString(cp.fit).contains("centre-cropped to 16x16"), cp.fit.c_str());
        QVERIFY(cp.value == 7 || cp.value == 9);
        // listRuns sees it.
        bool listed = false;
        for (const RunSummary& s : listRuns(m_dir.path().toStdString()))
            listed |= s.path == run && s.finished && s.epochsDone == 2 && s.metrics.has_value();
        QVERIFY(listed);
    }

    void stopWithinOneBatchThenResume()
    {
        const std::string run = m_dir.filePath("stopped").toStdString();
        StopToken stop;
        int batchesSeen = 0;
        RunConfig c = cnnConfig(m_ds, 2);
        c.batch = 4;
        const TrainResult r = train(
            run, c,
            [&](const TrainProgress& p) {
                if (p.kind == TrainProgress::Kind::Batch && ++batchesSeen == 3)
                    stop.requestStop();
            },
            stop);
        QCOMPARE(int(r.status), int(TrainStatus::Stopped));
        QCOMPARE(batchesSeen, 3); // no batch after the request
        QVERIFY(!std::filesystem::exists(finalModelPath(run)));
        const std::string historyBefore = readAll(historyPath(run));
        int resumedAt = -1;
        const TrainResult r2 = train(run, c, [&](const TrainProgress& p) {
            if (resumedAt < 0)
                resumedAt = int(p.batch);
        });
        QCOMPARE(int(r2.status), int(TrainStatus::Finished));
        QVERIFY(r2.resumed);
        QCOMPARE(resumedAt, 4); // continued with the 4th batch of epoch 1
        const std::string historyAfter = readAll(historyPath(run));
        QVERIFY(historyAfter.compare(0, historyBefore.size(), historyBefore) == 0); // appended, nothing lost
        QVERIFY(historyAfter.find("\"type\":\"stopped\"") != std::string::npos);
        QVERIFY(historyAfter.find("\"type\":\"resume\"") != std::string::npos);
    }

    void pauseWaitsWithoutLosingState()
    {
        const std::string run = m_dir.filePath("paused").toStdString();
        PauseToken pause;
        std::atomic<bool> released {false};
        std::atomic<int> batchesWhilePaused {0};
        std::thread resumer;
        const TrainResult r = train(
            run, cnnConfig(m_ds, 1),
            [&](const TrainProgress& p) {
                if (p.kind != TrainProgress::Kind::Batch)
                    return;
                if (pause.paused())
                    ++batchesWhilePaused;
                if (p.batch == 1) {
                    pause.pause();
                    resumer = std::thread([&] {
                        std::this_thread::sleep_for(std::chrono::milliseconds(200));
                        released = true;
                        pause.resume();
                    });
                } else {
                    QVERIFY(released.load());
                }
            },
            {}, pause);
        resumer.join();
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        QCOMPARE(batchesWhilePaused.load(), 0);
    }

    void nanLossKeepsLastGoodCheckpoint()
    {
        const std::string run = m_dir.filePath("nan").toStdString();
        RunConfig c = cnnConfig(m_ds, 1);
        train(run, c);
        // Continue with an absurd learning rate (as if edited by hand): the loss blows up.
        std::string cfg = readAll(runConfigPath(run));
        const std::size_t at = cfg.find("\"lr\":");
        cfg.replace(at, cfg.find(',', at) - at, "\"lr\": 1e30");
        std::ofstream(runConfigPath(run)) << cfg;
        std::filesystem::remove(finalModelPath(run));
        std::filesystem::copy_file(checkpointPath(run), m_dir.filePath("good.pt").toStdString());
        c.epochs = 3;
        c.optimizer.name = "sgd";
        try {
            train(run, c);
            QFAIL("no exception");
        } catch (const TrainingDivergedError& e) {
            QVERIFY2(QString(e.what()).contains("NaN") || QString(e.what()).contains("infinite"), e.what());
            QVERIFY2(QString(e.what()).contains("last good checkpoint"), e.what());
        }
        QCOMPARE(readAll(checkpointPath(run)), readAll(m_dir.filePath("good.pt").toStdString()));
        QCOMPARE(readHistory(run).back().type, std::string("error"));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one class only") << "oneclass"
                                        << "one class only";
        QTest::newRow("other model type") << "model"
                                          << "cannot be continued as 'ae'";
        QTest::newRow("corrupted checkpoint") << "corrupt"
                                              << "not a ReionScope checkpoint";
        QTest::newRow("not a run folder") << "folder"
                                          << "not a run folder";
        QTest::newRow("encoder not an ae") << "encoder"
                                           << "not an autoencoder";
    }

    void refusals()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string run = dir.filePath("run").toStdString();
        RunConfig c = cnnConfig(m_ds, 1);
        c.maxBatchesPerEpoch = 1;
        if (kind == "oneclass") {
            c.datasetPath = fixtures::buildSyntheticDataset(
                dir.path(), dir.filePath("one.h5").toStdString(), {8}, {20}, 3, 16, 8);
        } else if (kind == "model" || kind == "corrupt") {
            train(run, c);
            std::filesystem::remove(finalModelPath(run));
            c.epochs = 2;
            if (kind == "model")
                c.model = ModelKind::Autoencoder;
            else
                std::ofstream(checkpointPath(run), std::ios::trunc) << "garbage";
        } else if (kind == "folder") {
            std::filesystem::create_directories(run);
            std::ofstream(run + "/notes.txt") << "mine";
        } else if (kind == "encoder") {
            train(run, c);
            c.model = ModelKind::CodesCnn;
            c.encoderRun = run;
        }
        RS_VERIFY_ERROR(Error, train(kind == "encoder" ? run + "2" : run, c), expected);
    }

    void regressionReportsR2()
    {
        const std::string run = m_dir.filePath("nf").toStdString();
        RunConfig c = cnnConfig(m_ds, 2);
        c.task = Task::Regress;
        c.target = Target::Nf;
        const TrainResult r = train(run, c);
        QVERIFY(r.metrics.has_value());
        QCOMPARE(int(r.metrics->task), int(Task::Regress));
        QVERIFY(std::isfinite(r.metrics->r2));
        QVERIFY(r.metrics->rmse > 0);
        Predictor p(run);
        std::vector<float> x(256, 10.0f);
        QCOMPARE(p.predict(x.data(), 1).size(), std::size_t(1));
    }

    void codesCnnKeepsEncoderFrozen()
    {
        const std::string ae = m_dir.filePath("ae").toStdString();
        RunConfig a = cnnConfig(m_ds, 1);
        a.model = ModelKind::Autoencoder;
        const TrainResult ra = train(ae, a);
        QVERIFY(ra.metrics && std::isfinite(ra.metrics->relativeMse));
        const std::string cc = m_dir.filePath("codes").toStdString();
        RunConfig c = cnnConfig(m_ds, 1);
        c.model = ModelKind::CodesCnn;
        c.encoderRun = ae;
        train(cc, c);
        // Same codes from the autoencoder run and from the codes-cnn run: the encoder did not move.
        std::vector<float> x(2 * 256);
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = float(i % 17);
        const std::vector<float> fa = Predictor(ae).features(x.data(), 2), fc = Predictor(cc).features(x.data(), 2);
        QCOMPARE(fa.size(), fc.size());
        for (std::size_t i = 0; i < fa.size(); ++i)
            QVERIFY(std::abs(fa[i] - fc[i]) < 1e-5f * std::max(1.0f, std::abs(fa[i])));
    }
};

QTEST_GUILESS_MAIN(TestMlTrain)
#include "tst_ml_train.moc"

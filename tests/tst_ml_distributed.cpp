// Data-parallel training over c10d/Gloo on loopback: two ranks take the same steps as one rank
// with the same global batch and seed; a rank that is killed or hangs ends the run with a clear
// error and a checkpoint the run resumes from (with another world size), never a hang.
#include "fixtures.h"
#include "ml_fixtures.h"
#include "ml_weights.h"

#include "ml/detail/checkpoint.h"
#include "ml/distributed.h"
#include "ml/run_folder.h"
#include "ml/trainer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <memory>

namespace {

using namespace rs::ml;

struct Ranks {
    std::vector<std::unique_ptr<QProcess>> procs;
};

/// Starts `world` dist_train_worker processes as the ranks of one run.
Ranks startRanks(int world, const QStringList& args, int timeoutSeconds = 60)
{
    Ranks r;
    const QString port = QString::number(freeLocalPort());
    for (int rank = 0; rank < world; ++rank) {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("RANK", QString::number(rank));
        env.insert("LOCAL_RANK", QString::number(rank));
        env.insert("WORLD_SIZE", QString::number(world));
        env.insert("MASTER_ADDR", "127.0.0.1");
        env.insert("MASTER_PORT", port);
        env.insert("REIONSCOPE_DIST_TIMEOUT", QString::number(timeoutSeconds));
        env.insert("OMP_WAIT_POLICY", "PASSIVE");
        p->setProcessEnvironment(env);
        p->start(REIONSCOPE_DIST_WORKER, args);
        r.procs.push_back(std::move(p));
    }
    return r;
}

} // namespace

class TestMlDistributed : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds;

private Q_SLOTS:
    void initTestCase()
    {
        m_ds
            = fixtures::buildSyntheticDataset(m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4);
    }

    void environmentConventions()
    {
        qputenv("RANK", "1");
        qputenv("WORLD_SIZE", "3");
        qputenv("MASTER_ADDR", "10.0.0.7");
        qputenv("MASTER_PORT", "29411");
        auto s = distributedFromEnvironment();
        QVERIFY(s && s->rank == 1 && s->worldSize == 3 && s->masterAddr == "10.0.0.7" && s->masterPort == 29411);
        QCOMPARE(s->source, std::string("torchrun"));
        qputenv("RANK", "3"); // outside 0..WORLD_SIZE-1
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, distributedFromEnvironment());
        for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"})
            qunsetenv(v);
        qputenv("SLURM_PROCID", "2");
        qputenv("SLURM_NTASKS", "4");
        qputenv("SLURM_NNODES", "1");
        s = distributedFromEnvironment();
        QVERIFY(s && s->rank == 2 && s->worldSize == 4 && s->masterAddr == "127.0.0.1");
        QCOMPARE(s->source, std::string("slurm"));
        qputenv("SLURM_NNODES", "2"); // several nodes: MASTER_ADDR is needed
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, distributedFromEnvironment());
        for (const char* v : {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_NNODES"})
            qunsetenv(v);
        QVERIFY(!distributedFromEnvironment());
    }

    void twoRanksTakeTheStepsOfOne()
    {
        // 20 steps of the same global batch of 8: one rank in this process, then two processes.
        // SGD with momentum: Adam divides by the root of its second moment, so a parameter whose
        // true gradient is ~0 moves by ±lr on rounding noise alone (the ranks sum in another
        // order); measured 8e-4 apart after 20 Adam steps at lr 3e-3, while the losses agree.
        const std::string one = m_dir.filePath("one").toStdString();
        RunConfig c = fixtures::tinyRunConfig(m_ds, ModelKind::Cnn);
        c.maxBatchesPerEpoch = 20;
        c.device = "cpu";
        c.optimizer.name = "sgd";
        c.optimizer.lr = 0.01;
        const TrainResult r1 = train(one, c);
        QCOMPARE(int(r1.status), int(TrainStatus::Finished));

        const QString two = m_dir.filePath("two");
        Ranks ranks = startRanks(2, {QString::fromStdString(m_ds), two, "cnn", "8", "20", "1", "sgd", "0.01"});
        for (auto& p : ranks.procs) {
            QVERIFY(p->waitForFinished(120000));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }
        QCOMPARE(readRunConfig(two.toStdString()).worldSize, 2);
        const std::vector<HistoryRecord> h = readHistory(two.toStdString());
        QVERIFY(!h.empty());
        QCOMPARE(h.front().step, std::int64_t(1)); // one history, written by rank 0 only

        const std::vector<float> a = fixtures::checkpointWeights(one),
                                 b = fixtures::checkpointWeights(two.toStdString());
        QCOMPARE(a.size(), b.size());
        double maxDiff = 0, maxMoved = 0;
        for (std::size_t i = 0; i < a.size(); ++i)
            maxDiff = std::max(maxDiff, double(std::abs(a[i] - b[i])));
        // The comparison means something only if training moved the weights far more than that.
        RunConfig fresh = c;
        fresh.epochs = 1;
        const std::string init = m_dir.filePath("init").toStdString();
        fresh.maxBatchesPerEpoch = 1;
        train(init, fresh);
        const std::vector<float> i0 = fixtures::checkpointWeights(init);
        for (std::size_t i = 0; i < a.size(); ++i)
            maxMoved = std::max(maxMoved, double(std::abs(a[i] - i0[i])));
        qInfo("max |w1 - w2| after 20 steps = %.3g (weights moved up to %.3g since step 1)", maxDiff, maxMoved);
        QVERIFY2(maxDiff <= 1e-5, qPrintable(QString("max abs difference %1").arg(maxDiff)));
        QVERIFY(maxMoved > 1e-4);
    }

    void cliStartsLocalRanksAndResumesWithAnotherWorldSize()
    {
        const QString run = m_dir.filePath("cli");
        const QStringList args {"train", "--dataset", QString::fromStdString(m_ds), "--model", "mlp", "--batch", "8",
            "--threads", "1", "--max-batches", "6", "--out", run};
        fixtures::CliResult r = fixtures::runCli(args + QStringList {"--epochs", "1", "--nproc", "2"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("2 ranks"), r.out.constData());
        QCOMPARE(r.out.count("epoch 1/1"), 1); // rank 0 speaks for the run
        QCOMPARE(readRunConfig(run.toStdString()).worldSize, 2);
        r = fixtures::runCli(args + QStringList {"--epochs", "2"}); // one rank continues the run
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("(resumed)"));
        QCOMPARE(readRunConfig(run.toStdString()).worldSize, 1);
        int epochs = 0;
        for (const HistoryRecord& h : readHistory(run.toStdString()))
            epochs += h.type == "epoch";
        QCOMPARE(epochs, 2);
    }

    void killedRankEndsTheRunResumably_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("killed") << int(SIGKILL);
        QTest::newRow("hung") << int(SIGSTOP); // only the collective timeout can tell
    }

    void killedRankEndsTheRunResumably()
    {
        QFETCH(int, signal);
        const QString run = m_dir.filePath(QString("killed%1").arg(signal));
        const int timeout = 5;
        Ranks ranks = startRanks(2, {QString::fromStdString(m_ds), run, "cnn", "8", "0", "500"}, timeout);
        // Wait until training runs (a few batch lines), then take rank 1 away.
        QTRY_VERIFY_WITH_TIMEOUT(readHistory(run.toStdString()).size() >= 5, 60000);
        ::kill(pid_t(ranks.procs[1]->processId()), signal);
        QElapsedTimer t;
        t.start();
        QVERIFY2(ranks.procs[0]->waitForFinished(60000), "rank 0 hangs after rank 1 went away");
        const double seconds = t.elapsed() / 1000.0;
        if (signal == SIGSTOP)
            ::kill(pid_t(ranks.procs[1]->processId()), SIGKILL);
        ranks.procs[1]->waitForFinished(10000);
        const QByteArray err = ranks.procs[0]->readAllStandardError();
        qInfo("rank 0 ended %.1f s after the signal: %s", seconds, err.trimmed().constData());
        QCOMPARE(ranks.procs[0]->exitCode(), 1);
        QVERIFY2(err.contains("rank 0 of 2") && err.contains(run.toUtf8()), err.constData());
        QVERIFY(seconds < timeout + 20);
        QVERIFY(QFile::exists(QString::fromStdString(checkpointPath(run.toStdString()))));
        const std::vector<HistoryRecord> h = readHistory(run.toStdString());
        QCOMPARE(QString::fromStdString(h.back().type), QString("error"));

        // Resume on one rank from the checkpoint rank 0 left.
        RunConfig c = fixtures::tinyRunConfig(m_ds, ModelKind::Cnn);
        c.epochs = 1;
        const rs::ml::detail::CheckpointMeta before
            = rs::ml::detail::readCheckpointMeta(checkpointPath(run.toStdString()));
        c.epochs = before.epoch + 1;
        c.device = "cpu";
        const TrainResult r = train(run.toStdString(), c);
        QVERIFY(r.resumed);
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        QCOMPARE(readRunConfig(run.toStdString()).worldSize, 1);
    }
};

QTEST_GUILESS_MAIN(TestMlDistributed)
#include "tst_ml_distributed.moc"

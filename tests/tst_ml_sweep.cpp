// `reionscope-cli sweep` as a person uses it: a grid trained with --parallel 2, each point an
// ordinary run folder (`runs --json` shows status, best and last epochs, and sweep membership);
// kill -9 of the sweep mid-way (alone, or with its trainers in one blow), then the same command
// continues without repeating finished points (their files unchanged, the log says they were
// skipped) and resumes the killed ones; a different grid in the same folder is refused. Also the dataset warnings of
// `dataset info --json` and `predict` on a cube from the training split.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "ml/sweep.h"
#include "util/error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using fixtures::runCli;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Whether a point finished: its history has the "finished" line (final.pt alone is not enough:
/// a trainer killed between final.pt and its test evaluation leaves a run that resumes).
bool pointFinished(const QString& sweep, const QString& point)
{
    return readFile(sweep + "/" + point + "/history.jsonl").contains("\"type\":\"finished\"");
}

int finishedPoints(const QString& sweep)
{
    int n = 0;
    for (const QString& d : QDir(sweep).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        n += pointFinished(sweep, d);
    return n;
}

/// SHA-256 of each finished point's history.jsonl, metrics.json and final.pt.
QMap<QString, QByteArray> finishedHashes(const QString& sweep)
{
    QMap<QString, QByteArray> out;
    for (const QString& d : QDir(sweep).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (pointFinished(sweep, d))
            for (const char* f : {"history.jsonl", "metrics.json", "final.pt"})
                out[d + "/" + f]
                    = QCryptographicHash::hash(readFile(sweep + "/" + d + "/" + f), QCryptographicHash::Sha256);
    return out;
}

/// Points whose trainer is inside an epoch: the last line of their history is a batch line.
QStringList pointsInTraining(const QString& sweep)
{
    QStringList out;
    for (const QString& d : QDir(sweep).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QByteArray history = readFile(sweep + "/" + d + "/history.jsonl").trimmed();
        if (history.mid(history.lastIndexOf('\n') + 1).contains("\"type\":\"batch\""))
            out << d;
    }
    return out;
}

} // namespace

class TestMlSweep : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_ds;
    QStringList m_files;

    /// A 4-point sweep of 2-epoch cnn z classifiers, two trainers at a time, into `out`.
    QStringList sweepArgs(const QString& out) const
    {
        return {"sweep", "--dataset", m_ds, "--model", "cnn", "--target", "z", "--grid", "lr=1e-3,3e-3;batch=4,8",
            "--epochs", "2", "--threads", "1", "--history-every", "1", "--parallel", "2", "--out", out};
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const std::string& f : fixtures::writeSyntheticGrid(m_dir.path(), {7, 9}, {10, 30}, 4, 16))
            m_files << QString::fromStdString(f);
        m_ds = m_dir.filePath("ds.h5");
        const auto r = runCli(QStringList {"dataset", "build", "--stride", "8", "--out", m_ds, "--from"} + m_files);
        QVERIFY2(r.code == 0, r.err.constData());
    }

    void gridParsing()
    {
        const auto grid = rs::ml::parseSweepGrid("lr=1e-3,3e-3; batch=16,32;optimizer.momentum=0.5");
        QCOMPARE(grid.size(), std::size_t(3));
        const auto points = rs::ml::sweepPoints(grid);
        QCOMPARE(points.size(), std::size_t(4)); // 2 × 2 × 1
        QCOMPARE(points.front().name, std::string("lr=1e-3_batch=16_optimizer.momentum=0.5"));
        QCOMPARE(points[1].name, std::string("lr=1e-3_batch=32_optimizer.momentum=0.5"));
        const auto some = rs::ml::sweepPoints(grid, 3, 7);
        QCOMPARE(some.size(), std::size_t(3));
        QCOMPARE(rs::ml::sweepPoints(grid, 3, 7)[2].name, some[2].name); // same seed, same draw
        rs::ml::RunConfig base;
        base.datasetPath = "x.h5";
        const rs::ml::RunConfig c = rs::ml::applySweepPoint(base, points[3], "s");
        QCOMPARE(c.optimizer.lr, 3e-3);
        QCOMPARE(c.batch, std::size_t(32));
        QCOMPARE(c.optimizer.momentum, 0.5);
        QCOMPARE(c.sweep.name, std::string("s"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::ml::parseSweepGrid("speed=1,2"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::ml::parseSweepGrid("lr=1e-3,"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::ml::parseSweepGrid("lr=1;optimizer.lr=2"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::ml::applySweepPoint(base, {"b", {{"batch", "1.5"}}}, "s"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::ml::applySweepPoint(base, {"b", {{"lr", "fast"}}}, "s"));
    }

    void sweepSurvivesKillAndContinues()
    {
        const QString out = m_dir.filePath("sweep");
        const QStringList args = sweepArgs(out);
        QProcess p;
        p.start(QStringLiteral(REIONSCOPE_CLI), args);
        QVERIFY(p.waitForStarted());
        for (int i = 0; i < 12000 && finishedPoints(out) < 1 && p.state() == QProcess::Running; ++i)
            QThread::msleep(10);
        QVERIFY2(finishedPoints(out) >= 1, p.readAllStandardError().constData());
        QVERIFY2(finishedPoints(out) < 4, "the sweep finished before it could be killed; make it longer");
        p.kill(); // SIGKILL: the trainers get SIGTERM and checkpoint
        p.waitForFinished();
        // The trainers stop (their parent is gone) and release their locks; one inside its final
        // evaluation when the signal came finishes first.
        for (int i = 0; i < 3000; ++i) {
            const QJsonArray runs
                = QJsonDocument::fromJson(runCli({"runs", out, "--json"}).out).object()["runs"].toArray();
            bool busy = false;
            for (const QJsonValue& r : runs)
                busy |= r["status"].toString() == "running";
            if (!busy)
                break;
            QThread::msleep(20);
        }

        QMap<QString, QByteArray> doneBefore;
        for (const QString& d : QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (pointFinished(out, d))
                doneBefore[d] = readFile(out + "/" + d + "/history.jsonl");
        QVERIFY(doneBefore.size() < 4);
        const auto r = runCli(args);
        QVERIFY2(r.code == 0, (r.out + r.err).constData());
        QVERIFY2(r.out.contains(QByteArray::number(doneBefore.size()) + " kept"), r.out.constData());
        QCOMPARE(finishedPoints(out), 4);
        for (auto it = doneBefore.begin(); it != doneBefore.end(); ++it)
            QCOMPARE(readFile(out + "/" + it.key() + "/history.jsonl"), it.value()); // not trained again

        const auto listed = runCli({"runs", out, "--json"});
        QCOMPARE(listed.code, 0);
        const QJsonArray runs = QJsonDocument::fromJson(listed.out).object()["runs"].toArray();
        QCOMPARE(runs.size(), 4);
        for (const QJsonValue& v : runs) {
            const QJsonObject run = v.toObject();
            for (const char* key : {"path", "model", "task", "target", "epochs_done", "epochs", "finished", "metrics"})
                QVERIFY2(run.contains(key), key); // the keys it always had
            QCOMPARE(run["status"].toString(), QString("finished"));
            QCOMPARE(run["epochs_done"].toInt(), 2);
            QVERIFY(run["best_epoch"].toInt() >= 1 && run["best_epoch"].toInt() <= 2);
            QCOMPARE(run["best"].toObject()["epoch"].toInt(), run["best_epoch"].toInt());
            QCOMPARE(run["last"].toObject()["epoch"].toInt(), 2);
            QVERIFY(run["best"].toObject()["val_loss"].toDouble() <= run["last"].toObject()["val_loss"].toDouble());
            QVERIFY(run["last"].toObject().contains("val_accuracy"));
            const QJsonObject sweep = run["sweep"].toObject();
            QCOMPARE(sweep["name"].toString(), QString("sweep"));
            QVERIFY(sweep["settings"].toObject().contains("lr"));
            QVERIFY(sweep["settings"].toObject().contains("batch"));
        }

        // The same folder with another grid: refused, nothing started.
        QStringList other = args;
        other[other.indexOf("--grid") + 1] = "lr=1e-2";
        const auto refused = runCli(other);
        QVERIFY(refused.code != 0);
        QVERIFY2(refused.err.contains("holds another sweep"), refused.err.constData());
    }

    void sweepSurvivesKillOfItsTrainers()
    {
        // kill -9 of the sweep's whole process group: the trainers die with it, mid-epoch, with
        // no chance to checkpoint; the same command then skips what finished and resumes the rest.
        const QString out = m_dir.filePath("sweep-group");
        const QStringList args = sweepArgs(out);
        QProcess p;
        p.setChildProcessModifier([] { ::setsid(); }); // its own process group, as a shell job
        p.start(QStringLiteral(REIONSCOPE_CLI), args);
        QVERIFY(p.waitForStarted());
        const pid_t group = pid_t(p.processId());
        for (int i = 0; i < 12000 && p.state() == QProcess::Running; ++i) {
            if (finishedPoints(out) >= 1 && !pointsInTraining(out).isEmpty())
                break;
            QThread::msleep(10);
        }
        const QStringList killed = pointsInTraining(out);
        QVERIFY2(finishedPoints(out) >= 1 && !killed.isEmpty() && p.state() == QProcess::Running,
            "the sweep finished before it could be killed mid-way; make it longer");
        QCOMPARE(::kill(-group, SIGKILL), 0);
        p.waitForFinished();
        for (int i = 0; i < 500 && ::kill(-group, 0) == 0; ++i) // the trainers are gone too
            QThread::msleep(10);
        QVERIFY(::kill(-group, 0) != 0);

        const QMap<QString, QByteArray> before = finishedHashes(out);
        const auto r = runCli(args);
        QVERIFY2(r.code == 0, (r.out + r.err).constData());
        QCOMPARE(finishedPoints(out), 4);
        for (auto it = before.begin(); it != before.end(); ++it) {
            QCOMPARE(finishedHashes(out).value(it.key()), it.value()); // not trained again
            const QByteArray point = it.key().section('/', 0, 0).toUtf8();
            QVERIFY2(r.out.contains("] " + point + ": finished"), r.out.constData());
            QVERIFY2(!r.out.contains("] " + point + ": starting") && !r.out.contains("] " + point + ": resuming"),
                r.out.constData());
        }
        QVERIFY2(r.out.count("(kept; skipped: already finished)") == before.size() / 3, r.out.constData());
        for (const QString& point : killed) {
            QVERIFY2(r.out.contains("] " + point.toUtf8() + ": resuming after"), r.out.constData());
            QList<int> epochs;
            bool resumed = false;
            for (const rs::ml::HistoryRecord& h : rs::ml::readHistory((out + "/" + point).toStdString())) {
                resumed |= h.type == "resume";
                if (h.type == "epoch")
                    epochs << h.epoch;
            }
            QVERIFY(resumed);
            QCOMPARE(epochs, (QList<int> {1, 2})); // each epoch once, whatever the kill cut off
        }
    }

    void killedWhileFinishingIsFinishedOnResume()
    {
        // A trainer killed after final.pt and model.ts but before its test evaluation (found by
        // packaging/tools/sweep_kill_check.sh): no metrics.json, no "finished" line. Training it
        // again finishes it without training an epoch more, instead of calling it done.
        const QString run = m_dir.filePath("cut-short");
        const QStringList args {"train", "--dataset", m_ds, "--model", "cnn", "--epochs", "1", "--batch", "8",
            "--threads", "1", "--out", run};
        auto r = runCli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFile::remove(run + "/metrics.json"));
        QByteArray history = readFile(run + "/history.jsonl");
        QVERIFY(history.endsWith("\n") && history.contains("\"type\":\"finished\""));
        history.chop(1);
        history.truncate(history.lastIndexOf('\n') + 1); // the "finished" line
        QVERIFY(!history.contains("\"type\":\"finished\""));
        QFile f(run + "/history.jsonl");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(history) == history.size());
        f.close();
        QCOMPARE(QJsonDocument::fromJson(runCli({"runs", run, "--json"}).out)["runs"][0]["status"].toString(),
            QString("stopped"));

        r = runCli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(!r.out.contains("already finished"), r.out.constData());
        QVERIFY(QFile::exists(run + "/metrics.json"));
        int epochLines = 0, finishedLines = 0;
        for (const rs::ml::HistoryRecord& h : rs::ml::readHistory(run.toStdString())) {
            epochLines += h.type == "epoch";
            finishedLines += h.type == "finished";
        }
        QCOMPARE(epochLines, 1); // not trained again
        QCOMPARE(finishedLines, 1);
        QCOMPARE(QJsonDocument::fromJson(runCli({"runs", run, "--json"}).out)["runs"][0]["status"].toString(),
            QString("finished"));
        r = runCli(args); // now it is done
        QVERIFY2(r.code == 0 && (r.out + r.err).contains("already finished"), (r.out + r.err).constData());
    }

    void datasetWarningsAndLeakyPredictions()
    {
        // 4 seeds split 0.7/0.15/0.15 by simulation: 2/1/1, not what was asked, one per split.
        const auto info = runCli({"dataset", "info", m_ds, "--json"});
        QCOMPARE(info.code, 0);
        const QJsonArray warnings = QJsonDocument::fromJson(info.out).object()["warnings"].toArray();
        QStringList text;
        for (const QJsonValue& w : warnings)
            text << w.toString();
        QVERIFY2(text.filter("the validation split holds 1 simulation").size() == 1, qPrintable(text.join('\n')));
        QVERIFY2(text.filter("not the requested").size() == 1, qPrintable(text.join('\n')));

        const QString run = m_dir.filePath("leak");
        auto r = runCli({"train", "--dataset", m_ds, "--model", "cnn", "--epochs", "1", "--batch", "8", "--threads",
            "1", "--out", run});
        QVERIFY2(r.code == 0, r.err.constData());
        // A cube of the training split: its prediction comes with a warning.
        const QJsonArray cubes = QJsonDocument::fromJson(info.out).object()["cubes"].toArray();
        QString trainCube;
        for (const QJsonValue& c : cubes)
            if (c["split"].toString() == "train")
                trainCube = c["id"].toString().section('#', 0, 0);
        QVERIFY(!trainCube.isEmpty());
        r = runCli({"predict", run, trainCube, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject pred = QJsonDocument::fromJson(r.out).object()["predictions"].toArray()[0].toObject();
        const QString joined = pred["warnings"].toVariant().toStringList().join('\n');
        QVERIFY2(joined.contains("training split"), qPrintable(joined));
        QVERIFY(r.err.contains("warning:"));
    }
};

QTEST_GUILESS_MAIN(TestMlSweep)
#include "tst_ml_sweep.moc"

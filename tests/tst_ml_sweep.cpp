// `reionscope-cli sweep` as a person uses it: a grid trained with --parallel 2, each point an
// ordinary run folder (`runs --json` shows status, best and last epochs, and sweep membership);
// kill -9 of the sweep mid-way, then the same command continues without repeating finished
// points; a different grid in the same folder is refused. Also the dataset warnings of
// `dataset info --json` and `predict` on a cube from the training split.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "ml/sweep.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using fixtures::runCli;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int finishedPoints(const QString& sweep)
{
    int n = 0;
    for (const QString& d : QDir(sweep).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        n += QFile::exists(sweep + "/" + d + "/final.pt");
    return n;
}

} // namespace

class TestMlSweep : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_ds;
    QStringList m_files;

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
        const QStringList args {"sweep", "--dataset", m_ds, "--model", "cnn", "--target", "z", "--grid",
            "lr=1e-3,3e-3;batch=4,8", "--epochs", "2", "--threads", "1", "--history-every", "1", "--parallel", "2",
            "--out", out};
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
            if (QFile::exists(out + "/" + d + "/final.pt"))
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

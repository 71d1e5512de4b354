// reionscope-cli's machine-learning commands as scripts use them: dataset build/info, train (and
// resume after SIGKILL mid-epoch), evaluate --json and predict --json on a classic box.
#include "fixtures.h"
#include "ml_fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <set>

namespace {

using fixtures::runCli;
using Result = fixtures::CliResult;

QStringList gridFiles(const QString& dir)
{
    QStringList files;
    for (const std::string& f : fixtures::writeSyntheticGrid(dir, {7, 9}, {10, 30}, 4, 16))
        files << QString::fromStdString(f);
    return files;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestMlCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void buildTrainEvaluatePredict()
    {
        QTemporaryDir dir;
        const QString ds = dir.filePath("ds.h5");
        Result r
            = runCli(QStringList {"dataset", "build", "--stride", "8", "--out", ds, "--from"} + gridFiles(dir.path()));
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCli({"dataset", "info", ds, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject info = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(info["rows"].toInt(), 16);
        QCOMPARE(info["cubes"].toArray().size(), 16);

        const QString run = dir.filePath("run");
        r = runCli({"train", "--dataset", ds, "--model", "cnn", "--target", "z", "--epochs", "2", "--batch", "8",
            "--threads", "1", "--out", run});
        QVERIFY2(r.code == 0, r.err.constData());
        const QStringList lines = QString::fromUtf8(r.out).split('\n');
        QCOMPARE(lines.filter(QRegularExpression("^epoch \\d/2 ")).size(), 2); // one line per epoch

        r = runCli({"evaluate", run, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject m = QJsonDocument::fromJson(r.out).object();
        for (const char* key : {"task", "target", "classes", "accuracy", "confusion_matrix", "samples"})
            QVERIFY2(m.contains(key), key);
        QCOMPARE(m["task"].toString(), QString("classify"));
        QCOMPARE(m["classes"].toArray(), (QJsonArray {7, 9}));

        // A classic 21cmFAST δT_b box of another size: cropped, stated in the output.
        std::vector<float> box = fixtures::pattern(24 * 24 * 24, 10.0f, 25.0f);
        const QString classic = QString::fromStdString(
            fixtures::writeFloats(dir.path(), "delta_T_v3_z008.00_nf0.500000_useTs0_24_36Mpc", box));
        r = runCli({"predict", run, classic, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject p = QJsonDocument::fromJson(r.out).object()["predictions"].toArray()[0].toObject();
        for (const char* key : {"path", "label", "probabilities", "slices", "per_slice", "fit"})
            QVERIFY2(p.contains(key), key);
        QCOMPARE(p["slices"].toInt(), 24);
        QCOMPARE(p["per_slice"].toArray().size(), 24);
        QVERIFY(p["fit"].toString().contains("centre-cropped to 16x16"));
        const QJsonObject probs = p["probabilities"].toObject();
        QCOMPARE(probs.keys(), (QStringList {"7", "9"}));
        QVERIFY(qAbs(probs["7"].toDouble() + probs["9"].toDouble() - 1.0) < 1e-5);

        // A folder of another model type is refused with a clear message.
        r = runCli({"train", "--dataset", ds, "--model", "ae", "--out", run});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("is a run of model 'cnn'"), r.err.constData());
    }

    void killedMidEpochResumesWithoutLoss()
    {
        QTemporaryDir dir;
        const QString ds = dir.filePath("ds.h5");
        QCOMPARE(
            runCli(QStringList {"dataset", "build", "--stride", "1", "--out", ds, "--from"} + gridFiles(dir.path()))
                .code,
            0);
        const QString run = dir.filePath("run");
        const QStringList args {"train", "--dataset", ds, "--model", "cnn", "--target", "z", "--epochs", "4", "--batch",
            "2", "--threads", "1", "--history-every", "1", "--out", run};
        QProcess p;
        p.start(QStringLiteral(REIONSCOPE_CLI), args);
        QVERIFY(p.waitForStarted());
        // Wait until the first epoch is complete and the second is under way, then SIGKILL.
        QByteArray history;
        for (int i = 0; i < 6000; ++i) {
            history = readFile(run + "/history.jsonl");
            const int epochAt = history.indexOf("\"type\":\"epoch\"");
            if (epochAt >= 0 && history.mid(epochAt).count("\"type\":\"batch\"") >= 3)
                break;
            QThread::msleep(10);
        }
        p.kill(); // SIGKILL
        p.waitForFinished();
        history = readFile(run + "/history.jsonl");
        QVERIFY2(history.contains("\"type\":\"epoch\""), "the run never finished an epoch");
        QVERIFY(!QFile::exists(run + "/final.pt"));

        const Result r = runCli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        const QByteArray after = readFile(run + "/history.jsonl");
        // Everything up to the last checkpointed epoch is still there; the batch lines of the epoch
        // the kill interrupted are trained again and recorded once, not replayed (issue 17).
        const qsizetype lastEpoch = history.lastIndexOf("\"type\":\"epoch\"");
        QVERIFY(after.startsWith(history.left(history.indexOf('\n', lastEpoch) + 1)));
        std::multiset<int> epochs;
        std::set<std::pair<int, int>> batches;
        for (const QByteArray& line : after.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o["type"].toString() == "epoch")
                epochs.insert(o["epoch"].toInt());
            if (o["type"].toString() == "batch")
                QVERIFY2(batches.insert({o["epoch"].toInt(), o["batch"].toInt()}).second, line.constData());
        }
        QCOMPARE(epochs, (std::multiset<int> {1, 2, 3, 4})); // each epoch exactly once, counted from 1
        QVERIFY(after.contains("\"type\":\"resume\""));
        QVERIFY(QFile::exists(run + "/final.pt") && QFile::exists(run + "/metrics.json")
            && QFile::exists(run + "/model.ts"));
    }
};

QTEST_GUILESS_MAIN(TestMlCli)
#include "tst_ml_cli.moc"

// Run management in core and the CLI: display names, notes and tags in meta.json, deleting to the
// runs folder's trash and restoring, a run being trained refused, and `runs --json` with name,
// notes and tags (and its older keys).
#include "fixtures.h"

#include "ml/run_folder.h"
#include "ml/run_meta.h"
#include "ml/run_status.h"
#include "util/error.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using fixtures::runCli;
namespace fs = std::filesystem;

namespace {

/// A run folder with a config and two epochs of history (no training needed to list it).
std::string writeRun(const QString& runs, const QString& name)
{
    const std::string dir = QDir(runs).filePath(name).toStdString();
    fs::create_directories(dir);
    rs::ml::RunConfig c;
    c.datasetPath = "/data/ds.h5";
    c.epochs = 2;
    rs::ml::writeRunConfig(dir, c);
    for (int e = 1; e <= 2; ++e) {
        rs::ml::HistoryRecord r;
        r.epoch = e;
        r.valLoss = 1.0 / e;
        r.valMetric = 0.5 + 0.1 * e;
        rs::ml::appendHistory(dir, r, c.task);
    }
    return dir;
}

QJsonObject runJson(const QString& folder, const QString& path)
{
    const fixtures::CliResult r = runCli({"runs", folder, "--json"});
    for (const QJsonValue& v : QJsonDocument::fromJson(r.out).object()["runs"].toArray())
        if (v.toObject()["path"].toString() == path)
            return v.toObject();
    return {};
}

} // namespace

class TestRunManage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void metaRoundTrip()
    {
        const QString runs = m_dir.filePath(QStringLiteral("meta"));
        const std::string run = writeRun(runs, QStringLiteral("r1"));
        QVERIFY(rs::ml::readRunMeta(run).name.empty()); // no meta.json yet
        QCOMPARE(rs::ml::runDisplayName(run, {}), std::string("r1"));
        rs::ml::writeRunMeta(run, {"  baseline  ", "first try\nlr too high?", {"b", " a", "b", ""}});
        const rs::ml::RunMeta m = rs::ml::readRunMeta(run);
        QCOMPARE(m.name, std::string("baseline"));
        QCOMPARE(m.notes, std::string("first try\nlr too high?"));
        QCOMPARE(m.tags, (std::vector<std::string> {"a", "b"}));
        QCOMPARE(rs::ml::editRunTags(run, {"c"}, {"a"}).tags, (std::vector<std::string> {"b", "c"}));
        QVERIFY(fixtures::errorOf<rs::ParameterError>([&] { rs::ml::editRunTags(run, {"x,y"}, {}); }));
        QCOMPARE(rs::ml::listRuns(run).front().name, std::string("baseline")); // the display name
        QCOMPARE(rs::ml::listRuns(run).front().meta.tags.size(), std::size_t(2));
        // A damaged meta.json names itself; listing still shows the run under its folder's name.
        QFile f(QString::fromStdString(rs::ml::runMetaPath(run)));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"reionscope-run-meta\", \"tags\": 3");
        f.close();
        const auto err = fixtures::errorOf<rs::FormatError>([&] { rs::ml::readRunMeta(run); });
        QVERIFY(err && err->contains("meta.json"));
        QCOMPARE(rs::ml::listRuns(run).front().name, std::string("r1"));
        // Not a run folder: nothing written.
        QVERIFY(fixtures::errorOf<rs::FormatError>([&] { rs::ml::writeRunMeta(runs.toStdString(), {}); }));
    }

    void trashAndRestore()
    {
        const QString runs = m_dir.filePath(QStringLiteral("trash"));
        const std::string run = writeRun(runs, QStringLiteral("r1"));
        writeRun(runs, QStringLiteral("r2"));
        const std::string trashed = rs::ml::trashRun(run);
        QCOMPARE(trashed, (fs::path(runs.toStdString()) / ".trash" / "r1").string());
        QVERIFY(!fs::exists(run));
        QVERIFY(rs::ml::isRunFolder(trashed));
        QCOMPARE(rs::ml::listRuns(runs.toStdString()).size(), std::size_t(1)); // .trash is not listed
        // The same name deleted again goes beside it.
        writeRun(runs, QStringLiteral("r1"));
        const std::string second = rs::ml::trashRun(run);
        QCOMPARE(fs::path(second).filename().string(), std::string("r1-2"));
        // Restoring needs the old place free.
        writeRun(runs, QStringLiteral("r1"));
        const auto taken = fixtures::errorOf<rs::IoError>([&] { rs::ml::restoreRun(trashed); });
        QVERIFY(taken && taken->contains("already exists"));
        QVERIFY(rs::ml::isRunFolder(trashed)); // still in the trash
        fs::remove_all(run);
        QCOMPARE(rs::ml::restoreRun(second), fs::absolute(run).lexically_normal().string());
        QVERIFY(rs::ml::isRunFolder(run));
        QVERIFY(!fs::exists(fs::path(run) / "trashed.json"));
        QVERIFY(fixtures::errorOf<rs::FormatError>([&] { rs::ml::restoreRun(run); })); // not in the trash
        // A run being trained stays where it is.
        const rs::ml::RunLock lock(run);
        const auto busy = fixtures::errorOf<rs::ml::RunBusyError>([&] { rs::ml::trashRun(run); });
        QVERIFY(busy && busy->contains("being trained"));
        QVERIFY(rs::ml::isRunFolder(run));
    }

    void cli()
    {
        const QString runs = m_dir.filePath(QStringLiteral("cli"));
        const QString run = QString::fromStdString(writeRun(runs, QStringLiteral("lr-3")));
        fixtures::CliResult r = runCli({"runs", "rename", run, "small lr"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(runCli({"runs", "note", run, "looks stable"}).code, 0);
        QCOMPARE(runCli({"runs", "tag", run, "keep", "cnn", "tmp"}).code, 0);
        r = runCli({"runs", "tag", run, "tmp", "--remove"});
        QVERIFY(r.out.contains("tags cnn keep"));
        QJsonObject j = runJson(runs, run);
        QCOMPARE(j["name"].toString(), QStringLiteral("small lr"));
        QCOMPARE(j["notes"].toString(), QStringLiteral("looks stable"));
        QCOMPARE(j["tags"].toArray(), (QJsonArray {"cnn", "keep"}));
        for (const char* key : {"model", "task", "target", "epochs_done", "epochs", "finished", "status", "best_epoch"})
            QVERIFY2(j.contains(QLatin1String(key)), key); // the older keys stay
        QCOMPARE(j["best_epoch"].toInt(), 2);
        QVERIFY(runCli({"runs", runs}).out.contains("\"small lr\"  #cnn  #keep"));
        // delete → trash → restore
        r = runCli({"runs", "delete", run});
        QVERIFY2(r.code == 0, r.err.constData());
        const QString trashed = QDir(runs).filePath(QStringLiteral(".trash/lr-3"));
        QVERIFY(r.out.contains(trashed.toUtf8()));
        QVERIFY(!QFileInfo::exists(run) && QFileInfo::exists(trashed + "/trashed.json"));
        r = runCli({"runs", "restore", trashed});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(runJson(runs, run)["name"].toString(), QStringLiteral("small lr")); // meta travels with it
        // Clear messages and non-zero exits.
        r = runCli({"runs", "delete", runs + "/nothing"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("nothing") && r.err.contains("not a run folder"));
        r = runCli({"runs", "tag", run, "a,b"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("comma"));
        const rs::ml::RunLock lock(run.toStdString());
        r = runCli({"runs", "delete", run});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("being trained"), r.err.constData());
        QVERIFY(QFileInfo::exists(run + "/config.json"));
        QCOMPARE(runCli({"runs"}).code, 2); // no folder: usage
    }
};

QTEST_GUILESS_MAIN(TestRunManage)
#include "tst_run_manage.moc"

// Issue 17's findings about run folders and training, one test each: config.json before anything
// else, stale temporaries cleaned, no replayed history after a resume, a true wall_s in resume
// records, nothing appended to a finished run, resolved dataset paths, `runs` listing the good
// runs beside a damaged one, resampling refusing absurd cell sizes, and writes that hit a full
// disk (simulated with RLIMIT_FSIZE) ending in a named error with no temporary left behind.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "cube/cube.h"
#include "ml/run_folder.h"
#include "ml/slice_fit.h"
#include "ml/trainer.h"
#include "util/error.h"
#include "util/file_util.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sys/resource.h>
#include <unistd.h>

using namespace rs;
using namespace rs::ml;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A pid that no process has now (a child that has exited).
qint64 deadPid()
{
    QProcess p;
    p.start("sh", {"-c", "echo $$"});
    p.waitForFinished();
    return p.readAllStandardOutput().trimmed().toLongLong();
}

/// Every history record, in order.
std::vector<HistoryRecord> history(const std::string& run)
{
    return readHistory(run);
}

/// Writes with a file-size limit (what a full disk does to a writer): SIGXFSZ ignored, so the
/// write fails with EFBIG instead of killing the process.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_old = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_saved);
        rlimit r = m_saved;
        r.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_old);
    }

private:
    rlimit m_saved {};
    void (*m_old)(int) = nullptr;
};

bool hasTemporaries(const std::string& dir)
{
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".tmp") != std::string::npos)
            return true;
    return false;
}

} // namespace

class TestReliabilityMl : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds;

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 8);
    }

    void killedAfterHistoryLinesResumesWithoutReplay()
    {
        const std::string run = m_dir.filePath("replay").toStdString();
        RunConfig c = fixtures::tinyRunConfig(m_ds);
        c.epochs = 2;
        c.batch = 4;
        c.historyEvery = 1;
        StopToken stop;
        int seen = 0;
        train(
            run, c,
            [&](const TrainProgress& p) {
                if (p.kind == TrainProgress::Kind::Batch && ++seen == 2)
                    stop.requestStop();
            },
            stop);
        // What a kill -9 leaves: lines of batches trained after the last checkpoint (batch 2).
        HistoryRecord ghost;
        ghost.type = "batch";
        ghost.epoch = 1; // the first epoch (history epochs count from 1)
        ghost.trainLoss = 9.0;
        for (std::size_t b : {3, 4}) {
            ghost.batch = b;
            appendHistory(run, ghost, c.task);
        }
        const TrainResult r = train(run, c);
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        std::map<std::pair<int, std::size_t>, int> batchLines;
        for (const HistoryRecord& h : history(run)) {
            if (h.type == "batch") {
                const int times = ++batchLines[std::make_pair(h.epoch, h.batch)];
                QVERIFY2(
                    times == 1, qPrintable(QString("batch %1 of epoch %2 recorded twice").arg(h.batch).arg(h.epoch)));
            }
            QVERIFY(h.trainLoss != 9.0);
        }
        QVERIFY(
            batchLines.count(std::make_pair(1, std::size_t(3))) == 1); // trained again after the resume, recorded once
    }

    void resumeRecordCarriesTheRunsWallTime()
    {
        const std::string run = m_dir.filePath("wall").toStdString();
        RunConfig c = fixtures::tinyRunConfig(m_ds);
        c.epochs = 2;
        StopToken stop;
        train(
            run, c,
            [&](const TrainProgress& p) {
                if (p.kind == TrainProgress::Kind::Epoch)
                    stop.requestStop();
            },
            stop);
        double stoppedWall = -1;
        for (const HistoryRecord& h : history(run))
            if (h.type == "stopped")
                stoppedWall = h.wallSeconds;
        QVERIFY(stoppedWall >= 0);
        train(run, c);
        const std::vector<HistoryRecord> h = history(run);
        auto resume = std::find_if(h.begin(), h.end(), [](const HistoryRecord& r) { return r.type == "resume"; });
        QVERIFY(resume != h.end());
        // The checkpoint's wall time (saved just before the "stopped" line), not time since boot.
        QVERIFY2(resume->wallSeconds > 0 && std::abs(resume->wallSeconds - stoppedWall) < 2,
            qPrintable(QString("resume wall_s %1 after a stop at %2").arg(resume->wallSeconds).arg(stoppedWall)));
        // Training a finished run again appends nothing after "finished".
        const std::string before = readAll(historyPath(run));
        QCOMPARE(int(train(run, c).status), int(TrainStatus::Finished));
        QCOMPARE(readAll(historyPath(run)), before);
        QCOMPARE(history(run).back().type, std::string("finished"));
    }

    void folderLeftByAnEarlyKillIsAFreshRun()
    {
        // A kill before config.json existed (older versions: after checkpoints/ was created, or
        // while config.json was being written) must not make the folder "not a run folder".
        const std::string run = m_dir.filePath("early").toStdString();
        fs::create_directories(fs::path(run) / "checkpoints");
        const std::string stale = run + "/.config.json.tmp" + std::to_string(deadPid()) + "-42";
        std::ofstream(stale) << "{\"form";
        RunConfig c = fixtures::tinyRunConfig(m_ds);
        QCOMPARE(int(train(run, c).status), int(TrainStatus::Finished));
        QVERIFY(!fs::exists(stale));
        QVERIFY(!hasTemporaries(run));
    }

    void staleTemporariesOfLiveWritersAreKept()
    {
        QTemporaryDir dir;
        const std::string mine = dir.filePath(".a.tmp" + QString::number(getppid()) + "-1").toStdString();
        const std::string dead = dir.filePath(".b.tmp" + QString::number(deadPid()) + "-1").toStdString();
        const std::string other = dir.filePath(".c.tmpXY-1").toStdString();
        for (const std::string& p : {mine, dead, other})
            std::ofstream(p) << "x";
        QCOMPARE(removeStaleTemporaries(dir.path().toStdString()), std::size_t(1));
        QVERIFY(fs::exists(mine) && !fs::exists(dead) && fs::exists(other));
        const std::string tmp = temporaryPathFor("/x/y/config.json");
        QVERIFY(QString::fromStdString(tmp).startsWith("/x/y/.config.json.tmp" + QString::number(getpid()) + "-"));
    }

    void relativeDatasetPathIsStoredResolved()
    {
        const std::string run = m_dir.filePath("relative").toStdString();
        const fs::path cwd = fs::current_path();
        fs::current_path(m_dir.path().toStdString());
        RunConfig c = fixtures::tinyRunConfig("ds.h5");
        const TrainResult r = train(run, c);
        fs::current_path(cwd);
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        const RunConfig stored = readRunConfig(run);
        QVERIFY(fs::path(stored.datasetPath).is_absolute());
        QCOMPARE(fs::path(stored.datasetPath), fs::path(m_ds).lexically_normal());
    }

    void damagedRunsAreReportedAndTheOthersListed()
    {
        QTemporaryDir dir;
        const std::string good = dir.filePath("good").toStdString(), bad = dir.filePath("bad").toStdString();
        fs::create_directories(good);
        fs::create_directories(bad);
        writeRunConfig(good, fixtures::tinyRunConfig(m_ds));
        std::ofstream(historyPath(good)) << "{\"type\":\"epoch\",\"epoch\":\"x\"}\n{\"type\":\"epoch\",\"epoch\":0}\n";
        std::ofstream(runConfigPath(bad)) << "{\"format\": \"reionscope-run\", \"model\": 7}";
        std::vector<RunListError> errors;
        const std::vector<RunSummary> runs = listRuns(dir.path().toStdString(), &errors);
        QCOMPARE(runs.size(), std::size_t(1));
        QCOMPARE(runs[0].epochsDone, 1); // the mistyped line is skipped, the good one counted
        QCOMPARE(errors.size(), std::size_t(1));
        QCOMPARE(errors[0].path, bad);
        QVERIFY(
            QString::fromStdString(errors[0].message).startsWith(QString::fromStdString(runConfigPath(bad)) + ": "));
        QVERIFY(!parseHistoryLine("{\"batch\": -1.5e300, \"epoch\": [1]}"));
    }

    void runsCommandNamesTheDamagedRunAndListsTheOthers()
    {
        QTemporaryDir dir;
        const std::string good = dir.filePath("good").toStdString(), bad = dir.filePath("bad").toStdString();
        fs::create_directories(good);
        fs::create_directories(bad);
        writeRunConfig(good, fixtures::tinyRunConfig(m_ds));
        std::ofstream(runConfigPath(bad)) << "{ damaged";
        const fixtures::CliResult r = fixtures::runCli({"runs", dir.path(), "--json"});
        QCOMPARE(r.code, 1);
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc["runs"].toArray().size(), 1);
        QCOMPARE(doc["errors"].toArray().size(), 1);
        QCOMPARE(doc["errors"].toArray()[0].toObject()["path"].toString(), QString::fromStdString(bad));
        QVERIFY(r.err.contains("config.json: damaged run configuration"));
    }

    void resamplingRefusesAbsurdCellSizes()
    {
        Cube cube({8, 8, 8}, {1e6, 1e6, 1e6});
        cube.metadata().sourcePath = "/data/huge_box.h5";
        try {
            fitSlices(cube, {2}, 1, 16, 16, 1.5);
            QFAIL("an absurd resampling was accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).startsWith("/data/huge_box.h5: "), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(ParameterError, resampleBilinear(nullptr, 0, 4, 4, 4));
    }

    void checkpointOnAFullDiskIsANamedError()
    {
        QTemporaryDir dir;
        const std::string run = dir.filePath("full").toStdString();
        RunConfig c = fixtures::tinyRunConfig(m_ds);
        QString message;
        {
            FileSizeLimit limit(48 * 1024); // config.json fits, a checkpoint does not
            try {
                train(run, c);
            } catch (const IoError& e) {
                message = e.what();
            }
        }
        QVERIFY2(message.contains("checkpoints") && message.contains("File too large"), qPrintable(message));
        QVERIFY(isRunFolder(run)); // resumable: config.json is there
        QVERIFY(!hasTemporaries(run));
        QCOMPARE(int(train(run, c).status), int(TrainStatus::Finished)); // space again: it resumes
    }
};

QTEST_GUILESS_MAIN(TestReliabilityMl)
#include "tst_reliability_ml.moc"

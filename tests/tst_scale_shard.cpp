// Sharded jobs for clusters: `simulate` over a parameter grid split with --shard I/N covers every
// point exactly once; `dataset build --shard I/N` + `dataset merge` give the unsharded dataset
// (same content hash); the shard arithmetic and the sweep expansion on their own.
#include "fixtures.h"

#include "sim/param_grid.h"
#include "util/error.h"
#include "util/shard.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <set>

namespace {

using fixtures::runCli;
using Result = fixtures::CliResult;

} // namespace

class TestScaleShard : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shardBlocksCoverEveryItemOnce()
    {
        for (std::size_t total : {0, 1, 5, 6, 7, 100})
            for (std::size_t n : {1, 2, 3, 4, 7, 8}) {
                std::vector<int> hits(total, 0);
                for (std::size_t i = 0; i < n; ++i) {
                    const rs::Shard s = rs::parseShard(std::to_string(i) + "/" + std::to_string(n));
                    QVERIFY(s.begin(total) <= s.end(total));
                    for (std::size_t k = s.begin(total); k < s.end(total); ++k)
                        ++hits[k];
                }
                for (int h : hits)
                    QCOMPARE(h, 1);
            }
        for (const char* bad : {"4/4", "1", "a/2", "1/0", "-1/3", "2/", "/3"})
            QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::parseShard(bad));
    }

    void sweepExpandsEveryCombinationOnce()
    {
        rs::SimulationSweep s;
        s.base.dim = 8;
        s.base.boxMpc = 16;
        s.seeds = rs::parseSeedList("1-3,7");
        QCOMPARE(s.seeds, (std::vector<std::uint64_t> {1, 2, 3, 7}));
        s.zetas = {10, 20, 30};
        s.tvirs = {1e4, 5e4};
        const auto points = rs::expandSweep(s);
        QCOMPARE(points.size(), std::size_t(4 * 3 * 2));
        std::set<std::string> labels;
        std::set<std::tuple<std::uint64_t, double, double>> combos;
        for (std::size_t i = 0; i < points.size(); ++i) {
            QCOMPARE(points[i].index, i);
            labels.insert(points[i].label);
            combos.insert({points[i].params.seed, *points[i].params.zeta, *points[i].params.tVir});
        }
        QCOMPARE(labels.size(), points.size());
        QCOMPARE(combos.size(), points.size());
        QCOMPARE(points[0].label, std::string("zeta10_tvir10000_seed1"));

        s.zetas = {10, 20, 10}; // a value twice would be simulated twice
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::expandSweep(s));
        s.zetas = {10};
        s.fescs = {0.1}; // both source parameters
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::expandSweep(s));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::parseSeedList("3-1"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::parseSeedList("1,2,2"));
        QVERIFY_THROWS_EXCEPTION(rs::ParameterError, rs::parseSeedList("x"));
    }

    void shardedSimulateGridCoversEachPointOnce()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("sweep");
        const int shards = 4; // 6 points over 4 shards: blocks of 1 and 2
        std::map<int, QString> done;
        for (int i = 0; i < shards; ++i) {
            const Result r
                = runCli({"simulate", "--dim", "8", "--box", "16", "--z", "8", "--zeta", "10,20,30", "--seeds", "1-2",
                    "--threads", "1", "--shard", QString("%1/%2").arg(i).arg(shards), "--out", out, "--json"});
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
            QCOMPARE(doc["points_total"].toInt(), 6);
            for (const auto& v : doc["points"].toArray()) {
                const QJsonObject p = v.toObject();
                const int index = p["index"].toInt();
                QVERIFY2(!done.count(index), qPrintable(QString("point %1 done twice").arg(index)));
                done[index] = p["label"].toString();
                QCOMPARE(p["files"].toArray().size(), 1);
                QCOMPARE(p["parameters"].toObject()["random_seed"].toInt(), index < 3 ? 1 : 2);
            }
        }
        QCOMPARE(int(done.size()), 6);
        QCOMPARE(done.begin()->first, 0);
        QCOMPARE(done.rbegin()->first, 5);
        QStringList folders = QDir(out).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(folders.size(), 6);
        for (const auto& [index, label] : done)
            QVERIFY(folders.contains(label));

        const Result bad = runCli({"simulate", "--dim", "8", "--box", "16", "--z", "8", "--zeta", "10,20", "--shard",
            "2/2", "--out", dir.filePath("bad")});
        QVERIFY(bad.code != 0);
        QVERIFY2(bad.err.contains("shard"), bad.err.constData());
    }

    void shardedDatasetBuildMergesToTheSameDataset()
    {
        QTemporaryDir dir;
        const QString sims = dir.filePath("sims");
        Result r = runCli({"simulate", "--dim", "16", "--box", "24", "--z", "8", "--zeta", "10,30", "--seeds", "1-3",
            "--threads", "1", "--quiet", "--out", sims});
        QVERIFY2(r.code == 0, r.err.constData());
        // 3x3 patches: 36-byte samples, so the content hash depends on how samples are cut into
        // hash calls, and 1200 samples per cube flush mid-cube: the merge must replay both.
        const QStringList build {
            "dataset", "build", "--from", sims, "--mode", "patches", "--patch", "3", "--split-seed", "5"};
        r = runCli(build + QStringList {"--out", dir.filePath("whole.h5")});
        QVERIFY2(r.code == 0, r.err.constData());
        QStringList shards;
        for (int i = 0; i < 4; ++i) { // 6 source cubes over 4 shards
            shards << dir.filePath(QString("part%1.h5").arg(i));
            r = runCli(build + QStringList {"--shard", QString("%1/4").arg(i), "--out", shards.back()});
            QVERIFY2(r.code == 0, r.err.constData());
        }
        r = runCli({"dataset", "info", shards[0]});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("dataset merge"), r.err.constData());
        r = runCli(QStringList {"dataset", "merge", shards[3], shards[1], shards[0]}
            + QStringList {"--out", dir.filePath("m.h5")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("shard 2 of 4 missing"), r.err.constData());
        r = runCli(
            QStringList {"dataset", "merge", shards[0], shards[0]} + QStringList {"--out", dir.filePath("m.h5")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("again"), r.err.constData());

        r = runCli(QStringList {
            "dataset", "merge", shards[2], shards[0], shards[3], shards[1], "--out", dir.filePath("merged.h5")});
        QVERIFY2(r.code == 0, r.err.constData());
        const Result a = runCli({"dataset", "info", dir.filePath("whole.h5"), "--json"});
        const Result b = runCli({"dataset", "info", dir.filePath("merged.h5"), "--json"});
        QVERIFY(a.code == 0 && b.code == 0);
        QJsonObject wa = QJsonDocument::fromJson(a.out).object(), wb = QJsonDocument::fromJson(b.out).object();
        QCOMPARE(wa["samples"].toInt(), 6 * 3 * 16 * 25);
        QCOMPARE(wb["content_hash"].toString(), wa["content_hash"].toString());
        wa.remove("path");
        wb.remove("path");
        QCOMPARE(wb, wa); // splits, cubes, normalisation: everything but the file name
        QVERIFY(wa["observe"].isNull());

        // Observed shards (--observe): each carries the telescope options, the merge keeps them and
        // `dataset info` prints them (text and JSON).
        const QStringList observed {"dataset", "build", "--from", sims, "--observe", "ska-low", "--hours", "500"};
        QStringList parts;
        for (int i = 0; i < 2; ++i) {
            parts << dir.filePath(QString("obs%1.h5").arg(i));
            r = runCli(observed + QStringList {"--shard", QString("%1/2").arg(i), "--out", parts.back()});
            QVERIFY2(r.code == 0, r.err.constData());
        }
        r = runCli(QStringList {"dataset", "merge"} + parts + QStringList {"--out", dir.filePath("observed.h5")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.out.contains("observed    ska-low, 500 h, noise on, wedge off"), r.out.constData());
        r = runCli({"dataset", "info", dir.filePath("observed.h5"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object()["observe"].toObject();
        QCOMPARE(o["telescope"].toString(), QString("ska-low"));
        QCOMPARE(o["hours"].toDouble(), 500.0);
        QCOMPARE(o["wedge"].toBool(), false);
        QCOMPARE(o["seed"].toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestScaleShard)
#include "tst_scale_shard.moc"

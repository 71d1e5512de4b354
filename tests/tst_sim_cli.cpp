// reionscope-cli simulate / stats / demo-data / bench sim, as scripts use them.
#include "fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

using fixtures::runCli;
using Result = fixtures::CliResult;

QStringList simulateArgs(const QString& out)
{
    return {
        "simulate", "--dim", "32", "--box", "48", "--z", "8,9", "--zeta", "20", "--seed", "2", "--out", out, "--json"};
}

} // namespace

class TestSimCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void simulateThenStats()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("run");
        const Result r = runCli(simulateArgs(out));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        const QJsonArray zs = doc["redshifts"].toArray();
        QCOMPARE(zs.size(), 2);
        const double nf8 = zs[0].toObject()["neutral_fraction"].toDouble();
        QVERIFY(nf8 > 0.0 && nf8 < 1.0);
        QCOMPARE(doc["files"].toArray().size(), 2);
        QCOMPARE(doc["parameters"].toObject()["random_seed"].toInt(), 2);

        const Result s = runCli({"stats", out, "--json", "--histogram", "16"});
        QVERIFY2(s.code == 0, s.err.constData());
        const QJsonObject st = QJsonDocument::fromJson(s.out).object();
        const QJsonArray cubes = st["cubes"].toArray();
        QCOMPARE(cubes.size(), 6);
        for (const auto& v : cubes) {
            const QJsonObject c = v.toObject();
            QVERIFY(c.contains("stats") && c.contains("parameters")); // everything `info` prints
            const QJsonObject ps = c["power_spectrum"].toObject();
            const int n = ps["k"].toArray().size();
            QVERIFY(n > 3);
            QCOMPARE(ps["delta2"].toArray().size(), n);
            QCOMPARE(ps["modes"].toArray().size(), n);
            QCOMPARE(c["histogram"].toObject()["counts"].toArray().size(), 16);
        }
        const QJsonArray series = st["series"].toArray();
        QCOMPARE(series.size(), 1);
        const QJsonObject s0 = series[0].toObject();
        QCOMPARE(s0["redshift"].toArray(), (QJsonArray {8.0, 9.0}));
        QVERIFY(std::abs(s0["neutral_fraction"].toArray()[0].toDouble() - nf8) < 1e-6);
        QVERIFY(s0["mean_brightness_temperature_mk"].toArray()[1].toDouble() > 0);
    }

    void badParametersNameTheParameter_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("N < 8") << QStringList {"--dim", "4", "--box", "48", "--z", "8", "--zeta", "20"} << "dim";
        QTest::newRow("L <= 0") << QStringList {"--dim", "32", "--box", "-5", "--z", "8", "--zeta", "20"} << "box";
        QTest::newRow("z < 0") << QStringList {"--dim", "32", "--box", "48", "--z", "8,-1", "--zeta", "20"} << "z";
        QTest::newRow("zeta <= 0") << QStringList {"--dim", "32", "--box", "48", "--z", "8", "--zeta", "0"} << "zeta";
        QTest::newRow("bad filter") << QStringList {"--dim", "32", "--box", "48", "--z", "8", "--zeta", "20",
            "--filter", "box"} << "filter";
        QTest::newRow("bad format") << QStringList {"--dim", "32", "--box", "48", "--z", "8", "--zeta", "20",
            "--format", "tiff"} << "format";
        QTest::newRow("zeta and fesc") << QStringList {"--dim", "32", "--box", "48", "--z", "8", "--zeta", "20",
            "--fesc", "0.1"} << "fesc";
    }
    void badParametersNameTheParameter()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        const Result r = runCli(QStringList {"simulate"} + args + QStringList {"--out", dir.filePath("x")});
        QVERIFY(r.code != 0);
        QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
        QVERIFY(!QFileInfo::exists(dir.filePath("x"))); // refused before any work
    }

    void classicFormatAndDemoData()
    {
        QTemporaryDir dir;
        const Result r = runCli({"simulate", "--dim", "32", "--box", "48", "--z", "8", "--fesc", "0.08", "--format",
            "classic", "--velocities", "--out", dir.filePath("c"), "--quiet"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(QDir(dir.filePath("c/seed1")).entryList(QDir::Files).size(), 3);
        QCOMPARE(QDir(dir.filePath("c/seed1")).entryList({"delta_T_v3_z008.00_*"}, QDir::Files).size(), 1);
        const Result d = runCli({"demo-data", "--out", dir.filePath("demo"), "--quiet"});
        QVERIFY2(d.code == 0, d.err.constData());
        QCOMPARE(QDir(dir.filePath("demo")).entryList({"*.h5"}, QDir::Files).size(), 48);
        QVERIFY(QFileInfo::exists(dir.filePath("demo/.reionscope-demo.json")));
    }

    void ionizeGivenDensity()
    {
        // A density box written by simulate (classic raw format), ionized again: constant ζ gives the
        // simulate run's own x_HI, v2 writes its parameters where `info` shows them.
        QTemporaryDir dir;
        const Result s = runCli({"simulate", "--dim", "32", "--box", "48", "--z", "8", "--zeta", "20", "--format",
            "classic", "--out", dir.filePath("c"), "--quiet", "--json"});
        QVERIFY2(s.code == 0, s.err.constData());
        const double nfSim = QJsonDocument::fromJson(s.out)
                                 .object()["redshifts"]
                                 .toArray()[0]
                                 .toObject()["neutral_fraction"]
                                 .toDouble();
        const QStringList dens = QDir(dir.filePath("c/seed1")).entryList({"updated_smoothed_deltax_*"}, QDir::Files);
        QCOMPARE(dens.size(), 1);
        const QString density = dir.filePath("c/seed1/" + dens.front());
        const Result r = runCli({"ionize", "--density", density, "--zeta", "20", "--out", dir.filePath("i"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc["redshift"].toDouble(), 8.0); // from the classic name
        QVERIFY2(std::abs(doc["neutral_fraction"].toDouble() - nfSim) < 1e-6, r.out.constData());
        QCOMPARE(doc["files"].toArray().size(), 1);

        const Result v = runCli({"ionize", "--density", density, "--sources", "v2", "--fesc", "0.2", "--z-start", "10",
            "--out", dir.filePath("v"), "--json"});
        QVERIFY2(v.code == 0, v.err.constData());
        const QJsonObject vp = QJsonDocument::fromJson(v.out).object()["parameters"].toObject();
        QCOMPARE(vp["sources"].toString(), QString("v2"));
        QCOMPARE(vp["f_esc10"].toDouble(), 0.2); // --fesc means F_ESC10 with v2
        QCOMPARE(vp["alpha_star"].toDouble(), 0.5);
        QCOMPARE(vp["recombinations"].toBool(), true);
        const QString file = QJsonDocument::fromJson(v.out).object()["files"].toArray()[0].toString();
        const Result info = runCli({"info", file, "--json"});
        QVERIFY2(info.code == 0, info.err.constData());
        QVERIFY2(info.out.contains("\"m_turn\"") && info.out.contains("\"t_star\""), info.out.constData());

        const Result missing
            = runCli({"ionize", "--density", dir.filePath("nope"), "--zeta", "20", "--out", dir.filePath("m")});
        QVERIFY(missing.code != 0);
        QVERIFY2(QString::fromUtf8(missing.err).contains(dir.filePath("nope")), missing.err.constData());
        const Result both
            = runCli({"ionize", "--density", density, "--sources", "v2", "--zeta", "20", "--out", dir.filePath("b")});
        QVERIFY(both.code != 0);
        QVERIFY2(QString::fromUtf8(both.err).contains("zeta"), both.err.constData());
    }

    void benchRunsQuick()
    {
        // Only that the benchmark command works and reports its fields (timings are not asserted).
        const Result r = runCli({"bench", "sim", "--quick", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray rows = QJsonDocument::fromJson(r.out).object()["results"].toArray();
        QCOMPARE(rows.size(), 4); // 64^3 one and four z, the fast path, the v2 history
        QCOMPARE(rows[2].toObject()["variant"].toString(), QString("fast"));
        QCOMPARE(rows[3].toObject()["variant"].toString(), QString("v2"));
        for (const auto& v : rows) {
            const QJsonObject row = v.toObject();
            QVERIFY(row["ok"].toBool());
            for (const char* key : {"wall_s", "initial_conditions_s", "evolution_s", "ionization_s", "brightness_s"})
                QVERIFY2(row[key].toDouble() >= 0.0 && row.contains(key), key);
            QVERIFY(row["peak_rss_bytes"].toDouble() > row["cube_bytes"].toDouble());
        }
    }
};

QTEST_GUILESS_MAIN(TestSimCli)
#include "tst_sim_cli.moc"

// reionscope-cli stats (every statistic, --cross, --units), compare and observe, as scripts use
// them: JSON shapes, agreement of a run with itself, and one clear error per bad input.
#include "fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

using fixtures::runCli;
using Result = fixtures::CliResult;

/// A small simulated run (density, x_HI, δT_b at z 8 and 9) in `dir`/run; returns its folder.
QString simulateRun(const QTemporaryDir& dir, const QString& name, const QString& dim)
{
    const QString out = dir.filePath(name);
    const Result r
        = runCli({"simulate", "--dim", dim, "--box", "48", "--z", "8,9", "--zeta", "20", "--out", out, "--quiet"});
    if (r.code != 0)
        qFatal("simulate failed: %s", r.err.constData());
    return out;
}

QString firstFile(const QString& folder, const QString& pattern)
{
    const QStringList files = QDir(folder).entryList({pattern}, QDir::Files, QDir::Name);
    return files.isEmpty() ? QString() : QDir(folder).filePath(files.front());
}

} // namespace

class TestStatsCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_run = simulateRun(m_dir, "run", "24");
    }

    void statsJsonHasEveryStatistic()
    {
        const Result r = runCli({"stats", m_run, "--json", "--rays", "20000"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray cubes = QJsonDocument::fromJson(r.out).object()["cubes"].toArray();
        QCOMPARE(cubes.size(), 6);
        int bubbles = 0;
        for (const auto& v : cubes) {
            const QJsonObject c = v.toObject();
            const QJsonObject ps = c["power_spectrum"].toObject();
            for (const char* key : {"k", "delta2", "error", "modes", "power"})
                QVERIFY2(ps[key].toArray().size() == ps["k"].toArray().size() && !ps["k"].toArray().isEmpty(), key);
            const QJsonObject p2 = c["power_spectrum_2d"].toObject();
            QCOMPARE(p2["power"].toArray().size(), p2["k_perp"].toArray().size());
            QCOMPARE(p2["power"].toArray()[0].toArray().size(), p2["k_par"].toArray().size());
            const QJsonObject pdf = c["pdf"].toObject();
            QCOMPARE(pdf["bins"].toArray().size(), pdf["counts"].toArray().size());
            QVERIFY(std::abs(pdf["mean"].toDouble() - c["stats"].toObject()["mean"].toDouble()) < 1e-5);
            for (const char* key : {"variance", "skewness", "kurtosis"})
                QVERIFY2(pdf.contains(key), key);
            if (c["quantity"].toString() != "neutral_fraction") {
                QVERIFY(!c.contains("bubble_sizes"));
                continue;
            }
            ++bubbles;
            const QJsonObject mfp = c["bubble_sizes"].toObject()["mfp"].toObject();
            const QJsonObject fof = c["bubble_sizes"].toObject()["fof"].toObject();
            QCOMPARE(mfp["r_mpc"].toArray().size(), mfp["r_dp_dr"].toArray().size());
            QVERIFY(mfp["mean_mpc"].toDouble() > 0);
            QVERIFY(fof["largest_mpc3"].toDouble() > 0);
            QCOMPARE(fof["largest_mpc3"].toDouble(), fof["volumes_mpc3"].toArray()[0].toDouble());
        }
        QCOMPARE(bubbles, 2);
    }

    void unitsPerH()
    {
        const QString xh = firstFile(m_run, "*z008.00*");
        const Result a = runCli({"stats", xh, "--json", "--rays", "1000"});
        const Result b = runCli({"stats", xh, "--json", "--rays", "1000", "--units", "h-mpc", "--hubble", "0.7"});
        QVERIFY2(a.code == 0 && b.code == 0, b.err.constData());
        const QJsonObject pa
            = QJsonDocument::fromJson(a.out).object()["cubes"].toArray()[0].toObject()["power_spectrum"].toObject();
        const QJsonObject pb
            = QJsonDocument::fromJson(b.out).object()["cubes"].toArray()[0].toObject()["power_spectrum"].toObject();
        QCOMPARE(pb["k_units"].toString(), QString("h/Mpc"));
        QVERIFY(std::abs(pb["k"].toArray()[2].toDouble() * 0.7 / pa["k"].toArray()[2].toDouble() - 1) < 1e-12);
        QCOMPARE(pb["delta2"].toArray()[2].toDouble(), pa["delta2"].toArray()[2].toDouble());
        const Result bad = runCli({"stats", xh, "--units", "furlongs"});
        QVERIFY(bad.code != 0);
    }

    void crossWantsOneCubePerFileAndCompareCrossesGrids()
    {
        const QString f = firstFile(m_run, "*z009.00*");
        // The file holds three cubes: --cross wants one cube per file.
        const Result several = runCli({"stats", "--cross", f, f, "--json"});
        QCOMPARE(several.code, 1);
        QVERIFY(several.err.contains("error: ") && several.err.contains(f.toUtf8()));
        QTemporaryDir other;
        const QString small = simulateRun(other, "small", "16");
        const QString a = firstFile(m_run, "*z008.00*"), b = firstFile(small, "*z008.00*");
        const Result grids = runCli({"compare", a, b, "--json"});
        QVERIFY2(grids.code == 0, grids.err.constData());
        const QJsonArray pairs = QJsonDocument::fromJson(grids.out).object()["pairs"].toArray();
        QCOMPARE(pairs.size(), 3);
        for (const auto& p : pairs) {
            QVERIFY(!p.toObject()["same_grid"].toBool());
            QVERIFY(p.toObject()["cross_r"].isNull());
        }
    }

    void compareRunWithItself()
    {
        const Result r = runCli({"compare", m_run, m_run, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        const QJsonArray pairs = doc["pairs"].toArray();
        QCOMPARE(pairs.size(), 6);
        for (const auto& v : pairs) {
            const QJsonObject p = v.toObject();
            QCOMPARE(p["ks_distance"].toDouble(), 0.0);
            QVERIFY(std::abs(p["median_ratio"].toDouble() - 1) < 1e-12);
            QCOMPARE(p["mean_a"].toDouble(), p["mean_b"].toDouble());
            if (p["quantity"].toString() == "neutral_fraction")
                QCOMPARE(p["same_side_fraction"].toDouble(), 1.0);
            for (const auto& r : p["cross_r"].toArray())
                QVERIFY(std::abs(r.toDouble() - 1) < 1e-5);
        }
        QVERIFY(doc["only_a"].toArray().isEmpty() && doc["only_b"].toArray().isEmpty());
        const Result missing = runCli({"compare", m_run, m_dir.filePath("nowhere")});
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.startsWith("error: ") && missing.err.contains("nowhere"));
    }

    void observeWritesANoisyCube()
    {
        const QString in = firstFile(m_run, "*z008.00*");
        const QString out = m_dir.filePath("observed.h5");
        const Result r = runCli(
            {"observe", in, "--telescope", "ska-low", "--hours", "100", "--wedge", "on", "--out", out, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QVERIFY(doc["noise_rms_mk"].toDouble() > 0);
        QVERIFY(doc["beam_fwhm_mpc"].toDouble() > 0);
        const Result info = runCli({"info", out, "--json"});
        QVERIFY2(info.code == 0, info.err.constData());
        const QJsonObject c = QJsonDocument::fromJson(info.out).object()["cubes"].toArray()[0].toObject();
        QCOMPARE(c["quantity"].toString(), QString("brightness_temperature"));
        QCOMPARE(c["parameters"].toObject()["telescope"].toString(), QString("ska-low"));
        QVERIFY(std::abs(c["stats"].toObject()["mean"].toDouble()) < 1e-3); // no channel means
        const Result bad = runCli({"observe", in, "--out", m_dir.filePath("observed.txt")});
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.contains(".h5"));
    }

private:
    QTemporaryDir m_dir;
    QString m_run;
};

QTEST_GUILESS_MAIN(TestStatsCli)
#include "tst_stats_cli.moc"

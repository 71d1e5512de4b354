// Lightcones from coeval snapshots (core/cube/lightcone.h) and the CLI around lightcones:
// `reionscope-cli lightcone`, `info --json` on lightcones and halo catalogues, never-silent paths.
#include "fixtures.h"

#include "cube/cube_stats.h"
#include "cube/lightcone.h"
#include "io/cube_loader.h"
#include "io/reionscope_h5.h"
#include "util/error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace rs;

namespace {

/// A 8 x 8 x 16 snapshot (cell 2 Mpc) at z whose voxel (i, j, k) is value(k).
Cube snapshot(double z, const std::function<float(std::size_t)>& value)
{
    CubeMetadata m;
    m.quantity = Quantity::BrightnessTemperature;
    m.redshift = z;
    Cube c({8, 8, 16}, {16.0, 16.0, 32.0}, m);
    float* d = c.mutableData();
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        d[i] = value(i % 16);
    return c;
}

std::vector<LightconeSnapshot> constantSnapshots(const std::vector<double>& zs)
{
    std::vector<LightconeSnapshot> out;
    for (double z : zs)
        out.push_back({z, [z] { return snapshot(z, [z](std::size_t) { return float(z); }); }});
    return out;
}

QString dataDir()
{
    return QStringLiteral(REIONSCOPE_DATA_DIR);
}

} // namespace

class TestLightconeBuild : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void interpolatesInComovingDistance()
    {
        // Snapshots holding their own z: each slice must hold the distance-weighted mix of the two
        // bracketing redshifts, which for a value linear in z is close to (not equal to) its own z.
        const Cube lc = buildLightcone(constantSnapshots({7.0, 8.0, 9.0}));
        const LightconeAxis& a = *lc.metadata().lightcone;
        QCOMPARE(lc.metadata().kind, FieldKind::Lightcone);
        QCOMPARE(lc.shape()[0], std::size_t(8));
        QCOMPARE(a.redshifts.size(), lc.shape()[2]);
        QVERIFY(std::abs(a.redshifts.front() - 7.0) < 1e-9);
        QVERIFY(a.redshifts.back() <= 9.0 && a.redshifts.back() > 9.0 - 0.01);
        const ComovingDistance dc;
        for (std::size_t k = 0; k < a.redshifts.size(); k += 37) {
            QVERIFY(std::abs(a.distances[k] - (a.distances[0] + 2.0 * double(k))) < 1e-9);
            const double z = a.redshifts[k];
            const double zA = z < 8.0 ? 7.0 : 8.0, zB = zA + 1.0;
            const double w = (dc.distance(z) - dc.distance(zA)) / (dc.distance(zB) - dc.distance(zA));
            QVERIFY(std::abs(lc.at(3, 5, k) - float(zA + w)) < 1e-5);
        }
        QCOMPARE(a.nodeRedshifts, (std::vector<double> {7.0, 8.0, 9.0}));
        QCOMPARE(a.globals.at("brightness_temperature").at(1), 8.0);
    }

    void takesThePlaneAtTheSlicesDistance()
    {
        // Each snapshot's plane k holds k: slice k of the lightcone comes from plane round(d/Δ) mod N.
        std::vector<LightconeSnapshot> s;
        for (double z : {7.0, 7.5})
            s.push_back({z, [z] { return snapshot(z, [](std::size_t k) { return float(k); }); }});
        const Cube lc = buildLightcone(std::move(s));
        const auto& d = lc.metadata().lightcone->distances;
        for (std::size_t k = 0; k < d.size(); ++k)
            QCOMPARE(lc.at(0, 0, k), float(std::llround(d[k] / 2.0) % 16));
    }

    void rangeAndMismatchesAreErrors()
    {
        QVERIFY_THROWS_EXCEPTION(ParameterError, buildLightcone(constantSnapshots({8.0})));
        LightconeOptions o;
        o.zMax = 9.5;
        QVERIFY_THROWS_EXCEPTION(ParameterError, buildLightcone(constantSnapshots({7.0, 9.0}), o));
        o.zMax = 7.5;
        o.zMin = 8.0;
        QVERIFY_THROWS_EXCEPTION(ParameterError, buildLightcone(constantSnapshots({7.0, 9.0}), o));
        std::vector<LightconeSnapshot> s = constantSnapshots({7.0});
        s.push_back({8.0, [] { return Cube({8, 8, 8}, {16, 16, 16}); }});
        QVERIFY_THROWS_EXCEPTION(FormatError, buildLightcone(std::move(s)));
    }

    void roundTripThroughReionScopeH5()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("lc.h5").toStdString();
        const Cube lc = buildLightcone(constantSnapshots({7.0, 8.0}));
        writeReionScopeH5(path, {lc});
        const auto entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(1));
        QCOMPARE(entries[0].kind, FieldKind::Lightcone);
        QCOMPARE(entries[0].lightcone->redshifts, lc.metadata().lightcone->redshifts);
        QCOMPARE(entries[0].lightcone->globals.at("brightness_temperature").size(), std::size_t(2));
        QVERIFY(!entries[0].parameters.count("los_redshifts"));
        const Cube back = loadEntry(entries[0]);
        QCOMPARE(back.at(1, 2, 40), lc.at(1, 2, 40));
        // h5py reads it with obvious names.
        QProcess p;
        p.start("/usr/bin/python3",
            {"-c",
                "import h5py,sys; f=h5py.File(sys.argv[1]); d=f['cubes'][list(f['cubes'])[0]]; "
                "print(d.shape[2], d.attrs['kind'], len(d.attrs['los_redshifts']))",
                QString::fromStdString(path)});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.readAllStandardOutput().trimmed(),
            QByteArray::number(qulonglong(lc.shape()[2])) + " lightcone "
                + QByteArray::number(qulonglong(lc.shape()[2])));
    }

    // ---- CLI -----------------------------------------------------------------------------------
    void cliBuildsFromAClassicRun()
    {
        const QString zeta20 = dataDir() + "/21cmfast-calibration/zeta20";
        if (!QDir(zeta20).exists())
            QSKIP("the calibration folder is absent; skipping");
        QTemporaryDir dir;
        const QString out = dir.filePath("lc.h5");
        auto r
            = fixtures::runCli({"lightcone", zeta20, "--quantity", "neutral_fraction", "--zmin", "7.2", "--out", out});
        QVERIFY2(r.code == 0, r.err.constData());
        r = fixtures::runCli({"info", "--json", out});
        QCOMPARE(r.code, 0);
        const QJsonObject c = QJsonDocument::fromJson(r.out).object()["cubes"].toArray()[0].toObject();
        QCOMPARE(c["kind"].toString(), QString("lightcone"));
        QCOMPARE(c["quantity"].toString(), QString("neutral_fraction"));
        const QJsonArray z = c["redshift_range"].toArray();
        QVERIFY(std::abs(z[0].toDouble() - 7.2) < 1e-9 && z[1].toDouble() <= 10.0 && z[1].toDouble() > 9.98);
        const QJsonArray nu = c["frequency_range_mhz"].toArray();
        QVERIFY(std::abs(nu[1].toDouble() - 1420.405751768 / 8.2) < 1e-6);
        QCOMPARE(c["shape"].toArray()[0].toInt(), 64);
        QVERIFY(c["stats"].toObject()["mean"].toDouble() > 0.13 && c["stats"].toObject()["mean"].toDouble() < 0.89);
    }

    void cliRefusesSeveralRunsAndEmptyInputs()
    {
        const QString calib = dataDir() + "/21cmfast-calibration";
        if (!QDir(calib).exists())
            QSKIP("the calibration folder is absent; skipping");
        QTemporaryDir dir;
        auto r
            = fixtures::runCli({"lightcone", calib, "--quantity", "neutral_fraction", "--out", dir.filePath("x.h5")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("runs (") && r.err.contains("ζ=20"), r.err.constData());
        r = fixtures::runCli({"lightcone", dir.path(), "--out", dir.filePath("y.h5")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(dir.path().toUtf8()), r.err.constData());
    }

    void simulateWritesALightcone()
    {
        QTemporaryDir dir;
        auto r = fixtures::runCli({"simulate", "--dim", "16", "--box", "24", "--z", "7,8", "--zeta", "20", "--out",
            dir.filePath("sim"), "--lightcone", "--quiet"});
        QVERIFY2(r.code == 0, r.err.constData());
        r = fixtures::runCli({"info", "--json", dir.filePath("sim/lightcone_brightness_temperature.h5")});
        QCOMPARE(r.code, 0);
        const QJsonObject c = QJsonDocument::fromJson(r.out).object()["cubes"].toArray()[0].toObject();
        QCOMPARE(c["kind"].toString(), QString("lightcone"));
        QCOMPARE(c["quantity"].toString(), QString("brightness_temperature"));
        QVERIFY(std::abs(c["redshift_range"].toArray()[0].toDouble() - 7.0) < 1e-9);
        r = fixtures::runCli({"simulate", "--dim", "16", "--box", "24", "--z", "7", "--zeta", "20", "--out",
            dir.filePath("one"), "--lightcone", "--quiet"});
        QCOMPARE(r.code, 2); // bad usage: checked before any work
        QVERIFY(r.err.contains("two redshifts"));
    }

    void infoOnRealLightconeAndEmptyFolder()
    {
        const QString lc = dataDir() + "/py21cmfast/v3/lightcone/LightCone_z7.0_247e5848fc1c76f1eb7217966aae343d_r2.h5";
        if (!QFileInfo::exists(lc))
            QSKIP("the py21cmfast folder is absent; skipping");
        auto r = fixtures::runCli({"info", "--json", lc});
        QCOMPARE(r.code, 0);
        const QJsonArray cubes = QJsonDocument::fromJson(r.out).object()["cubes"].toArray();
        QCOMPARE(cubes.size(), 3);
        for (const auto& v : cubes) {
            const QJsonObject c = v.toObject();
            QCOMPARE(c["kind"].toString(), QString("lightcone"));
            QCOMPARE(c["shape"].toArray()[2].toInt(), 309);
            QVERIFY(std::abs(c["redshift_range"].toArray()[0].toDouble() - 7.0) < 1e-5);
            QVERIFY(c["global_quantities"].toObject().contains("xH_box"));
        }
        QTemporaryDir empty;
        r = fixtures::runCli({"info", empty.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no cube files"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestLightconeBuild)
#include "tst_lightcone_build.moc"

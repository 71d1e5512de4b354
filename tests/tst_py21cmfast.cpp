// Today's py21cmfast output (v3.4 and v4.2): every real file under shared/data opens with the right
// quantity, redshift, shape, box and mean; lightcones (v3 real, v4 in the layout of the real
// dump), spin-temperature boxes and halo catalogues written by h5py in py21cmfast's layout; the
// comoving distance ↔ redshift conversion; catalogs of cache folders.
#include "fixtures.h"

#include "catalog/catalog.h"
#include "cube/comoving.h"
#include "cube/cube_stats.h"
#include "io/cube_loader.h"
#include "io/halo_catalog.h"
#include "util/error.h"

#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace rs;

namespace {

QString dataDir()
{
    return QStringLiteral(REIONSCOPE_DATA_DIR);
}

#define REQUIRE_DATA(var)                                                                                              \
    const QString var = dataDir();                                                                                     \
    if (!QDir(var + "/py21cmfast").exists())                                                                           \
        QSKIP("the real data folder is absent (configure with -DREIONSCOPE_DATA_DIR=...); skipping");

const CubeEntry* findEntry(const std::vector<CubeEntry>& entries, const std::string& dataset)
{
    for (const CubeEntry& e : entries)
        if (e.dataset == dataset)
            return &e;
    return nullptr;
}

} // namespace

class TestPy21cmfast : public QObject {
    Q_OBJECT

    QTemporaryDir m_fixtures;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fixtures.isValid());
        QProcess p;
        QStringList args {QStringLiteral(REIONSCOPE_FIXTURE_SCRIPT), m_fixtures.path()};
        const QString v4 = dataDir() + "/py21cmfast/v4/coeval/Coeval_z8.0_r1.h5";
        if (QFileInfo::exists(v4))
            args << v4;
        p.start("/usr/bin/python3", args);
        QVERIFY2(p.waitForFinished(120000), "fixture script did not finish");
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    }

    // ---- comoving distance ------------------------------------------------------------------
    void comovingDistanceMatchesPy21cmfast()
    {
        const ComovingDistance dc;
        // The real v3 lightcone starts at z = 7 (its root attribute) at 8811.7432801 Mpc.
        QVERIFY2(
            std::abs(dc.distance(7.0) - 8811.7432801) < 0.01, qPrintable(QString::number(dc.distance(7.0), 'f', 4)));
        for (double z : {0.01, 0.5, 3.0, 7.0, 8.5, 20.0, 35.0})
            QVERIFY(std::abs(dc.redshift(dc.distance(z)) - z) < 1e-9);
        QCOMPARE(dc.distance(0.0), 0.0);
        QVERIFY(std::abs(frequencyMhz(8.0) - 157.8228613) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(ParameterError, dc.redshift(-1.0));
        BackgroundCosmology bad;
        bad.omegaM = 0;
        QVERIFY_THROWS_EXCEPTION(ParameterError, ComovingDistance {bad});
    }

    // ---- real files -------------------------------------------------------------------------
    void realFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<QString>("quantity");
        QTest::addColumn<double>("z");
        QTest::addColumn<int>("nLos");
        QTest::addColumn<double>("mean");
        QTest::addColumn<double>("tolerance");
        const QString c3 = "py21cmfast/v3/coeval/";
        QTest::newRow("v3 BrightnessTemp z8") << c3 + "BrightnessTemp_cbc76d384d4aa1074b8f8e3d008d9730_r1.h5"
                                              << "BrightnessTemp/brightness_temp"
                                              << "brightness_temperature" << 8.0 << 16 << 12.9336 << 1e-4;
        QTest::newRow("v3 BrightnessTemp z9") << c3 + "BrightnessTemp_fb2027471b5d5052c6def1894b04b780_r1.h5"
                                              << "BrightnessTemp/brightness_temp"
                                              << "brightness_temperature" << 9.0 << 16 << 19.1499 << 1e-4;
        QTest::newRow("v3 IonizedBox z8") << c3 + "IonizedBox_72529983c2522a657c5d3e89f30a119f_r1.h5"
                                          << "IonizedBox/xH_box"
                                          << "neutral_fraction" << 8.0 << 16 << 0.590072 << 1e-6;
        QTest::newRow("v3 IonizedBox z9") << c3 + "IonizedBox_93189d28e81d9a75a3fb9d755f849d0a_r1.h5"
                                          << "IonizedBox/xH_box"
                                          << "neutral_fraction" << 9.0 << 16 << 0.768748 << 1e-6;
        QTest::newRow("v3 PerturbedField z8") << c3 + "PerturbedField_6be77d2c532a4e8a52cd15622a15df6c_r1.h5"
                                              << "PerturbedField/density"
                                              << "density" << 8.0 << 16 << 0.0 << 1e-6;
        QTest::newRow("v3 PerturbedField z9") << c3 + "PerturbedField_f404d0d352631aa934cec254e1423919_r1.h5"
                                              << "PerturbedField/density"
                                              << "density" << 9.0 << 16 << 0.0 << 1e-6;
        QTest::newRow("v3 InitialConditions") << c3 + "InitialConditions_302d14018a3146c926cdbee2f2921b2c_r1.h5"
                                              << "InitialConditions/lowres_density"
                                              << "density" << 0.0 << 16 << 0.00098809 << 1e-7;
        const QString coeval3 = c3 + "Coeval_z8.0_942b7da18c0afe4674b892ca54049b66_r1.h5";
        QTest::newRow("v3 Coeval δ") << coeval3 << "PerturbedField/density"
                                     << "density" << 8.0 << 16 << 0.0 << 1e-6;
        QTest::newRow("v3 Coeval x_HI") << coeval3 << "IonizedBox/xH_box"
                                        << "neutral_fraction" << 8.0 << 16 << 0.590072 << 1e-6;
        QTest::newRow("v3 Coeval δT_b") << coeval3 << "BrightnessTemp/brightness_temp"
                                        << "brightness_temperature" << 8.0 << 16 << 12.9336 << 1e-4;
        const QString coeval4 = "py21cmfast/v4/coeval/Coeval_z8.0_r1.h5";
        QTest::newRow("v4 Coeval δ") << coeval4 << "PerturbedField/OutputFields/density"
                                     << "density" << 8.0 << 16 << 0.0 << 1e-6;
        QTest::newRow("v4 Coeval x_HI") << coeval4 << "IonizedBox/OutputFields/neutral_fraction"
                                        << "neutral_fraction" << 8.0 << 16 << 0.526509 << 1e-6;
        QTest::newRow("v4 Coeval δT_b") << coeval4 << "BrightnessTemp/OutputFields/brightness_temp"
                                        << "brightness_temperature" << 8.0 << 16 << 11.7092 << 1e-4;
        const QString lc3 = "py21cmfast/v3/lightcone/LightCone_z7.0_247e5848fc1c76f1eb7217966aae343d_r2.h5";
        QTest::newRow("v3 LightCone δT_b") << lc3 << "lightcones/brightness_temp"
                                           << "brightness_temperature" << 7.0 << 309 << 11.3464 << 1e-4;
        QTest::newRow("v3 LightCone x_HI") << lc3 << "lightcones/xH_box"
                                           << "neutral_fraction" << 7.0 << 309 << 0.540957 << 1e-6;
        QTest::newRow("v3 LightCone δ") << lc3 << "lightcones/density"
                                        << "density" << 7.0 << 309 << 0.00112296 << 1e-7;
    }

    void realFiles()
    {
        REQUIRE_DATA(dir);
        QFETCH(QString, file);
        QFETCH(QString, dataset);
        QFETCH(QString, quantity);
        QFETCH(double, z);
        QFETCH(int, nLos);
        QFETCH(double, mean);
        QFETCH(double, tolerance);
        const auto entries = probeFile((dir + "/" + file).toStdString());
        const CubeEntry* e = findEntry(entries, dataset.toStdString());
        QVERIFY2(e, qPrintable(dataset));
        QVERIFY(e->primary);
        const Cube c = loadEntry(*e);
        QCOMPARE(QString::fromUtf8(quantityName(c.quantity()).data()), quantity);
        QVERIFY(c.redshift());
        QVERIFY2(std::abs(*c.redshift() - z) < 1e-6, qPrintable(QString::number(*c.redshift(), 'f', 8)));
        const std::size_t n = file.contains("lightcone") ? 32 : 16;
        QCOMPARE(c.shape(), (Shape {n, n, std::size_t(nLos)}));
        QCOMPARE(c.boxLength()[0], 48.0);
        QVERIFY(std::abs(c.boxLength()[2] - 1.5 * (n == 32 ? 309 : 16) * (n == 32 ? 1.0 : 2.0)) < 1e-9);
        const double m = summarize(c).mean;
        QVERIFY2(std::abs(m - mean) <= tolerance, qPrintable(QString::number(m, 'g', 8)));
        QCOMPARE(c.metadata().kind, nLos == 309 ? FieldKind::Lightcone : FieldKind::Coeval);
    }

    void coevalFilesMeanTheirOwnRedshift()
    {
        REQUIRE_DATA(dir);
        for (const char* f : {"py21cmfast/v3/coeval/Coeval_z8.0_942b7da18c0afe4674b892ca54049b66_r1.h5",
                 "py21cmfast/v4/coeval/Coeval_z8.0_r1.h5"}) {
            int primaries = 0;
            for (const CubeEntry& e : probeFile((dir + "/" + f).toStdString())) {
                if (!e.primary)
                    continue;
                ++primaries;
                QCOMPARE(*e.redshift, 8.0); // the linear z = 0 initial density is auxiliary here
            }
            QCOMPARE(primaries, 3);
            QCOMPARE(loadCube((dir + "/" + f).toStdString(), Quantity::Density).redshift().value(), 8.0);
        }
    }

    void realLightconeAxis()
    {
        REQUIRE_DATA(dir);
        const std::string path
            = (dir + "/py21cmfast/v3/lightcone/LightCone_z7.0_247e5848fc1c76f1eb7217966aae343d_r2.h5").toStdString();
        const auto entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(3));
        const LightconeAxis& a = *entries.front().lightcone;
        QCOMPARE(a.redshifts.size(), std::size_t(309));
        QVERIFY(std::abs(a.redshifts.front() - 7.0) < 1e-5); // the file's own redshift attribute
        QVERIFY(a.redshifts.back() > 8.49 && a.redshifts.back() < 8.52);
        for (std::size_t k = 1; k < a.redshifts.size(); ++k)
            QVERIFY(a.redshifts[k] > a.redshifts[k - 1]);
        QCOMPARE(a.nodeRedshifts.size(), std::size_t(10));
        QCOMPARE(a.globals.size(), std::size_t(3));
        QVERIFY(std::abs(a.globals.at("xH_box").front() - 0.759988) < 1e-5);
    }

    void everyClassicFileMatchesItsName()
    {
        REQUIRE_DATA(dir);
        int boxes = 0;
        QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
        const QRegularExpression nf("_nf([0-9.]+)_");
        while (it.hasNext()) {
            const QString path = it.next();
            const QString name = QFileInfo(path).fileName();
            if (!name.endsWith("Mpc") || name.startsWith("ps_"))
                continue;
            const Cube c = loadCube(path.toStdString());
            ++boxes;
            QCOMPARE(c.shape(), (Shape {64, 64, 64}));
            QCOMPARE(c.boxLength()[0], 96.0);
            const double m = summarize(c).mean;
            if (c.quantity() == Quantity::NeutralFraction)
                QVERIFY2(std::abs(m - nf.match(name).captured(1).toDouble()) < 2e-6, qPrintable(name));
            else if (c.quantity() == Quantity::Density)
                QVERIFY2(std::abs(m) < 2e-3, qPrintable(name));
            else
                QVERIFY2(m >= 0 && m < 30, qPrintable(name));
        }
        QVERIFY(boxes >= 20);
    }

    // ---- fixtures in py21cmfast's layout ----------------------------------------------------
    void v4Lightcone()
    {
        const std::string path = QDir(m_fixtures.path()).filePath("LightCone_z7.0-8.5_r2.h5").toStdString();
        QCOMPARE(detectFormat(path), FileFormat::H5v4);
        const auto entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(4));
        const CubeEntry* tb = findEntry(entries, "lightcones/brightness_temp");
        const CubeEntry* vel = findEntry(entries, "lightcones/los_velocity");
        QVERIFY(tb && vel);
        QVERIFY(tb->primary && !vel->primary);
        QCOMPARE(tb->kind, FieldKind::Lightcone);
        QCOMPARE(tb->shape, (Shape {32, 32, 309}));
        QCOMPARE(tb->box[2], 463.5);
        QCOMPARE(*numberOf(tb->parameters, param::seed), 2.0);
        QFile expected(QDir(m_fixtures.path()).filePath("lightcone_expected.txt"));
        QVERIFY(expected.open(QIODevice::ReadOnly));
        for (const QByteArray& line : expected.readAll().split('\n')) {
            const auto parts = line.split(' ');
            if (parts.size() != 2)
                continue;
            const double z = tb->lightcone->redshifts.at(parts[0].toULong());
            QVERIFY2(std::abs(z - parts[1].toDouble()) < 2e-5, qPrintable(QString::number(z, 'f', 7)));
        }
        QCOMPARE(tb->lightcone->nodeRedshifts.size(), std::size_t(11));
        QCOMPARE(tb->lightcone->globals.count("neutral_fraction"), std::size_t(1));
        const Cube c = loadEntry(*tb); // float64 on disk
        QVERIFY(std::abs(c.at(3, 4, 0) - 2.0f) < 1e-5);
        QVERIFY(std::abs(c.at(3, 4, 308) - 18.0f) < 1e-4);
        QCOMPARE(c.metadata().lightcone->redshifts.size(), std::size_t(309));
    }

    void spinTemperature_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("z");
        QTest::newRow("v3") << "TsBox_0123456789abcdef_r3.h5" << 12.0;
        QTest::newRow("v4") << "TsBox.h5" << 11.0;
    }

    void spinTemperature()
    {
        QFETCH(QString, file);
        QFETCH(double, z);
        const std::string path = QDir(m_fixtures.path()).filePath(file).toStdString();
        const Cube ts = loadCube(path, Quantity::SpinTemperature);
        const Cube tk = loadCube(path, Quantity::KineticTemperature);
        const Cube xe = loadCube(path, Quantity::ElectronFraction);
        QCOMPARE(*ts.redshift(), z);
        QCOMPARE(ts.shape(), (Shape {16, 16, 16}));
        QCOMPARE(tk.at(1, 2, 3), 0.5f * ts.at(1, 2, 3));
        QVERIFY(std::abs(summarize(xe).mean - 2e-4) < 1e-9);
        QCOMPARE(quantityUnits(Quantity::SpinTemperature), std::string_view("K"));
    }

    void haloCatalogues_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("count");
        QTest::addColumn<double>("minMass");
        QTest::addColumn<double>("maxMass");
        QTest::addColumn<double>("firstX"); // Mpc; NaN: as stored (v4 floats in Mpc)
        QTest::addColumn<double>("lastZ");
        const double asStored = std::nan("");
        QTest::newRow("v4 HaloCatalog") << "HaloCatalog.h5" << 5 << 2e8 << 7e11 << asStored << asStored;
        // v3 cells: PerturbHaloField on HII_DIM (16 cells of 3 Mpc), HaloField on DIM (48 of 1 Mpc).
        QTest::newRow("v3 PerturbHaloField")
            << "PerturbHaloField_fedcba9876543210_r4.h5" << 3 << 1e9 << 2.5e10 << 3.0 << 27.0;
        QTest::newRow("v3 HaloField") << "HaloField_0123456789abcdef_r4.h5" << 2 << 3e9 << 8e10 << 3.0 << 12.0;
    }

    void haloCatalogues()
    {
        QFETCH(QString, file);
        QFETCH(int, count);
        QFETCH(double, minMass);
        QFETCH(double, maxMass);
        const std::string path = QDir(m_fixtures.path()).filePath(file).toStdString();
        const auto entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(1));
        QCOMPARE(entries[0].kind, FieldKind::HaloCatalog);
        QCOMPARE(entries[0].itemCount, std::size_t(count));
        const HaloCatalogData h = readHaloCatalog(entries[0]);
        QCOMPARE(h.masses.size(), std::size_t(count));
        QCOMPARE(h.positions.size(), std::size_t(count));
        QVERIFY(std::abs(h.minMass() / minMass - 1) < 1e-6);
        QVERIFY(std::abs(h.maxMass() / maxMass - 1) < 1e-6);
        QFETCH(double, firstX);
        QFETCH(double, lastZ);
        if (!std::isnan(firstX)) {
            QCOMPARE(h.positions.front()[0], firstX);
            QCOMPARE(h.positions.back()[2], lastZ);
        }
        for (const auto& p : h.positions) // comoving Mpc inside the 48 Mpc box
            for (double x : p)
                QVERIFY2(x >= 0 && x < 48.0, qPrintable(QString::number(x)));
        QVERIFY(QString::fromStdString([&] {
            try {
                loadEntry(entries[0]);
            } catch (const FormatError& e) {
                return std::string(e.what());
            }
            return std::string();
        }())
                    .contains("halo catalogue"));
    }

    // ---- catalogs of cache folders ------------------------------------------------------------
    void v3CacheFolderIsOneRun()
    {
        REQUIRE_DATA(dir);
        const Catalog cat = scanFolder((dir + "/py21cmfast/v3/coeval").toStdString());
        QCOMPARE(cat.errors.size(), std::size_t(0));
        std::string labels;
        for (const CatalogRun& r : cat.runs)
            labels += r.label + " | ";
        QVERIFY2(cat.runs.size() == 1, labels.c_str());
        const CatalogRun& r = cat.runs[0];
        // z = 0 holds the linear initial density only (the lone InitialConditions file).
        QCOMPARE(r.redshifts(), (std::vector<double> {0.0, 8.0, 9.0}));
        QCOMPARE(r.cubes.at(0.0).size(), std::size_t(1));
        for (double z : {8.0, 9.0}) {
            const auto& byQ = r.cubes.at(z);
            QVERIFY(byQ.count(Quantity::Density) && byQ.count(Quantity::NeutralFraction)
                && byQ.count(Quantity::BrightnessTemperature));
        }
    }

    void v4CacheTreeIsOneRunPerAstrophysics()
    {
        REQUIRE_DATA(dir);
        const Catalog cat = scanFolder(m_fixtures.filePath("cache").toStdString());
        QCOMPARE(cat.errors.size(), std::size_t(0));
        QCOMPARE(cat.runs.size(), std::size_t(2));
        std::set<std::string> labels;
        for (const CatalogRun& r : cat.runs) {
            labels.insert(r.label);
            QCOMPARE(r.redshifts(), (std::vector<double> {8.0}));
            QCOMPARE(r.cubes.at(8.0).size(), std::size_t(3)); // the shared δ joins both
            const std::string z8 = m_fixtures.filePath("cache/cosmohash/1/zgridhash/8.0000").toStdString();
            QVERIFY2(r.folder.rfind(z8, 0) == 0, r.folder.c_str()); // the folder holding all its files
        }
        QCOMPARE(labels, (std::set<std::string> {"L_X=40.5", "L_X=41"}));
    }
};

QTEST_GUILESS_MAIN(TestPy21cmfast)
#include "tst_py21cmfast.moc"

// Folder scans: runs grouped by parameters, density / x_HI / δT_b paired by redshift.
#include "fixtures.h"

#include "catalog/catalog.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace rs;

namespace {

void writeTrio(const QString& dir, double z, double nf, double zeta, bool density = true)
{
    const auto v = fixtures::pattern(4 * 4 * 4);
    char name[256];
    std::snprintf(name, sizeof name,
        "xH_nohalos_z%06.2f_nf%f_eff%.1f_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_4_6Mpc", z, nf, zeta);
    fixtures::writeFloats(dir, name, v);
    std::snprintf(name, sizeof name, "delta_T_v3_z%06.2f_nf%f_useTs0_4_6Mpc", z, nf);
    fixtures::writeFloats(dir, name, v);
    if (density) {
        std::snprintf(name, sizeof name, "updated_smoothed_deltax_z%06.2f_4_6Mpc", z);
        fixtures::writeFloats(dir, name, v);
    }
}

const CatalogRun* runWith(const Catalog& c, double zeta)
{
    for (const CatalogRun& r : c.runs)
        if (numberOf(r.parameters, param::zeta) == zeta)
            return &r;
    return nullptr;
}

} // namespace

class TestCatalog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void twoRunsInOneFolderShareDensity()
    {
        QTemporaryDir dir;
        for (double z : {7.0, 8.0}) {
            writeTrio(dir.path(), z, 0.2 + z / 100, 20.0);
            writeTrio(dir.path(), z, 0.1 + z / 100, 30.0, false); // density files exist once per z
        }
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.errors.size(), std::size_t(0));
        QCOMPARE(c.runs.size(), std::size_t(2));
        for (double zeta : {20.0, 30.0}) {
            const CatalogRun* r = runWith(c, zeta);
            QVERIFY(r);
            QCOMPARE(r->redshifts(), (std::vector<double> {7.0, 8.0}));
            for (const auto& [z, byQ] : r->cubes) {
                QCOMPARE(byQ.size(), std::size_t(3));
                // δT_b paired through nf: its nf equals the x_HI box's nf.
                QCOMPARE(numberOf(byQ.at(Quantity::BrightnessTemperature).parameters, param::nf),
                    numberOf(byQ.at(Quantity::NeutralFraction).parameters, param::nf));
            }
        }
        QCOMPARE(runWith(c, 20.0)->label, std::string("ζ=20"));
    }

    void labelsFromFolderNames()
    {
        QTemporaryDir dir;
        for (const char* sub : {"zeta20", "zeta40"}) {
            QDir(dir.path()).mkdir(sub);
            const auto v = fixtures::pattern(64);
            const QString d = dir.filePath(sub);
            fixtures::writeFloats(d, "delta_T_v3_z009.00_nf0.500000_useTs0_4_6Mpc", v);
            fixtures::writeFloats(d, "updated_smoothed_deltax_z009.00_4_6Mpc", v);
        }
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.runs.size(), std::size_t(2));
        const CatalogRun* r = runWith(c, 40.0);
        QVERIFY(r);
        QCOMPARE(r->cubes.at(9.0).size(), std::size_t(2));
    }

    void labelledFolderWithWholeTrioIsOneRun()
    {
        // In a folder named zeta20, δ and δT_b learn ζ from the folder while x_HI has it (and
        // M_min, R_max, filter) in its name: they still form one run of three.
        QTemporaryDir dir;
        QDir(dir.path()).mkdir("zeta20");
        writeTrio(dir.filePath("zeta20"), 8.0, 0.5, 20.0);
        writeTrio(dir.filePath("zeta20"), 9.0, 0.7, 20.0);
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.runs.size(), std::size_t(1));
        QCOMPARE(c.runs[0].cubeCount(), std::size_t(6));
        QCOMPARE(c.runs[0].label, std::string("ζ=20"));
    }

    void folderLabelContradictingTheNameStaysApart()
    {
        // A δT_b box labelled ζ=30 by its folder must not join an x_HI run of ζ=20.
        QTemporaryDir dir;
        QDir(dir.path()).mkdir("zeta30");
        const QString d = dir.filePath("zeta30");
        const auto v = fixtures::pattern(64);
        fixtures::writeFloats(
            d, "xH_nohalos_z008.00_nf0.500000_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_4_6Mpc", v);
        fixtures::writeFloats(d, "delta_T_v3_z008.00_nf0.500000_useTs0_4_6Mpc", v);
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.runs.size(), std::size_t(2));
    }

    void unknownRedshiftsSortLast()
    {
        QTemporaryDir dir;
        std::vector<float> v(64, 0.5f);
        fixtures::writeNpy(dir.path(), "xH_a.npy", "<f4", false, {4, 4, 4}, v.data(), 256);
        writeTrio(dir.path(), 8.0, 0.5, 20.0);
        const Catalog c = scanFolder(dir.path().toStdString());
        bool sawUnknown = false;
        for (const CatalogRun& r : c.runs) {
            const auto z = r.redshifts();
            QVERIFY(std::is_sorted(z.begin(), z.end()));
            for (double k : z)
                sawUnknown = sawUnknown || isUnknownRedshift(k);
        }
        QVERIFY(sawUnknown);
    }

    void damagedFilesAreReportedOthersListed()
    {
        QTemporaryDir dir;
        writeTrio(dir.path(), 8.0, 0.5, 20.0);
        fixtures::writeFloats(dir.path(), "updated_smoothed_deltax_z009.00_4_6Mpc", std::vector<float>(10));
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.errors.size(), std::size_t(1));
        QVERIFY(c.errors[0].second.find("truncated") != std::string::npos);
        QCOMPARE(c.runs.size(), std::size_t(1));
        QCOMPARE(c.runs[0].cubeCount(), std::size_t(3));
    }

    void thousandsOfUnrelatedFilesAreIgnored()
    {
        QTemporaryDir dir;
        for (int i = 0; i < 3000; ++i) {
            const std::string text = "log line " + std::to_string(i);
            fixtures::writeBytes(dir.path(), "log_" + std::to_string(i) + ".txt", text.data(), text.size());
        }
        fixtures::writeBytes(dir.path(), "empty.dat", "", 0);
        writeTrio(dir.path(), 8.0, 0.5, 20.0);
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.filesIgnored, std::size_t(3001));
        QCOMPARE(c.errors.size(), std::size_t(0));
        QCOMPARE(c.runs.size(), std::size_t(1));
    }

    void hdf5RunsGroupBySeed()
    {
        QTemporaryDir dir;
        const auto v = fixtures::pattern(4 * 4 * 4);
        for (double z : {7.0, 8.0, 9.0}) {
            const std::string zs = std::to_string(int(z));
            fixtures::writeV3(dir.path(), "IonizedBox_z" + zs + ".h5", "IonizedBox", "xH_box", 4, 6, z, v, 30, -1, 11);
            fixtures::writeV3(dir.path(), "BrightnessTemp_z" + zs + ".h5", "BrightnessTemp", "brightness_temp", 4, 6, z,
                v, 30, -1, 11);
            fixtures::writeV3(
                dir.path(), "Other_seed_z" + zs + ".h5", "BrightnessTemp", "brightness_temp", 4, 6, z, v, 30, -1, 12);
        }
        const Catalog c = scanFolder(dir.path().toStdString());
        QCOMPARE(c.runs.size(), std::size_t(2));
        for (const CatalogRun& r : c.runs) {
            QCOMPARE(r.redshifts().size(), std::size_t(3));
            const bool seed11 = numberOf(r.parameters, param::seed) == 11.0;
            QCOMPARE(r.cubeCount(), std::size_t(seed11 ? 6 : 3));
            QVERIFY(r.label.find("seed") != std::string::npos);
        }
    }

    void stopTokenCancels()
    {
        QTemporaryDir dir;
        writeTrio(dir.path(), 8.0, 0.5, 20.0);
        StopToken stop;
        stop.requestStop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, scanFolder(dir.path().toStdString(), {}, {}, stop));
    }

    void missingFolder() { QVERIFY_THROWS_EXCEPTION(IoError, scanFolder("/no/such/folder")); }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"

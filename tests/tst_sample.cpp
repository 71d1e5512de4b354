// The real 21cmFAST v2 sample trio (64^3, 96 Mpc, z = 8, ζ = 20). Skips, saying so, where the
// sample folder is absent (a user's clone); CI has it.
#include "fixtures.h"

#include "catalog/catalog.h"
#include "cube/cube_stats.h"
#include "io/cube_loader.h"
#include "io/power_spectrum_file.h"

#include <QtTest>

#include <cmath>

using namespace rs;

class TestSample : public QObject {
    Q_OBJECT

    static std::string file(const QString& dir, const char* name) { return QDir(dir).filePath(name).toStdString(); }

private Q_SLOTS:
    void neutralFraction()
    {
        REQUIRE_SAMPLE(dir);
        const Cube x = loadCube(file(dir,
            "xH_nohalos_z008.00_nf0.548080_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_"
            "RHIImax50_64_96Mpc"));
        QCOMPARE(x.shape(), (Shape {64, 64, 64}));
        QCOMPARE(x.boxLength()[0], 96.0);
        QCOMPARE(*x.redshift(), 8.0);
        QCOMPARE(*numberOf(x.metadata().parameters, param::zeta), 20.0);
        const SummaryStats s = summarize(x);
        QVERIFY2(std::abs(s.mean - 0.548080) < 1e-6, qPrintable(QString::number(s.mean, 'f', 8)));
        QVERIFY(s.min >= 0.0 && s.max <= 1.0);
    }

    void brightnessTemperature()
    {
        REQUIRE_SAMPLE(dir);
        const Cube t = loadCube(file(dir, "delta_T_v3_z008.00_nf0.548080_useTs0_64_96Mpc"));
        QCOMPARE(t.quantity(), Quantity::BrightnessTemperature);
        const SummaryStats s = summarize(t);
        QVERIFY2(std::abs(s.mean - 10.81) < 0.01, qPrintable(QString::number(s.mean)));
        QCOMPARE(s.nonfinite, std::size_t(0));
    }

    void density()
    {
        REQUIRE_SAMPLE(dir);
        const Cube d = loadCube(file(dir, "updated_smoothed_deltax_z008.00_64_96Mpc"));
        const SummaryStats s = summarize(d);
        QVERIFY(std::abs(s.mean) < 1e-3);
        QVERIFY(s.min >= -1.0);
    }

    void catalogIsOneRunOfThree()
    {
        REQUIRE_SAMPLE(dir);
        const Catalog c = scanFolder(dir.toStdString());
        QCOMPARE(c.runs.size(), std::size_t(1));
        QCOMPARE(c.runs[0].cubes.size(), std::size_t(1));
        QCOMPARE(c.runs[0].cubes.begin()->second.size(), std::size_t(3));
        QCOMPARE(c.errors.size(), std::size_t(0));
    }

    void powerSpectrumFile()
    {
        REQUIRE_SAMPLE(dir);
        const auto ps = readClassicPowerSpectrum(file(dir, "ps_z008.00_nf0.548080_useTs0_aveTb010.81_64_96Mpc_v3"));
        QVERIFY(ps.k.size() > 5);
        QCOMPARE(*ps.redshift, 8.0);
        QVERIFY(std::abs(*numberOf(ps.parameters, "ave_tb") - 10.81) < 1e-9);
        for (std::size_t i = 1; i < ps.k.size(); ++i)
            QVERIFY(ps.k[i] > ps.k[i - 1]);
    }
};

QTEST_GUILESS_MAIN(TestSample)
#include "tst_sample.moc"

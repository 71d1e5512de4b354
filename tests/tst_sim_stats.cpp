// Statistics next to the simulator: power spectrum (classic 21cmFAST normalisation and binning),
// histogram, nf(z) / mean δT_b(z) series.
#include "fixtures.h"

#include "stats/histogram.h"
#include "stats/power_spectrum.h"
#include "stats/series.h"
#include "util/error.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace rs;

namespace {

Cube planeWave(std::size_t n, double box, int mode, int axis, double amplitude, double offset = 0)
{
    Cube c({n, n, n}, {box, box, box});
    float* d = c.mutableData();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
                const std::size_t idx = axis == 0 ? i : axis == 1 ? j : k;
                d[c.index(i, j, k)]
                    = float(offset + amplitude * std::cos(2 * std::numbers::pi * mode * double(idx) / double(n)));
            }
    return c;
}

Cube constant(std::size_t n, float v, Quantity q, std::optional<double> z)
{
    CubeMetadata m;
    m.quantity = q;
    m.redshift = z;
    Cube c({n, n, n}, {10, 10, 10}, m);
    std::fill(c.mutableData(), c.mutableData() + c.voxelCount(), v);
    return c;
}

} // namespace

class TestSimStats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void planeWaveLandsInItsBin_data()
    {
        QTest::addColumn<int>("axis");
        QTest::addColumn<int>("halfSpaceModes"); // a wave along axis 2 has one mode with m_z ≥ 0, else two
        QTest::newRow("axis 0") << 0 << 2;
        QTest::newRow("axis 2") << 2 << 1;
    }
    void planeWaveLandsInItsBin()
    {
        QFETCH(int, axis);
        QFETCH(int, halfSpaceModes);
        const std::size_t n = 32;
        const double box = 64.0, amp = 3.0;
        const int mode = 5;
        const PowerSpectrum ps = powerSpectrum(planeWave(n, box, mode, axis, amp, 7.0)); // the mean is removed
        const double k0 = 2 * std::numbers::pi * mode / box;
        // Continuum FT X = A V / 2 at ±k0, P = |X|² / V = A² V / 4 per mode, Δ² = k³ P / (2π²).
        const double volume = box * box * box;
        const double expected = k0 * k0 * k0 * amp * amp * volume / (8 * std::numbers::pi * std::numbers::pi);
        double total = 0;
        bool found = false;
        for (std::size_t i = 0; i < ps.k.size(); ++i) {
            total += ps.delta2[i] * ps.modes[i];
            if (ps.delta2[i] > 1e-6 * expected) { // exactly one bin holds power
                QVERIFY(!found);
                found = true;
            }
        }
        QVERIFY(found);
        QVERIFY2(std::abs(total / (halfSpaceModes * expected) - 1) < 1e-4,
            qPrintable(QString("%1 vs %2").arg(total).arg(halfSpaceModes * expected)));
    }

    void classicBinning()
    {
        const PowerSpectrum ps = powerSpectrum(planeWave(64, 96.0, 3, 1, 1.0));
        // Edges Δk·1.5^i (Δk = 2π/96), ceilings below N·Δk: ten bins, the first mean k is that of
        // |m| = 1 and √2 modes.
        QCOMPARE(ps.k.size(), std::size_t(10));
        const double dk = 2 * std::numbers::pi / 96.0;
        QVERIFY(ps.k.front() > dk && ps.k.front() < 1.5 * dk);
        QVERIFY(ps.k.back() < dk * 64);
        double modes = 0;
        for (double m : ps.modes)
            modes += m;
        QVERIFY(modes < 64.0 * 64.0 * 33.0);
        for (std::size_t i = 1; i < ps.k.size(); ++i)
            QVERIFY(ps.k[i] > ps.k[i - 1]);
        // Log bins on request.
        const PowerSpectrum log = powerSpectrum(planeWave(64, 96.0, 3, 1, 1.0), 20);
        QVERIFY(log.k.size() > 10 && log.k.size() <= 20);
        QVERIFY_THROWS_EXCEPTION(ParameterError, powerSpectrum(planeWave(8, 8.0, 1, 0, 1.0), -1));
        QVERIFY_THROWS_EXCEPTION(ParameterError, powerSpectrum(Cube()));
    }

    void nanCubeIsRefused()
    {
        Cube c = planeWave(8, 8.0, 1, 0, 1.0);
        c.mutableData()[3] = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(FormatError, powerSpectrum(c));
    }

    void histogramCounts()
    {
        Cube c({4, 4, 4}, {4, 4, 4});
        float* d = c.mutableData();
        for (std::size_t i = 0; i < 64; ++i)
            d[i] = float(i % 4); // 16 each of 0, 1, 2, 3
        d[0] = std::nanf("");
        const Histogram h = histogram(c, 4);
        QCOMPARE(h.edges.front(), 0.0);
        QCOMPARE(h.edges.back(), 3.0);
        QCOMPARE(h.counts, (std::vector<std::uint64_t> {15, 16, 16, 16})); // top edge in the last bin
        QCOMPARE(h.nonfinite, std::uint64_t(1));
        const Histogram r = histogram(c, 2, 0.5, 2.5);
        QCOMPARE(r.counts, (std::vector<std::uint64_t> {16, 16}));
        QCOMPARE(r.below, std::uint64_t(15));
        QCOMPARE(r.above, std::uint64_t(16));
        QVERIFY_THROWS_EXCEPTION(ParameterError, histogram(c, 0));
        QVERIFY_THROWS_EXCEPTION(ParameterError, histogram(c, 4, 2.0, 1.0));
    }

    void seriesOverRedshift()
    {
        const std::vector<Cube> cubes
            = {constant(4, 0.25f, Quantity::NeutralFraction, 8.0), constant(4, 0.75f, Quantity::NeutralFraction, 10.0),
                constant(4, 5.0f, Quantity::BrightnessTemperature, 8.0), constant(4, 1.0f, Quantity::Density, 8.0),
                constant(4, 0.5f, Quantity::NeutralFraction, 9.0),
                constant(4, 0.1f, Quantity::NeutralFraction, std::nullopt)};
        const RedshiftSeries s = redshiftSeries(cubes);
        QCOMPARE(s.z, (std::vector<double> {8.0, 9.0, 10.0}));
        QCOMPARE(s.nf, (std::vector<double> {0.25, 0.5, 0.75}));
        QCOMPARE(s.meanTb[0], 5.0);
        QVERIFY(std::isnan(s.meanTb[1]));
    }
};

QTEST_GUILESS_MAIN(TestSimStats)
#include "tst_sim_stats.moc"

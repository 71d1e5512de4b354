// The simulator's physics: cosmology functions, initial conditions (seeded, normalised to σ(R)),
// Zel'dovich evolution, excursion-set ionization (monotonic in ζ and z, photon budget) and the
// brightness-temperature formula. Grids are small (32³-64³) so the whole suite runs in seconds.
#include "fixtures.h"

#include "cube/cube_stats.h"
#include "numerics/fft_grid.h"
#include "sim/brightness.h"
#include "sim/cosmology.h"
#include "sim/initial_conditions.h"
#include "sim/ionization.h"
#include "sim/simulator.h"
#include "stats/power_spectrum.h"
#include "util/error.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

using namespace rs;

namespace {

SimulationParams smallParams(std::size_t n = 48, double box = 72.0)
{
    SimulationParams p;
    p.dim = n;
    p.boxMpc = box;
    p.redshifts = {8.0};
    p.zeta = 20.0;
    p.seed = 7;
    p.threads = 2;
    return p;
}

bool identical(const Cube& a, const Cube& b)
{
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

/// Variance of `c` after smoothing with a real-space top-hat of radius R (periodic, spectral).
double smoothedVariance(const Cube& c, double radius)
{
    const std::size_t n = c.shape()[0];
    fft::Plans plans(n, 1);
    fft::Grid g(n);
    g.loadReal(c.data());
    plans.forward(g);
    const double kf = 2 * std::numbers::pi / c.boxLength()[0];
    const std::size_t nz = n / 2 + 1;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t m = 0; m < nz; ++m) {
                const double fi = double(fft::frequency(i, n)), fj = double(fft::frequency(j, n));
                const double k = kf * std::sqrt(fi * fi + fj * fj + double(m * m));
                g.complex()[(i * n + j) * nz + m]
                    *= float(filterWindow(IonizationFilter::TopHat, k, radius) / double(n * n * n));
            }
    plans.backward(g);
    Cube s = Cube::uninitialized(c.shape(), c.boxLength());
    g.storeReal(s.mutableData());
    const SummaryStats st = summarize(s);
    return st.std * st.std;
}

} // namespace

class TestSimPhysics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void growthFactor()
    {
        const LinearCosmology c {Cosmology {}};
        QCOMPARE(c.growth(0.0), 1.0);
        // Deep in matter domination D ∝ a: D(20)/D(40) = 41/21 within 0.5 %.
        QVERIFY(std::abs(c.growth(20) / c.growth(40) / (41.0 / 21.0) - 1) < 5e-3);
        // Carroll, Press & Turner (1992) fit gives 0.1417 at z = 8 for Ωm = 0.31: agree within 1 %.
        QVERIFY2(std::abs(c.growth(8) / 0.14169 - 1) < 0.01, qPrintable(QString::number(c.growth(8))));
        // Growth rate f ≈ Ωm(z)^0.55 (Linder 2005) within 1 %.
        for (double z : {0.0, 1.0, 8.0}) {
            const double omz = 0.31 * std::pow(1 + z, 3) / std::pow(c.hubbleRatio(z), 2);
            QVERIFY2(std::abs(c.growthRate(z) / std::pow(omz, 0.55) - 1) < 0.01, qPrintable(QString::number(z)));
        }
    }

    void powerSpectrumNormalisation()
    {
        const LinearCosmology c {Cosmology {}};
        QVERIFY(std::abs(c.sigmaR(8.0 / 0.68) - 0.81) < 1e-3); // σ8 reproduced (table interpolation)
        QVERIFY(std::abs(c.transfer(1e-5) - 1.0) < 1e-3); // T → 1 on large scales
        QVERIFY(c.transfer(1.0) < c.transfer(0.1));
        // σ(M) decreases with mass; the top-hat mass of the Lagrangian radius round-trips.
        QVERIFY(c.sigmaM(1e8) > c.sigmaM(1e10) && c.sigmaM(1e10) > c.sigmaM(1e12));
        QVERIFY(std::abs(c.massOfRadius(c.lagrangianRadius(5e8)) / 5e8 - 1) < 1e-12);
        // Collapsed fractions are in (0, 1), grow with time, and ST exceeds PS for rare halos.
        const double f8 = c.collapsedFractionST(5e8, 8), f10 = c.collapsedFractionST(5e8, 10);
        QVERIFY(f8 > f10 && f8 > 0 && f8 < 1);
        QVERIFY(c.collapsedFractionST(5e8, 8) > c.collapsedFractionPS(5e8, 8));
    }

    void whiteNoiseIsStandardNormalAndSeeded()
    {
        double sum = 0, sum2 = 0;
        const int n = 200000;
        for (int i = 0; i < n; ++i) {
            const double v = whiteNoise(42, std::uint64_t(i));
            sum += v;
            sum2 += v * v;
        }
        QVERIFY(std::abs(sum / n) < 0.01); // 4.5 σ of the mean
        QVERIFY(std::abs(sum2 / n - 1.0) < 0.015); // ~5 σ of the variance
        QCOMPARE(whiteNoise(42, 12345), whiteNoise(42, 12345));
        QVERIFY(whiteNoise(42, 12345) != whiteNoise(43, 12345));
    }

    void sameSeedSameCubes()
    {
        SimulationParams p = smallParams(32, 48);
        const auto a = simulate(p), b = simulate(p);
        QVERIFY(identical(a[0].density, b[0].density));
        QVERIFY(identical(a[0].neutralFraction, b[0].neutralFraction));
        QVERIFY(identical(a[0].brightnessTemperature, b[0].brightnessTemperature));
        // The thread count does not change a bit (fixed reduction and deposit orders).
        p.threads = 3;
        const auto t = simulate(p);
        QVERIFY(identical(a[0].density, t[0].density));
        QVERIFY(identical(a[0].brightnessTemperature, t[0].brightnessTemperature));
        p.seed = 8;
        const auto c = simulate(p);
        QVERIFY(!identical(a[0].density, c[0].density));
    }

    void linearFieldMatchesSigmaR()
    {
        // Linear field at z = 0: the variance in top-hat spheres of R = 12 Mpc equals σ(R) from the
        // power spectrum. Box 256 Mpc (modes below 2π/L hold < 3 % of σ²); three seeds averaged
        // (sample scatter ≈ 3 %). Tolerance: 10 % on σ².
        SimulationParams p = smallParams(64, 256);
        p.zeldovich = false;
        p.redshifts = {0.0};
        const LinearCosmology cosmo {p.cosmology};
        double variance = 0;
        const int seeds = 3;
        for (int s = 0; s < seeds; ++s) {
            p.seed = std::uint64_t(100 + s);
            Simulator sim(p);
            const Cube d = sim.density(0.0);
            QVERIFY(std::abs(summarize(d).mean) < 1e-5); // the k = 0 mode is zero
            variance += smoothedVariance(d, 12.0) / seeds;
        }
        const double expected = std::pow(cosmo.sigmaR(12.0), 2);
        QVERIFY2(std::abs(variance / expected - 1) < 0.10,
            qPrintable(QString("measured %1 expected %2").arg(variance).arg(expected)));
    }

    void zeldovichDensityIsPhysical()
    {
        SimulationParams p = smallParams(48, 72);
        Simulator sim(p);
        const Cube d = sim.density(8.0);
        const SummaryStats s = summarize(d);
        QVERIFY2(std::abs(s.mean) < 1e-5, qPrintable(QString::number(s.mean))); // CIC conserves mass
        QVERIFY(s.min >= -1.0f);
        QVERIFY(s.max > 1.0); // non-linear tail
        // On large scales (k < 0.3/Mpc) the evolved field follows linear theory D(z)² Δ²_lin within 25 %.
        p.zeldovich = false;
        Simulator lin(p);
        const PowerSpectrum pe = powerSpectrum(d), pl = powerSpectrum(lin.density(8.0));
        for (std::size_t i = 0; i < pe.k.size() && pe.k[i] < 0.3; ++i)
            QVERIFY2(std::abs(pe.delta2[i] / pl.delta2[i] - 1) < 0.25, qPrintable(QString::number(pe.k[i])));
        // Skewed like a real evolved field: the median lies below the mean.
        std::vector<float> v(d.data(), d.data() + d.voxelCount());
        std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
        QVERIFY(v[v.size() / 2] < -0.01f);
    }

    void bandLimitedTransformEqualsFull_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("band");
        QTest::newRow("even, narrow band") << 32 << 3;
        QTest::newRow("even, wide band") << 32 << 14;
        QTest::newRow("odd") << 27 << 5;
    }
    void bandLimitedTransformEqualsFull()
    {
        // The pruned inverse FFT (lines outside the band skipped) equals the full one to float
        // rounding (1e-5 of the field's range) when the band is really empty outside.
        QFETCH(int, n);
        QFETCH(int, band);
        const std::size_t un = std::size_t(n), nz = un / 2 + 1;
        fft::Plans plans(un, 2);
        fft::Grid a(un), b(un);
        const auto noise = fixtures::pattern(un * un * un);
        a.loadReal(noise.data());
        plans.forward(a);
        for (std::size_t i = 0; i < un; ++i)
            for (std::size_t j = 0; j < un; ++j)
                for (std::size_t m = 0; m < nz; ++m)
                    if (std::labs(fft::frequency(i, un)) > band || std::labs(fft::frequency(j, un)) > band
                        || long(m) > band)
                        a.complex()[(i * un + j) * nz + m] = 0.0f;
        std::copy(a.real(), a.real() + un * un * 2 * nz, b.real());
        plans.backward(a);
        plans.backward(b, band);
        float range = 0, diff = 0;
        for (std::size_t i = 0; i < un * un; ++i)
            for (std::size_t k = 0; k < un; ++k) {
                range = std::max(range, std::abs(a.real()[i * 2 * nz + k]));
                diff = std::max(diff, std::abs(a.real()[i * 2 * nz + k] - b.real()[i * 2 * nz + k]));
            }
        QVERIFY(range > 0);
        QVERIFY2(diff <= 1e-5f * range, qPrintable(QString("%1 of %2").arg(diff).arg(range)));
    }

    void radiiFollowTheClassicLadder()
    {
        const SimulationParams p = smallParams(64, 96);
        const LinearCosmology c {p.cosmology};
        const auto r = ionizationRadii(p, 5e8, c);
        // Classic find_HII_bubbles: radii are R_cell · 1.1^n (single precision), the largest below
        // R_max = 50 Mpc first (46.33 Mpc at 1.5 Mpc cells).
        const double cellR = 0.620350491 * 96.0 / 64.0;
        QVERIFY2(r.front() < 50.0 && r.front() * 1.1 >= 50.0, qPrintable(QString::number(r.front())));
        QVERIFY(std::abs(r.front() / (cellR * std::pow(1.1, 41)) - 1) < 1e-5);
        for (std::size_t i = 1; i + 1 < r.size(); ++i)
            QVERIFY(std::abs(r[i - 1] / r[i] - 1.1) < 1e-6);
        QVERIFY(std::abs(r.back() - cellR) < 1e-6); // cell radius last
        // Classic: the step whose next radius would reach the cell becomes the cell step.
        QVERIFY(r[r.size() - 2] / 1.1 > r.back() * (1 - 1e-6));
        QVERIFY(r[r.size() - 2] / (1.1 * 1.1) <= r.back());
    }

    void filters()
    {
        for (auto f : {IonizationFilter::SharpK, IonizationFilter::TopHat, IonizationFilter::Gaussian})
            QVERIFY(std::abs(filterWindow(f, 0.0, 5.0) - 1.0) < 1e-12);
        QCOMPARE(filterWindow(IonizationFilter::SharpK, 0.99 / (5.0 * 0.413566994), 5.0), 1.0);
        QCOMPARE(filterWindow(IonizationFilter::SharpK, 1.01 / (5.0 * 0.413566994), 5.0), 0.0);
        QVERIFY(std::abs(filterWindow(IonizationFilter::Gaussian, 1.0 / (0.643 * 5.0), 5.0) - std::exp(-0.5)) < 1e-12);
        for (double y : {1e-8, 0.01, 0.5, 1.0, 1.7})
            QVERIFY(std::abs(std::erfc(inverseErfc(y)) / y - 1) < 1e-10);
    }

    void neutralFractionFallsWithZetaRisesWithZ()
    {
        SimulationParams p = smallParams(48, 72);
        Simulator sim(p);
        const std::vector<double> zetas {5, 10, 15, 20, 30, 45};
        const auto byZeta = sim.ionize(8.0, zetas);
        for (std::size_t i = 1; i < byZeta.size(); ++i)
            QVERIFY2(byZeta[i].nf < byZeta[i - 1].nf || byZeta[i].nf == 0.0,
                qPrintable(QString("zeta %1: %2").arg(zetas[i]).arg(byZeta[i].nf)));
        QVERIFY(byZeta.front().nf > 0.8 && byZeta.back().nf < 0.2);
        double previous = -1;
        for (double z : {7.5, 8.0, 9.0, 10.0, 12.0}) {
            const double nf = sim.ionize(z).nf;
            QVERIFY2(nf > previous, qPrintable(QString("z %1: %2").arg(z).arg(nf)));
            previous = nf;
        }
        QVERIFY(previous > 0.95); // z = 12 is nearly neutral
    }

    void sharedPassEqualsSingleRuns()
    {
        SimulationParams p = smallParams(32, 48);
        Simulator sim(p);
        const auto many = sim.ionize(8.0, {10.0, 20.0, 35.0});
        const auto one = simulate(p); // ζ = 20 alone, fresh initial conditions of the same seed
        QVERIFY(identical(many[1].neutralFraction, one[0].neutralFraction));
        QVERIFY(identical(many[1].brightnessTemperature, one[0].brightnessTemperature));
        QCOMPARE(*numberOf(many[2].neutralFraction.metadata().parameters, param::zeta), 35.0);
    }

    void photonBudgetAcrossRedshiftsAndZeta()
    {
        // Independent of the sample point: the ionized volume fraction stays within a factor ~2 of
        // the photon budget ζ·f_coll,ST wherever reionization is under way (0.15 < ζ f < 0.85).
        SimulationParams p = smallParams(48, 72);
        Simulator sim(p);
        const LinearCosmology& c = sim.cosmology();
        int checked = 0;
        for (double z : {7.0, 8.0, 9.0, 10.0})
            for (double zeta : {10.0, 20.0, 40.0, 80.0}) {
                const double budget = zeta * c.collapsedFractionST(5e8, z);
                if (budget < 0.15 || budget > 0.85)
                    continue;
                const double ionized = 1.0 - sim.ionize(z, {zeta})[0].nf;
                QVERIFY2(ionized > 0.5 * budget && ionized < 1.2 * budget,
                    qPrintable(
                        QString("z %1 zeta %2: ionized %3 budget %4").arg(z).arg(zeta).arg(ionized).arg(budget)));
                ++checked;
            }
        QVERIFY(checked >= 4);
    }

    void brightnessFormulaCellByCell()
    {
        SimulationParams p = smallParams(32, 48);
        const auto r = simulate(p);
        const double t0 = brightnessPrefactor(8.0, p.cosmology);
        // 27 √(0.9 · 0.15/(0.31·0.68²)) (0.048·0.68²/0.023) mK
        QVERIFY(std::abs(t0 - 27.0 * std::sqrt(0.9 * 0.15 / (0.31 * 0.4624)) * (0.048 * 0.4624 / 0.023)) < 1e-12);
        const float* d = r[0].density.data();
        const float* x = r[0].neutralFraction.data();
        const float* t = r[0].brightnessTemperature.data();
        for (std::size_t c = 0; c < r[0].density.voxelCount(); ++c)
            QVERIFY(std::abs(t[c] - t0 * x[c] * (1.0 + d[c])) <= 1e-5 * (1.0 + std::abs(t[c])));
        const SummaryStats xs = summarize(r[0].neutralFraction);
        QVERIFY(xs.min >= 0.0 && xs.max <= 1.0);
        QVERIFY(std::abs(xs.mean - r[0].nf) < 1e-9);
    }

    void velocityTermIsClipped()
    {
        // Lines of one gradient each: every cell moves alike, so each keeps the gradient factor.
        const Shape s {8, 8, 8};
        const Extent b {8, 8, 8};
        Cube d(s, b), x(s, b), g(s, b);
        std::fill(x.mutableData(), x.mutableData() + x.voxelCount(), 1.0f);
        const float lineGradient[]
            = {0.1f /* within the linear range */, -5.0f /* clipped to -0.2 */, 3.0f /* clipped to +0.2 */, 0.0f};
        for (std::size_t j = 0; j < 4; ++j)
            std::fill_n(g.mutableData() + j * 8, 8, lineGradient[j]);
        const Cube t = brightnessTemperature(d, x, 8.0, Cosmology {}, g);
        const double t0 = brightnessPrefactor(8.0, Cosmology {});
        const double expected[] = {t0 / 1.1, t0 / 0.8, t0 / 1.2, t0};
        for (std::size_t j = 0; j < 4; ++j)
            for (std::size_t k = 0; k < 8; ++k)
                QVERIFY2(std::abs(t.data()[j * 8 + k] - expected[j]) < 1e-4, qPrintable(QString("line %1").arg(j)));
        // With velocities on, the simulator's δT_b differs from the plain formula but keeps its mean
        // within 10 % (the gradient averages out).
        SimulationParams p = smallParams(32, 48);
        const auto plain = simulate(p);
        p.velocities = true;
        const auto v = simulate(p);
        QVERIFY(!identical(plain[0].brightnessTemperature, v[0].brightnessTemperature));
        QVERIFY(identical(plain[0].neutralFraction, v[0].neutralFraction));
        QVERIFY(std::abs(v[0].meanTb / plain[0].meanTb - 1) < 0.10);
        QCOMPARE(*numberOf(v[0].brightnessTemperature.metadata().parameters, param::velocityAxis), 3.0);
    }

    void subcellsMoveByTheGradientReadAsMpc()
    {
        // Classic delta_T_v3's sub-cell RSD: one neutral cell in an ionized line, displaced by the
        // (dv/dr)/H value read as Mpc (cells of 2 Mpc here), split over the cells it lands on.
        const Shape s {1, 2, 8};
        const Extent b {2, 4, 16};
        Cube d(s, b), x(s, b), g(s, b);
        x.mutableData()[3] = 1.0f; // line 0: cell 3
        x.mutableData()[8] = 1.0f; // line 1: cell 0, next to the periodic edge
        std::fill_n(g.mutableData(), 8, 1.0f); // +1 Mpc: half a cell away from the observer
        std::fill_n(g.mutableData() + 8, 8, -2.5f); // -2.5 Mpc: 1.25 cells towards the observer
        const Cube t = brightnessTemperature(d, x, 8.0, Cosmology {}, g);
        const double t0 = brightnessPrefactor(8.0, Cosmology {});
        const double cell0 = t0 / 1.2, cell1 = t0 / 0.8; // the gradient factor, clipped to ±0.2
        const double expected[16] = {0, 0, 0, cell0 / 2, cell0 / 2, 0, 0, 0, //
            0, 0, 0, 0, 0, 0, cell1 / 4, cell1 * 3 / 4};
        for (std::size_t c = 0; c < 16; ++c)
            QVERIFY2(std::abs(t.data()[c] - expected[c]) < 1e-4,
                qPrintable(QString("cell %1: %2, expected %3").arg(c).arg(t.data()[c]).arg(expected[c])));
        // A gradient that varies moves each sub-cell by the value interpolated between cell
        // centres; the line's sum stays.
        Cube x2(s, b), g2(s, b);
        std::fill(x2.mutableData(), x2.mutableData() + x2.voxelCount(), 1.0f);
        for (std::size_t c = 0; c < 16; ++c)
            g2.mutableData()[c] = float(0.15 * std::sin(0.9 * double(c)));
        Cube moved = brightnessTemperature(d, x2, 8.0, Cosmology {}, {}, 1);
        double before = 0;
        for (std::size_t c = 0; c < 16; ++c)
            before += moved.data()[c] / (1.0 + g2.data()[c]);
        moved = brightnessTemperature(d, x2, 8.0, Cosmology {}, g2);
        double after = 0;
        for (std::size_t c = 0; c < 16; ++c)
            after += moved.data()[c];
        QVERIFY2(std::abs(after - before) < 1e-4 * before, qPrintable(QString("%1 vs %2").arg(after).arg(before)));
        QVERIFY(std::abs(moved.data()[5] - t0 / (1.0 + g2.data()[5])) > 1e-3); // it did move
    }

    void cellScaleHaloesArePoissonDrawn()
    {
        // At 1.5 Mpc cells and M_min = 5e8 Msun a cell holds about one M_min halo on average, so
        // (as in classic 21cmFAST) whole haloes are drawn: a good share of the not-ionized cells
        // holds none and stays fully neutral, and x_HI (1 + δ) is not capped at a single value
        // (the real 21cmFAST sample: 20% of cells at x_HI = 1, 99th percentile of x_HI(1+δ) 1.007).
        SimulationParams p = smallParams(64, 96);
        p.seed = 3;
        const auto r = simulate(p);
        const float* x = r[0].neutralFraction.data();
        const float* d = r[0].density.data();
        const std::size_t n = r[0].neutralFraction.voxelCount();
        std::size_t neutral = 0;
        std::vector<float> column;
        for (std::size_t i = 0; i < n; ++i) {
            neutral += x[i] == 1.0f;
            if (x[i] > 0)
                column.push_back(x[i] * (1.0f + d[i]));
        }
        const double neutralShare = double(neutral) / double(n);
        QVERIFY2(neutralShare > 0.1 && neutralShare < 0.5, qPrintable(QString::number(neutralShare)));
        std::sort(column.begin(), column.end());
        const float p90 = column[column.size() * 90 / 100], p99 = column[column.size() * 99 / 100];
        QVERIFY2(p99 > 0.95 && p99 - p90 > 0.05, qPrintable(QString("p90 %1 p99 %2").arg(p90).arg(p99)));
        // The draws belong to the box, not to ζ: a larger ζ never leaves a cell more neutral.
        Simulator sim(p);
        const auto two = sim.ionize(8.0, {20.0, 30.0});
        for (std::size_t i = 0; i < n; ++i)
            QVERIFY(two[1].neutralFraction.data()[i] <= two[0].neutralFraction.data()[i]);
    }

    void fullyNeutralAtHighRedshift()
    {
        SimulationParams p = smallParams(16, 24);
        p.redshifts = {30.0};
        const auto r = simulate(p);
        QCOMPARE(r[0].nf, 1.0);
    }
};

QTEST_GUILESS_MAIN(TestSimPhysics)
#include "tst_sim_physics.moc"

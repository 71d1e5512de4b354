// The statistics of issue 12 against cases with known answers: white noise (flat P(k) = σ² V_cell),
// plane waves (one cylindrical cell), one ionized sphere (one friends-of-friends region of its
// volume; mean free path 3R/4), PDFs whose moments are exact, the KS distance, r(k) and the
// run-to-run comparison.
#include "fixtures.h"

#include "stats/bubble_sizes.h"
#include "stats/compare.h"
#include "stats/cross_power.h"
#include "stats/cube_statistics.h"
#include "stats/cylindrical_power.h"
#include "stats/lightcone_chunks.h"
#include "stats/pdf.h"
#include "util/error.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace rs;

namespace {

Cube noiseCube(std::size_t n, double box, double sigma, unsigned seed, Quantity q = Quantity::Other)
{
    CubeMetadata m;
    m.quantity = q;
    Cube c({n, n, n}, {box, box, box}, m);
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, float(sigma));
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        c.mutableData()[i] = g(rng);
    return c;
}

/// x_HI cube: 0 inside a sphere of `radius` cells around `centre` (periodic distance), 1 outside.
Cube sphereCube(std::size_t n, double radius, std::array<double, 3> centre)
{
    CubeMetadata m;
    m.quantity = Quantity::NeutralFraction;
    Cube c({n, n, n}, {double(n), double(n), double(n)}, m); // 1 Mpc cells
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
                double d2 = 0;
                const std::size_t idx[3] = {i, j, k};
                for (int a = 0; a < 3; ++a) {
                    double d = std::abs(double(idx[a]) + 0.5 - centre[std::size_t(a)]);
                    d = std::min(d, double(n) - d);
                    d2 += d * d;
                }
                c.mutableData()[c.index(i, j, k)] = d2 < radius * radius ? 0.0f : 1.0f;
            }
    return c;
}

} // namespace

class TestStatsAnalysis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void whiteNoiseHasFlatPower()
    {
        const std::size_t n = 64;
        const double box = 96.0, sigma = 2.0;
        const double expected = sigma * sigma * std::pow(box / double(n), 3); // σ² V_cell
        const PowerSpectrum ps = powerSpectrum(noiseCube(n, box, sigma, 7));
        QCOMPARE(ps.power.size(), ps.k.size());
        double weighted = 0, modes = 0;
        int tight = 0;
        for (std::size_t i = 0; i < ps.k.size(); ++i) {
            const double rel = ps.power[i] / expected - 1;
            // Each mode's |X|² scatters by 100 %: a bin of m modes by 1/√m.
            QVERIFY2(std::abs(rel) < 5.0 / std::sqrt(ps.modes[i]), qPrintable(QString("bin %1: %2").arg(i).arg(rel)));
            if (ps.modes[i] >= 4000) {
                QVERIFY2(std::abs(rel) < 0.05, qPrintable(QString("bin %1: %2").arg(i).arg(rel)));
                ++tight;
            }
            weighted += ps.power[i] * ps.modes[i];
            modes += ps.modes[i];
        }
        QVERIFY(tight >= 3);
        QVERIFY2(
            std::abs(weighted / modes / expected - 1) < 0.01, qPrintable(QString::number(weighted / modes / expected)));
        // The cylindrical spectrum of the same noise is flat too (mode-weighted over every cell).
        const CylindricalPower cyl = cylindricalPowerSpectrum(noiseCube(n, box, sigma, 8));
        double cw = 0, cm = 0;
        for (std::size_t i = 0; i < cyl.power.size(); ++i)
            if (cyl.modes[i] > 0) {
                cw += cyl.power[i] * cyl.modes[i];
                cm += cyl.modes[i];
                if (cyl.modes[i] >= 4000)
                    QVERIFY(std::abs(cyl.power[i] / expected - 1) < 0.05);
            }
        QVERIFY(std::abs(cw / cm / expected - 1) < 0.01);
    }

    void cylindricalPowerPlacesAPlaneWave()
    {
        const std::size_t n = 32;
        const double box = 64.0, amp = 3.0;
        const int mPerp = 4, mPar = 6; // wave vector (4, 0, 6): k⊥ along axis 0, k∥ along axis 2
        Cube c({n, n, n}, {box, box, box});
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t k = 0; k < n; ++k)
                    c.mutableData()[c.index(i, j, k)] = float(
                        amp * std::cos(2 * std::numbers::pi * (mPerp * double(i) + mPar * double(k)) / double(n)));
        const CylindricalPower cyl = cylindricalPowerSpectrum(c);
        // One half-space mode holds P = A² V / 4; its cell's mean is that over the cell's modes.
        const double perMode = amp * amp * box * box * box / 4;
        int found = 0;
        for (std::size_t i = 0; i < cyl.kPerp.size(); ++i)
            for (std::size_t j = 0; j < cyl.kPar.size(); ++j) {
                const double p = cyl.at(i, j);
                if (!(p > 1e-6 * perMode))
                    continue;
                ++found;
                const double kp = 2 * std::numbers::pi * mPerp / box, kq = 2 * std::numbers::pi * mPar / box;
                QVERIFY(std::abs(cyl.kPar[j] / kq - 1) < 0.3);
                QVERIFY(std::abs(cyl.kPerp[i] / kp - 1) < 0.3);
                QVERIFY(std::abs(p * cyl.modes[i * cyl.kPar.size() + j] / perMode - 1) < 1e-4);
            }
        QCOMPARE(found, 1);
        QVERIFY_THROWS_EXCEPTION(ParameterError, cylindricalPowerSpectrum(c, -1, 0));
    }

    void crossCorrelationCoefficient()
    {
        const Cube a = noiseCube(32, 48.0, 1.0, 1), b = noiseCube(32, 48.0, 1.0, 2);
        Cube neg = a.clone();
        for (std::size_t i = 0; i < neg.voxelCount(); ++i)
            neg.mutableData()[i] = -3.0f * a.data()[i];
        const CrossCorrelation self = crossCorrelation(a, a), anti = crossCorrelation(a, neg),
                               indep = crossCorrelation(a, b);
        for (std::size_t i = 0; i < self.k.size(); ++i) {
            QVERIFY(std::abs(self.r[i] - 1) < 1e-6);
            QVERIFY(std::abs(anti.r[i] + 1) < 1e-6);
            QVERIFY2(std::abs(indep.r[i]) < 4.0 / std::sqrt(indep.modes[i]), qPrintable(QString::number(indep.r[i])));
        }
        QVERIFY_THROWS_EXCEPTION(ParameterError, crossCorrelation(a, noiseCube(16, 48.0, 1.0, 3)));
    }

    void pdfMomentsOfKnownDistributions()
    {
        // Bernoulli(p): a quarter of the cells hold 1.
        Cube c({16, 16, 16}, {16, 16, 16});
        for (std::size_t i = 0; i < c.voxelCount(); ++i)
            c.mutableData()[i] = i % 4 == 0 ? 1.0f : 0.0f;
        const double p = 0.25, q = 1 - p;
        Moments m = moments(c);
        QVERIFY(std::abs(m.mean - p) < 1e-12);
        QVERIFY(std::abs(m.variance - p * q) < 1e-12);
        QVERIFY(std::abs(m.skewness - (q - p) / std::sqrt(p * q)) < 1e-9);
        QVERIFY(std::abs(m.kurtosis - (1 - 6 * p * q) / (p * q)) < 1e-9);
        // Discrete uniform on n points: variance (n² − 1)/12 (unit spacing), excess kurtosis −6(n²+1)/(5(n²−1)).
        const double nn = double(c.voxelCount());
        for (std::size_t i = 0; i < c.voxelCount(); ++i)
            c.mutableData()[i] = float(i);
        m = moments(c);
        QVERIFY(std::abs(m.mean - (nn - 1) / 2) < 1e-9);
        QVERIFY(std::abs(m.variance / ((nn * nn - 1) / 12) - 1) < 1e-9);
        QVERIFY(std::abs(m.skewness) < 1e-9);
        QVERIFY(std::abs(m.kurtosis + 6 * (nn * nn + 1) / (5 * (nn * nn - 1))) < 1e-9);
        // Gaussian samples: skewness and excess kurtosis near 0 (σ = √(6/N), √(24/N)).
        const Pdf g = pdf(noiseCube(64, 64.0, 3.0, 5), 50);
        const double big = 64.0 * 64 * 64;
        QVERIFY(std::abs(g.moments.variance / 9 - 1) < 0.01);
        QVERIFY(std::abs(g.moments.skewness) < 4 * std::sqrt(6 / big));
        QVERIFY(std::abs(g.moments.kurtosis) < 4 * std::sqrt(24 / big));
        QCOMPARE(g.histogram.counts.size(), std::size_t(50));
        double integral = 0;
        for (std::size_t i = 0; i < 50; ++i)
            integral += g.density(i) * (g.histogram.edges[i + 1] - g.histogram.edges[i]);
        QVERIFY(std::abs(integral - 1) < 1e-9);
        // A constant field has no shape.
        std::fill(c.mutableData(), c.mutableData() + c.voxelCount(), 2.0f);
        QVERIFY(std::isnan(moments(c).skewness));
    }

    void ksDistanceOfShiftedDistributions()
    {
        Cube a({8, 8, 8}, {8, 8, 8}), b({4, 4, 4}, {4, 4, 4});
        for (std::size_t i = 0; i < a.voxelCount(); ++i)
            a.mutableData()[i] = float(i) / float(a.voxelCount()); // uniform on [0, 1)
        for (std::size_t i = 0; i < b.voxelCount(); ++i)
            b.mutableData()[i] = 0.25f + float(i) / float(b.voxelCount()); // uniform on [0.25, 1.25)
        QVERIFY(std::abs(ksDistance(a, b) - 0.25) < 0.02);
        QCOMPARE(ksDistance(a, a), 0.0);
        Cube zero({4, 4, 4}, {4, 4, 4}), one({4, 4, 4}, {4, 4, 4});
        std::fill(one.mutableData(), one.mutableData() + one.voxelCount(), 1.0f);
        QCOMPARE(ksDistance(zero, one), 1.0);
        std::fill(zero.mutableData(), zero.mutableData() + zero.voxelCount(), std::nanf(""));
        QVERIFY_THROWS_EXCEPTION(ParameterError, ksDistance(zero, one));
        // Sorted lists (a reference sorted once): the same distance; ties stepped over together.
        const std::vector<float> x = sortedFinite(a.data(), a.voxelCount()), y = sortedFinite(b.data(), b.voxelCount());
        QCOMPARE(ksDistanceSorted(x, y), ksDistance(a, b));
        QCOMPARE(ksDistanceSorted({1, 2, 2, 3}, {2, 3, 4}), 5.0 / 12.0); // at 2: 3/4 against 1/3
        QCOMPARE(sortedFinite(std::vector<float> {3, std::nanf(""), 1}.data(), 3), (std::vector<float> {1, 3}));
        QVERIFY_THROWS_EXCEPTION(ParameterError, ksDistanceSorted({}, y));
    }

    void sphereIsOneRegionOfItsVolume()
    {
        const double radius = 14.0;
        // Centred across the box's corner: the region is whole only through the periodic faces.
        const Cube c = sphereCube(64, radius, {2.0, 63.0, 30.5});
        const FofRegions f = friendsOfFriends(c);
        QCOMPARE(f.volumes.size(), std::size_t(1));
        const double v = 4.0 / 3.0 * std::numbers::pi * radius * radius * radius;
        QVERIFY2(std::abs(f.largest / v - 1) < 0.02, qPrintable(QString("%1 vs %2").arg(f.largest).arg(v)));
        QCOMPARE(f.ionizedVolume, f.largest);
        double total = 0;
        for (std::size_t i = 0; i < f.v.size(); ++i)
            total += f.vdPdV[i] * std::log(f.v.size() > 1 ? f.v[1] / f.v[0] : 1.0);
        QVERIFY(std::abs(total - 1) < 1e-9); // V dP/dV integrates to the whole ionized volume
        // Two spheres apart: two regions, largest first.
        Cube two = sphereCube(64, 8.0, {16, 16, 16});
        const Cube other = sphereCube(64, 5.0, {48, 48, 48});
        for (std::size_t i = 0; i < two.voxelCount(); ++i)
            two.mutableData()[i] = std::min(two.data()[i], other.data()[i]);
        const FofRegions f2 = friendsOfFriends(two);
        QCOMPARE(f2.volumes.size(), std::size_t(2));
        QVERIFY(f2.volumes[0] > f2.volumes[1]);
        QVERIFY_THROWS_EXCEPTION(ParameterError, friendsOfFriends(two, 1.5));
    }

    void meanFreePathOfASphereIsThreeQuartersOfItsRadius()
    {
        // Mean over uniform points of the sphere and uniform directions of the distance to the
        // surface: ∫ L² / (2 ∫ L) over isotropic chords = 2R² / (8R/3) = 3R/4.
        const double radius = 16.0;
        const Cube c = sphereCube(64, radius, {60.0, 32.0, 32.0});
        MfpOptions o;
        o.rays = 200000;
        o.threads = 2;
        const MeanFreePath m = meanFreePath(c, o);
        QCOMPARE(m.rays, o.rays);
        QCOMPARE(m.truncated, std::size_t(0));
        QVERIFY2(std::abs(m.mean / (0.75 * radius) - 1) < 0.05, qPrintable(QString::number(m.mean)));
        // The distribution ends at the diameter and integrates to 1 over ln R.
        double total = 0;
        const double dlnR = std::log(m.r[1] / m.r[0]);
        for (std::size_t i = 0; i < m.r.size(); ++i) {
            total += m.rdPdR[i] * dlnR;
            if (m.r[i] > 2.3 * radius)
                QCOMPARE(m.rdPdR[i], 0.0);
        }
        QVERIFY(std::abs(total + double(m.shortRays) / double(m.rays) - 1) < 1e-9);
        QVERIFY(m.shortRays < m.rays / 20);
        // The same seed gives the same answer on any number of threads.
        o.threads = 1;
        QCOMPARE(meanFreePath(c, o).rdPdR, m.rdPdR);
        // A fully ionized box: every ray runs out.
        Cube open = c.clone();
        std::fill(open.mutableData(), open.mutableData() + open.voxelCount(), 0.0f);
        o.rays = 1000;
        const MeanFreePath none = meanFreePath(open, o);
        QCOMPARE(none.truncated, o.rays);
        QVERIFY(std::isnan(none.mean));
        o.rays = 0;
        QVERIFY_THROWS_EXCEPTION(ParameterError, meanFreePath(c, o));
    }

    void statisticsOfANeutralFractionCube()
    {
        const Cube c = sphereCube(32, 6.0, {16, 16, 16});
        StatisticsOptions o;
        o.mfp.rays = 20000;
        const FieldStatistics s = computeStatistics(c, o);
        QVERIFY(s.meanFreePath && s.regions);
        QVERIFY(!s.spectrum.k.empty() && !s.cylindrical.kPerp.empty());
        QCOMPARE(s.pdf.moments.count, c.voxelCount());
        const FieldStatistics d = computeStatistics(noiseCube(16, 16.0, 1.0, 1), o);
        QVERIFY(!d.meanFreePath && !d.regions); // bubbles only for x_HI
    }

    void comparisonOfTwoCubes()
    {
        const Cube a = sphereCube(32, 8.0, {16, 16, 16});
        CompareOptions o;
        const CubeComparison same = compareCubes(a, a, o);
        QVERIFY(same.sameGrid);
        QCOMPARE(same.ksDistance, 0.0);
        QCOMPARE(*same.sameSideFraction, 1.0);
        QVERIFY(std::abs(same.medianRatio - 1) < 1e-12);
        for (double r : same.cross->r)
            QVERIFY(std::abs(r - 1) < 1e-6);
        // B shifted by one cell: same statistics, fewer cells agree.
        const Cube b = sphereCube(32, 8.0, {20, 16, 16});
        const CubeComparison shifted = compareCubes(a, b, o);
        QVERIFY(std::abs(shifted.medianRatio - 1) < 1e-4);
        QVERIFY(*shifted.sameSideFraction < 1.0 && *shifted.sameSideFraction > 0.9);
        // Twice the amplitude: Δ² ratio 4.
        Cube x = noiseCube(32, 48.0, 1.0, 4, Quantity::BrightnessTemperature), y = x.clone();
        for (std::size_t i = 0; i < y.voxelCount(); ++i)
            y.mutableData()[i] *= 0.5f;
        const CubeComparison twice = compareCubes(x, y, o);
        QVERIFY(std::abs(twice.medianRatio - 4) < 1e-4);
        QVERIFY(!twice.sameSideFraction);
        QVERIFY(twice.ksDistance > 0.1);
        // Another grid: B is interpolated, no r(k).
        const CubeComparison grids = compareCubes(x, noiseCube(16, 48.0, 1.0, 5, Quantity::BrightnessTemperature), o);
        QVERIFY(!grids.sameGrid && !grids.cross);
        QVERIFY(std::isfinite(grids.medianRatio));
        QVERIFY_THROWS_EXCEPTION(ParameterError, compareCubes(a, x, o));
    }

    void lightconeChunksAgainstRedshift()
    {
        const DistanceCosmology c; // h 0.68, Ω_m 0.31: D_C(8) = 9,100.6 Mpc (numpy trapezoid, 2·10⁵ steps)
        QVERIFY(std::abs(c.comovingDistance(8.0) / 9100.6 - 1) < 1e-4);
        QVERIFY(std::abs(c.redshiftAt(c.comovingDistance(7.3)) - 7.3) < 1e-6);
        // A 16 × 16 × 100 lightcone of white noise, 3 Mpc cells, first slice at z = 7.
        Cube lc = noiseCube(16, 48.0, 2.0, 9);
        Cube longer({16, 16, 100}, {48.0, 48.0, 300.0});
        for (std::size_t i = 0; i < longer.voxelCount(); ++i)
            longer.mutableData()[i] = lc.data()[i % lc.voxelCount()] * (i % 7 == 0 ? -1.0f : 1.0f);
        longer.metadata().redshift = 7.0;
        const std::vector<LightconeChunk> chunks = lightconeChunks(longer, 16);
        QCOMPARE(chunks.size(), std::size_t(6)); // 96 of 100 cells in whole chunks
        double previous = 7.0;
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            QCOMPARE(chunks[i].firstCell, 16 * i);
            QVERIFY(*chunks[i].redshift > previous); // z grows along the line of sight
            previous = *chunks[i].redshift;
            QVERIFY(!chunks[i].spectrum.k.empty());
        }
        const double dz = *chunks[0].redshift - 7.0, expected = c.redshiftAt(c.comovingDistance(7.0) + 24.0) - 7.0;
        QVERIFY(std::abs(dz / expected - 1) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(ParameterError, lightconeChunks(longer, 101));
    }

    void pairingByQuantityAndRedshift()
    {
        auto entry = [](const std::string& path, Quantity q, double z) {
            CubeEntry e;
            e.path = path;
            e.quantity = q;
            e.redshift = z;
            return e;
        };
        const std::vector<CubeEntry> a = {entry("a/x8", Quantity::NeutralFraction, 8),
            entry("a/t8", Quantity::BrightnessTemperature, 8), entry("a/x9", Quantity::NeutralFraction, 9)};
        const std::vector<CubeEntry> b = {entry("b/t8", Quantity::BrightnessTemperature, 8.0000001),
            entry("b/x8", Quantity::NeutralFraction, 8), entry("b/x7", Quantity::NeutralFraction, 7)};
        const EntryPairing p = pairEntries(a, b);
        QCOMPARE(p.pairs.size(), std::size_t(2));
        for (const auto& [ea, eb] : p.pairs)
            QCOMPARE(ea.quantity, eb.quantity);
        QCOMPARE(p.onlyA.size(), std::size_t(1));
        QCOMPARE(p.onlyA.front().path, std::string("a/x9"));
        QCOMPARE(p.onlyB.front().path, std::string("b/x7"));
        std::vector<CubeEntry> dup = a;
        dup.push_back(entry("a/x8-again", Quantity::NeutralFraction, 8));
        QVERIFY_THROWS_EXCEPTION(ParameterError, pairEntries(dup, b));
    }
};

QTEST_GUILESS_MAIN(TestStatsAnalysis)
#include "tst_stats_analysis.moc"

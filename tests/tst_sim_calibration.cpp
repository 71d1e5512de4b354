// The simulator against real classic 21cmFAST v2 boxes (../shared/data/21cmfast-calibration, 64³ /
// 96 Mpc, RANDOM_SEED 1): (1) the ionization alone, on 21cmFAST's own density boxes, cell by cell;
// (2) whole runs (own initial conditions, 4 seeds) against nf, Δ²(k) of δT_b and the δT_b PDF.
// Targets from issue 10: ≥ 97 % of cells on the same side of x_HI = 0.5; seed-mean |Δnf| ≤ 0.02;
// median Δ²(k) ratio over 0.1 < k < 1 / Mpc within 15 %; KS distance of the δT_b PDFs ≤ 0.1.
// Skips, saying so, where the data are absent.
#include "fixtures.h"

#include "io/cube_loader.h"
#include "io/power_spectrum_file.h"
#include "numerics/fft_grid.h"
#include "sim/brightness.h"
#include "sim/simulator.h"
#include "stats/pdf.h"
#include "stats/power_spectrum.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace rs;

namespace {

constexpr int kSeeds = 4;

struct Point {
    double z, zeta;
    const char* folder;
    double nf; ///< 21cmFAST's, from the calibration README
};
const Point kPoints[] = {{7, 20, "zeta20", 0.138604}, {8, 20, "zeta20", 0.548080}, {9, 20, "zeta20", 0.769289},
    {10, 20, "zeta20", 0.880615}, {9, 40, "zeta40", 0.470370}};

QString calibrationDir()
{
    const QString sample = fixtures::sampleDir();
    if (sample.isEmpty())
        return {};
    const QString dir = QDir(sample).filePath("../21cmfast-calibration");
    return QDir(dir).exists() ? QDir(dir).canonicalPath() : QString();
}

/// The one file of `folder` whose name starts with `prefix` (and ends with `suffix`).
std::string findFile(const QString& folder, const QString& prefix, const QString& suffix = {})
{
    const QStringList names = QDir(folder).entryList({prefix + "*" + suffix}, QDir::Files);
    if (names.size() != 1)
        qFatal(
            "calibration data: expected one %s*%s in %s", qPrintable(prefix), qPrintable(suffix), qPrintable(folder));
    return QDir(folder).filePath(names.front()).toStdString();
}

QString zTag(double z)
{
    return QString::asprintf("z%06.2f", z);
}

double sameSide(const Cube& a, const Cube& b)
{
    std::size_t same = 0;
    for (std::size_t i = 0; i < a.voxelCount(); ++i)
        same += (a.data()[i] > 0.5f) == (b.data()[i] > 0.5f);
    return double(same) / double(a.voxelCount());
}

double meanOf(const Cube& c)
{
    double s = 0;
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        s += c.data()[i];
    return s / double(c.voxelCount());
}

/// Share of cells at or above 1 mK.
double brightShare(const Cube& c)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        n += c.data()[i] >= 1.0f;
    return double(n) / double(c.voxelCount());
}

/// Root-mean-square difference of two cubes of the same shape.
double rmsDifference(const Cube& a, const Cube& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.voxelCount(); ++i)
        s += double(a.data()[i] - b.data()[i]) * double(a.data()[i] - b.data()[i]);
    return std::sqrt(s / double(a.voxelCount()));
}

double ksDistance(const std::vector<float>& a, const std::vector<float>& b)
{
    return ksDistanceSorted(sortedFinite(a.data(), a.size()), sortedFinite(b.data(), b.size()));
}

SimulationParams calibrationParams()
{
    SimulationParams p;
    p.dim = 64;
    p.boxMpc = 96;
    p.zeta = 20;
    p.velocities = true;
    p.threads = 2;
    return p;
}

} // namespace

class TestSimCalibration : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ionizationOnClassicDensityMatchesCellByCell()
    {
        const QString dir = calibrationDir();
        if (dir.isEmpty())
            QSKIP("the 21cmFAST calibration boxes are absent; skipping");
        for (const Point& pt : kPoints) {
            const QString folder = QDir(dir).filePath(pt.folder);
            // z = 8 of ζ = 20 lives in the sample folder (same realization and density).
            const QString densityFolder = pt.z == 8 ? fixtures::sampleDir() : folder;
            const Cube density = loadCube(findFile(densityFolder, "updated_smoothed_deltax_" + zTag(pt.z)));
            const Cube reference = loadCube(findFile(densityFolder, "xH_nohalos_" + zTag(pt.z)));
            SimulationParams p = calibrationParams();
            p.zeta = pt.zeta;
            const SimulatedRedshift r = ionizeDensity(density, pt.z, {pt.zeta}, p).front();
            const double same = sameSide(r.neutralFraction, reference);
            const QString what = QString("z %1 zeta %2: nf %3 vs %4, same side %5")
                                     .arg(pt.z)
                                     .arg(pt.zeta)
                                     .arg(r.nf)
                                     .arg(pt.nf)
                                     .arg(same);
            QVERIFY2(same >= 0.97, qPrintable(what));
            QVERIFY2(std::abs(r.nf - pt.nf) <= 0.01, qPrintable(what));
            QVERIFY2(std::abs(meanOf(reference) - pt.nf) < 1e-5, qPrintable(what)); // the README's figure
        }
    }

    void simulatedRunsMatchNeutralFractionPowerAndPdf()
    {
        const QString dir = calibrationDir();
        if (dir.isEmpty())
            QSKIP("the 21cmFAST calibration boxes are absent; skipping");
        constexpr std::size_t nPoints = std::size(kPoints);
        std::vector<double> nf(nPoints, 0.0);
        std::vector<std::vector<double>> power(nPoints);
        std::vector<std::vector<float>> tb(nPoints);
        for (int seed = 1; seed <= kSeeds; ++seed) {
            SimulationParams p = calibrationParams();
            p.seed = std::uint64_t(seed);
            p.redshifts = {7, 8, 9, 10};
            Simulator sim(p);
            for (std::size_t i = 0; i < nPoints; ++i) {
                const SimulatedRedshift r = sim.ionize(kPoints[i].z, {kPoints[i].zeta}).front();
                nf[i] += r.nf / kSeeds;
                const PowerSpectrum ps = powerSpectrum(r.brightnessTemperature);
                power[i].resize(ps.k.size(), 0.0);
                for (std::size_t b = 0; b < ps.k.size(); ++b)
                    power[i][b] += ps.delta2[b] / kSeeds;
                tb[i].insert(tb[i].end(), r.brightnessTemperature.data(),
                    r.brightnessTemperature.data() + r.brightnessTemperature.voxelCount());
            }
        }
        for (std::size_t i = 0; i < nPoints; ++i) {
            const Point& pt = kPoints[i];
            const QString folder = QDir(dir).filePath(pt.folder);
            const QString tbFolder = pt.z == 8 ? fixtures::sampleDir() : folder;
            const auto ref = readClassicPowerSpectrum(findFile(QDir(folder).filePath("ps"), "ps_" + zTag(pt.z), "_v3"));
            const Cube refTb = loadCube(findFile(tbFolder, "delta_T_v3_" + zTag(pt.z)));
            QCOMPARE(ref.k.size(), power[i].size());
            std::vector<double> ratios;
            for (std::size_t b = 0; b < ref.k.size(); ++b)
                if (ref.k[b] > 0.1 && ref.k[b] < 1.0)
                    ratios.push_back(power[i][b] / ref.delta2[b]);
            QVERIFY(ratios.size() >= 4);
            std::sort(ratios.begin(), ratios.end());
            const std::size_t h = ratios.size() / 2;
            const double median = ratios.size() % 2 ? ratios[h] : 0.5 * (ratios[h - 1] + ratios[h]);
            const double ks = ksDistance(tb[i], std::vector<float>(refTb.data(), refTb.data() + refTb.voxelCount()));
            const QString what = QString("z %1 zeta %2: nf %3 vs %4, median power ratio %5, KS %6")
                                     .arg(pt.z)
                                     .arg(pt.zeta)
                                     .arg(nf[i])
                                     .arg(pt.nf)
                                     .arg(median)
                                     .arg(ks);
            qInfo("%s", qPrintable(what));
            QVERIFY2(std::abs(nf[i] - pt.nf) <= 0.02, qPrintable(what));
            QVERIFY2(std::abs(median - 1.0) <= 0.15, qPrintable(what));
            QVERIFY2(ks <= 0.1, qPrintable(what));
        }
    }

    void velocityTermsOnClassicFieldsMatchDeltaTv3()
    {
        // δT_b with velocities from 21cmFAST's own density and x_HI against its delta_T_v3 box. Its
        // sub-cell RSD moves signal into ionized cells next to neutral ones, so the share of cells
        // ≥ 1 mK exceeds the share with x_HI > 0 by 0.006-0.03; the gradient factor alone misses
        // that. With the classic sub-cell step the share matches within 0.002 and the cells within
        // 0.5 mK rms (measured 0.0001 and 0.08-0.33 mK; the gradient factor alone 0.37-1.8 mK).
        const QString dir = calibrationDir();
        if (dir.isEmpty())
            QSKIP("the 21cmFAST calibration boxes are absent; skipping");
        const SimulationParams p = calibrationParams();
        const LinearCosmology cosmology(p.cosmology);
        const fft::Plans plans(p.dim, p.threadCount());
        for (const Point& pt : kPoints) {
            const QString folder = QDir(dir).filePath(pt.folder);
            const QString zetaFolder = pt.z == 8 ? fixtures::sampleDir() : folder;
            const Cube density = loadCube(findFile(zetaFolder, "updated_smoothed_deltax_" + zTag(pt.z)));
            const Cube xh = loadCube(findFile(zetaFolder, "xH_nohalos_" + zTag(pt.z)));
            const Cube real = loadCube(findFile(zetaFolder, "delta_T_v3_" + zTag(pt.z)));
            const Cube gradient = linearVelocityGradient(density, pt.z, cosmology, plans);
            const Cube ours = brightnessTemperature(density, xh, pt.z, p.cosmology, gradient, p.threadCount());
            // The same without the sub-cell step: the gradient factor only.
            Cube noSubcells = brightnessTemperature(density, xh, pt.z, p.cosmology);
            for (std::size_t i = 0; i < noSubcells.voxelCount(); ++i)
                noSubcells.mutableData()[i]
                    /= 1.0f + std::clamp(gradient.data()[i], -float(kMaxVelocityGradient), float(kMaxVelocityGradient));
            const QString what
                = QString("z %1 zeta %2: cells >= 1 mK %3, 21cmFAST %4, gradient factor only %5; rms difference "
                          "from 21cmFAST %6 mK, gradient factor only %7 mK")
                      .arg(pt.z)
                      .arg(pt.zeta)
                      .arg(brightShare(ours))
                      .arg(brightShare(real))
                      .arg(brightShare(noSubcells))
                      .arg(rmsDifference(ours, real))
                      .arg(rmsDifference(noSubcells, real));
            qInfo("%s", qPrintable(what));
            QVERIFY2(std::abs(brightShare(ours) - brightShare(real)) <= 0.002, qPrintable(what));
            QVERIFY2(brightShare(real) - brightShare(noSubcells) >= 0.005, qPrintable(what));
            QVERIFY2(rmsDifference(ours, real) <= 0.5, qPrintable(what));
            QVERIFY2(rmsDifference(ours, real) <= 0.5 * rmsDifference(noSubcells, real), qPrintable(what));
            // The move keeps the signal: same mean as the gradient factor alone.
            QVERIFY2(std::abs(meanOf(ours) - meanOf(noSubcells)) <= 1e-4 * meanOf(noSubcells), qPrintable(what));
        }
    }

    void v2ModelOnClassicDensityMatchesCellByCell()
    {
        // The v2 default model (F_ESC10 0.10) at z = 8 on 21cmFAST's own density, its history from
        // z = 12 in steps of 0.2 as the calibration run's driver (earlier steps scale that density
        // by linear growth).
        const QString dir = calibrationDir();
        if (dir.isEmpty())
            QSKIP("the 21cmFAST calibration boxes are absent; skipping");
        const QString folder = QDir(dir).filePath("v2_default_fesc0.10");
        const Cube density = loadCube(findFile(folder, "updated_smoothed_deltax_z008.00"));
        const Cube reference = loadCube(findFile(folder, "xH_nohalos_z008.00"));
        SimulationParams p = calibrationParams();
        p.sources = SourceModel::ParkV2;
        p.zeta.reset();
        p.park.zStart = 12.0;
        const SimulatedRedshift r = ionizeDensity(density, 8.0, {p.effectiveZeta()}, p).front();
        const double same = sameSide(r.neutralFraction, reference);
        const QString what = QString("nf %1 vs 0.604404, same side %2").arg(r.nf).arg(same);
        QVERIFY2(same >= 0.97, qPrintable(what));
        QVERIFY2(std::abs(r.nf - 0.604404) <= 0.02, qPrintable(what));
        // Without recombinations the same sources ionize far more: they are not a detail.
        p.park.recombinations = false;
        const double nfNoRec = ionizeDensity(density, 8.0, {p.effectiveZeta()}, p).front().nf;
        QVERIFY2(nfNoRec < r.nf - 0.05, qPrintable(QString("without recombinations nf %1").arg(nfNoRec)));
    }
};

QTEST_GUILESS_MAIN(TestSimCalibration)
#include "tst_sim_calibration.moc"

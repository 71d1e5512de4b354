// The v2 source model's history (simulate --sources v2) against the real 21cmFAST v2 default run
// (../shared/data/21cmfast-calibration/v2_default_fesc0.10: 64³ / 96 Mpc, driver from z = 12 in
// steps of 0.2; nf(z) in its power-spectrum file names). 4 seeds of our own initial conditions;
// issue 10's targets: seed-mean |Δnf| ≤ 0.02, median Δ²(k) ratio of δT_b within 15 %.
#include "fixtures.h"

#include "io/power_spectrum_file.h"
#include "sim/reionization_history.h"
#include "sim/simulator.h"
#include "stats/power_spectrum.h"
#include "util/error.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>

using namespace rs;

namespace {

constexpr int kSeeds = 4;

SimulationParams v2Params(std::uint64_t seed)
{
    SimulationParams p;
    p.dim = 64;
    p.boxMpc = 96;
    p.sources = SourceModel::ParkV2;
    p.zeta.reset();
    p.park.zStart = 12.0;
    p.redshifts = {10.0, 9.0, 8.0, 7.6, 7.0};
    p.velocities = true;
    p.threads = 2;
    p.seed = seed;
    return p;
}

} // namespace

class TestSimHistory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void scheduleStepsDownAndHitsEveryTarget()
    {
        ParkSources park;
        park.zStart = 12.0;
        const auto zs = ReionizationHistory::schedule(park, {7.0, 9.05, 8.0});
        QCOMPARE(zs.front(), 12.0);
        QCOMPARE(zs.back(), 7.0);
        for (std::size_t i = 1; i < zs.size(); ++i)
            QVERIFY(zs[i] < zs[i - 1] && zs[i - 1] - zs[i] <= 0.2 + 1e-9);
        for (double t : {7.0, 9.05, 8.0})
            QVERIFY(std::count_if(zs.begin(), zs.end(), [&](double z) { return std::abs(z - t) < 1e-9; }) == 1);
        QCOMPARE(zs.size(), std::size_t(27)); // 12.0 … 7.0 by 0.2, plus 9.05
    }

    void historyRefusesToGoBackInTime()
    {
        SimulationParams p = v2Params(1);
        p.dim = 16;
        p.boxMpc = 24;
        const LinearCosmology c(p.cosmology);
        const fft::Plans plans(16, 1);
        ReionizationHistory h(p, c, plans);
        Cube d = Cube::uninitialized({16, 16, 16}, {24, 24, 24});
        std::fill(d.mutableData(), d.mutableData() + d.voxelCount(), 0.0f);
        h.step(d, 9.0);
        QVERIFY_THROWS_EXCEPTION(ParameterError, h.step(d, 9.5));
        SimulationParams constant = p;
        constant.sources = SourceModel::Constant;
        QVERIFY_THROWS_EXCEPTION(ParameterError, ReionizationHistory(constant, c, plans));
    }

    void historyMatchesTheClassicRun()
    {
        const QString sample = fixtures::sampleDir();
        const QString dir
            = sample.isEmpty() ? QString() : QDir(sample).filePath("../21cmfast-calibration/v2_default_fesc0.10/ps");
        if (dir.isEmpty() || !QDir(dir).exists())
            QSKIP("the 21cmFAST v2 calibration run is absent; skipping");
        std::map<double, double> nf;
        std::map<double, std::vector<double>> power;
        for (int seed = 1; seed <= kSeeds; ++seed)
            simulateEach(v2Params(std::uint64_t(seed)), [&](SimulatedRedshift&& r) {
                nf[r.z] += r.nf / kSeeds;
                const PowerSpectrum ps = powerSpectrum(r.brightnessTemperature);
                auto& acc = power[r.z];
                acc.resize(ps.k.size(), 0.0);
                for (std::size_t b = 0; b < ps.k.size(); ++b)
                    acc[b] += ps.delta2[b] / kSeeds;
            });
        QCOMPARE(nf.size(), std::size_t(5));
        QStringList failures;
        for (const auto& [z, ours] : nf) {
            // The classic run's nf(z) is in its file names: ps_z008.00_nf0.604404_…_v3.
            const QStringList names = QDir(dir).entryList({QString::asprintf("ps_z%06.2f_nf*_v3", z)}, QDir::Files);
            QCOMPARE(names.size(), 1);
            const double ref = names.front().section("_nf", 1).section('_', 0, 0).toDouble();
            const auto file = readClassicPowerSpectrum(QDir(dir).filePath(names.front()).toStdString());
            std::vector<double> ratios;
            for (std::size_t b = 0; b < file.k.size(); ++b)
                if (file.k[b] > 0.1 && file.k[b] < 1.0)
                    ratios.push_back(power[z][b] / file.delta2[b]);
            std::sort(ratios.begin(), ratios.end());
            const std::size_t h = ratios.size() / 2;
            const double median = ratios.size() % 2 ? ratios[h] : 0.5 * (ratios[h - 1] + ratios[h]);
            const QString what
                = QString("z %1: nf %2 vs %3, median power ratio %4").arg(z).arg(ours).arg(ref).arg(median);
            qInfo("%s", qPrintable(what));
            if (std::abs(ours - ref) > 0.02 || std::abs(median - 1.0) > 0.15)
                failures << what;
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("; ")));
    }
};

QTEST_GUILESS_MAIN(TestSimHistory)
#include "tst_sim_history.moc"

// `observe`: thermal noise that scales as 1/√hours, no channel means, the beam's smoothing, the
// foreground wedge, and refusals.
#include "fixtures.h"

#include "observe/observe.h"
#include "stats/cylindrical_power.h"
#include "util/error.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace rs;

namespace {

Cube brightness(std::size_t n, double box, bool withSignal)
{
    CubeMetadata m;
    m.quantity = Quantity::BrightnessTemperature;
    m.redshift = 8.0;
    Cube c({n, n, n}, {box, box, box}, m);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k)
                c.mutableData()[c.index(i, j, k)] = withSignal
                    ? float(20 + 10 * std::cos(2 * std::numbers::pi * (double(i) + 2.0 * double(k)) / double(n)))
                    : 0.0f;
    return c;
}

double rms(const Cube& c)
{
    double s = 0;
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        s += double(c.data()[i]) * c.data()[i];
    return std::sqrt(s / double(c.voxelCount()));
}

} // namespace

class TestObserve : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void noiseFallsAsOneOverSqrtHours_data()
    {
        QTest::addColumn<QString>("telescope");
        QTest::addColumn<double>("box"); // HERA's short baselines see only large scales: a larger box
        // HERA's few long baselines carry most of its noise variance, so its estimate needs more
        // realisations for the same precision.
        QTest::addColumn<int>("realisations");
        QTest::newRow("ska-low") << "ska-low" << 144.0 << 2;
        QTest::newRow("hera") << "hera" << 480.0 << 12;
    }
    void noiseFallsAsOneOverSqrtHours()
    {
        QFETCH(QString, telescope);
        QFETCH(double, box);
        QFETCH(int, realisations);
        const Cube empty = brightness(48, box, false);
        ObserveOptions o;
        o.telescope = *telescopeFromName(telescope.toStdString());
        // Independent realisations for each time (the ratio is measured, not built in), variances
        // averaged over a few of them.
        double variance[2] = {0, 0};
        const double hours[2] = {100, 1000};
        for (int h = 0; h < 2; ++h)
            for (int r = 0; r < realisations; ++r) {
                o.hours = hours[h];
                o.seed = std::uint64_t(100 * h + r + 1);
                const Observation obs = observe(empty, o);
                QVERIFY(obs.uvCells > 10);
                QVERIFY(std::abs(rms(obs.cube) / obs.noiseRmsMk - 1) < 1e-4); // empty sky: all noise
                variance[h] += obs.noiseRmsMk * obs.noiseRmsMk / realisations;
            }
        const double ratio = std::sqrt(variance[0] / variance[1]);
        qInfo("rms ratio 100 h / 1000 h: %.4f (sqrt 10 = 3.1623)", ratio);
        QVERIFY2(std::abs(ratio / std::sqrt(10.0) - 1) < 0.05, qPrintable(QString::number(ratio)));
    }

    void signalIsSmoothedAndLosesItsChannelMeans()
    {
        const Cube sky = brightness(48, 144.0, true);
        ObserveOptions o;
        o.noise = false;
        const Observation obs = observe(sky, o);
        QCOMPARE(obs.noiseRmsMk, 0.0);
        QVERIFY(obs.beamFwhmMpc > 1 && obs.beamFwhmMpc < 20); // SKA-Low at 158 MHz, 2 km: ~8 Mpc
        QVERIFY(std::abs(obs.frequencyMHz - 1420.40575 / 9) < 1e-9);
        const Shape& s = obs.cube.shape();
        for (std::size_t k = 0; k < s[2]; ++k) { // every channel's mean is gone
            double mean = 0;
            for (std::size_t i = 0; i < s[0]; ++i)
                for (std::size_t j = 0; j < s[1]; ++j)
                    mean += obs.cube.at(i, j, k);
            QVERIFY(std::abs(mean / double(s[0] * s[1])) < 1e-3);
        }
        // The wave (10 mK, k⊥ = 2π/144, k∥ = 4π/144) survives, damped by beam and bandwidth.
        const double a = rms(obs.cube) * std::sqrt(2.0);
        QVERIFY2(a > 3 && a < 10, qPrintable(QString::number(a)));
        QCOMPARE(obs.cube.metadata().parameters.at("telescope"), ParamValue(std::string("ska-low")));
    }

    void wedgeRemovesLowLineOfSightModes()
    {
        const Cube sky = brightness(32, 96.0, false);
        ObserveOptions o;
        o.wedge = true;
        o.hours = 10;
        const Observation obs = observe(sky, o);
        const CylindricalPower p = cylindricalPowerSpectrum(obs.cube);
        // Horizon slope at z = 8: D_C H(z) / (c (1 + z)) ≈ 3.4 (h = 0.68, Ω_m = 0.31).
        for (std::size_t i = 0; i < p.kPerp.size(); ++i)
            for (std::size_t j = 0; j < p.kPar.size(); ++j)
                if (p.kPar[j] < 2.5 * p.kPerp[i] && p.modes[i * p.kPar.size() + j] > 0)
                    QVERIFY2(
                        p.at(i, j) < 1e-6 * obs.noiseRmsMk * obs.noiseRmsMk, qPrintable(QString::number(p.at(i, j))));
        QVERIFY(obs.noiseRmsMk > 0);
    }

    void refusals()
    {
        Cube c = brightness(16, 48.0, true);
        c.metadata().redshift.reset();
        QVERIFY_THROWS_EXCEPTION(ParameterError, observe(c, {}));
        c.metadata().redshift = 8.0;
        ObserveOptions o;
        o.hours = 0;
        QVERIFY_THROWS_EXCEPTION(ParameterError, observe(c, o));
        QVERIFY(!telescopeFromName("lofar"));
    }
};

QTEST_GUILESS_MAIN(TestObserve)
#include "tst_observe.moc"

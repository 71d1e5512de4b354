// Second-order Lagrangian perturbation theory (core/sim/second_order_lpt.h): the second-order
// displacement of one plane wave vanishes, that of two crossed waves matches the analytic answer
// (with and without the cell window), and 2LPT adds perturbation theory's missing skewness to an
// evolved Gaussian field, as it must; on 21cmFAST's own linear field (calibration data,
// skipped saying so where absent) 2LPT reproduces 21cmFAST's evolved density PDF; the `lpt`
// parameter is validated and recorded.
#include "fixtures.h"

#include "cube/quantity.h"
#include "numerics/fft_grid.h"
#include "sim/cosmology.h"
#include "sim/initial_conditions.h"
#include "sim/second_order_lpt.h"
#include "sim/simulation_params.h"
#include "util/error.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <fstream>
#include <numbers>
#include <vector>

using namespace rs;

namespace {

constexpr std::size_t kN = 32;
constexpr double kBox = 64.0;
constexpr double kTwoPi = 2 * std::numbers::pi;

/// δ(k) of a real field f(x, y, z) (cell-centre coordinates in Mpc), scaled so that backward() gives f.
template<class F> fft::Grid modesOf(F f, const fft::Plans& plans)
{
    fft::Grid g(kN);
    const double cell = kBox / double(kN);
    for (std::size_t i = 0; i < kN; ++i)
        for (std::size_t j = 0; j < kN; ++j)
            for (std::size_t k = 0; k < kN; ++k)
                g.real()[g.realIndex(i, j, k)] = float(f(double(i) * cell, double(j) * cell, double(k) * cell));
    plans.forward(g);
    const float norm = float(1.0 / double(kN * kN * kN));
    for (std::size_t c = 0; c < g.complexCount(); ++c)
        g.complex()[c] *= norm;
    return g;
}

/// The three components of ψ⁽²⁾ as unpadded vectors.
std::array<std::vector<float>, 3> secondOrder(
    const fft::Grid& modes, const std::vector<float>& window, const fft::Plans& plans)
{
    std::array<std::vector<float>, 3> out;
    secondOrderDisplacement(modes, kBox, window, plans, 2, [&](int a, fft::Grid& g) {
        out[std::size_t(a)].resize(kN * kN * kN);
        g.storeReal(out[std::size_t(a)].data());
    });
    return out;
}

double meanOf(const float* d, std::size_t n)
{
    double mean = 0;
    for (std::size_t i = 0; i < n; ++i)
        mean += d[i];
    return mean / double(n);
}

struct FieldStats {
    double variance = 0, skewness = 0; ///< <δ'²>, <δ'³>/<δ'²>^1.5 with δ' = δ − mean
    double correlation = 1; ///< with a reference field (compare())

    static FieldStats of(const Cube& c)
    {
        const float* d = c.data();
        const std::size_t n = c.voxelCount();
        const double mean = meanOf(d, n);
        double m2 = 0, m3 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = d[i] - mean;
            m2 += v * v;
            m3 += v * v * v;
        }
        m2 /= double(n);
        m3 /= double(n);
        return {m2, m3 / std::pow(m2, 1.5), 1.0};
    }

    static FieldStats compare(const Cube& ours, const std::vector<float>& ref)
    {
        FieldStats s = of(ours);
        const std::size_t n = ref.size();
        const float* o = ours.data();
        const double mo = meanOf(o, n), mr = meanOf(ref.data(), n);
        double vr = 0, cov = 0;
        for (std::size_t i = 0; i < n; ++i) {
            vr += (ref[i] - mr) * (ref[i] - mr);
            cov += (o[i] - mo) * (ref[i] - mr);
        }
        s.correlation = cov / std::sqrt(s.variance * double(n) * vr);
        return s;
    }
};

/// A raw little-endian float32 21cmFAST box of n³ cells; empty when the file is absent.
std::vector<float> readBox(const QString& path, std::size_t n)
{
    std::vector<float> v(n * n * n);
    std::ifstream in(path.toStdString(), std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(float))))
        return {};
    return v;
}

} // namespace

class TestSimLpt : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void planeWaveHasNoSecondOrderDisplacement()
    {
        // One wave in any direction: every second derivative is ∝ k̂_i k̂_j δ, so
        // φ,ii φ,jj − φ,ij² = 0 cell by cell.
        fft::Plans plans(kN, 2);
        const double k = kTwoPi / kBox;
        const auto modes
            = modesOf([&](double x, double y, double z) { return 0.8 * std::cos(k * (2 * x + 3 * y - z)); }, plans);
        const auto psi = secondOrder(modes, {}, plans);
        // The first-order displacement of this wave is 0.8 / |k| ≈ 2.2 Mpc.
        for (const auto& c : psi)
            for (float v : c)
                QVERIFY2(std::abs(v) < 1e-5, qPrintable(QString("psi2 = %1").arg(v)));
    }

    void crossedWavesMatchTheAnalyticAnswer_data()
    {
        QTest::addColumn<bool>("windowed");
        QTest::newRow("bare") << false;
        QTest::newRow("cell window") << true;
    }

    void crossedWavesMatchTheAnalyticAnswer()
    {
        // δ = A cos(k1 x) + B cos(k2 y): φ,xx = −A cos(k1 x), φ,yy = −B cos(k2 y), no mixed terms, so
        // S = A B cos(k1 x) cos(k2 y), and ψ⁽²⁾ = i k S/k² gives
        // ψ⁽²⁾ = −A B (k1 sin(k1 x) cos(k2 y), k2 cos(k1 x) sin(k2 y), 0) / (k1² + k2²).
        // With a window the input modes carry W(k1), W(k2); S must be formed without them and
        // ψ⁽²⁾ carry W(|(k1, k2)|) once.
        QFETCH(bool, windowed);
        fft::Plans plans(kN, 2);
        const double kf = kTwoPi / kBox, k1 = 2 * kf, k2 = 3 * kf, a = 0.7, b = 0.5;
        std::vector<float> window;
        if (windowed) {
            window.resize(3 * (kN / 2) * (kN / 2) + 1);
            for (std::size_t m2 = 0; m2 < window.size(); ++m2)
                window[m2] = float(1.0 / (1.0 + 0.01 * double(m2))); // any smooth, non-vanishing W
        }
        const double w1 = windowed ? window[4] : 1.0, w2 = windowed ? window[9] : 1.0;
        const double wOut = windowed ? window[13] : 1.0;
        const auto modes = modesOf(
            [&](double x, double y, double) { return a * w1 * std::cos(k1 * x) + b * w2 * std::cos(k2 * y); }, plans);
        const auto psi = secondOrder(modes, window, plans);
        const double cell = kBox / double(kN), scale = a * b * wOut / (k1 * k1 + k2 * k2);
        double worst = 0;
        for (std::size_t i = 0; i < kN; ++i)
            for (std::size_t j = 0; j < kN; ++j)
                for (std::size_t k = 0; k < kN; ++k) {
                    const double x = double(i) * cell, y = double(j) * cell;
                    const std::size_t c = (i * kN + j) * kN + k;
                    const double ex = -scale * k1 * std::sin(k1 * x) * std::cos(k2 * y);
                    const double ey = -scale * k2 * std::cos(k1 * x) * std::sin(k2 * y);
                    worst = std::max(
                        {worst, std::abs(psi[0][c] - ex), std::abs(psi[1][c] - ey), double(std::abs(psi[2][c]))});
                }
        const double amplitude = scale * k2; // the largest component's amplitude
        QVERIFY2(amplitude > 0.05, qPrintable(QString::number(amplitude)));
        QVERIFY2(worst < 1e-4 * amplitude, qPrintable(QString("worst %1 of %2").arg(worst).arg(amplitude)));
    }

    void secondOrderAddsTheMissingSkewness()
    {
        // Zel'dovich underestimates the reduced skewness S3 = <δ³>/<δ²>² of the evolved field: at tree
        // level S3 = 4 + γ against 34/7 + γ for the exact dynamics (γ the smoothing's slope term, the
        // same for both), and 2LPT is exact to that order. So with the same initial conditions, in the
        // weakly non-linear regime (σ ≈ 0.16 here: 3 Mpc cells at z = 15), S3 must rise by 6/7; loop
        // terms and the cloud-in-cell grid leave a few per cent.
        SimulationParams p;
        p.dim = 48;
        p.boxMpc = 144.0;
        p.seed = 5;
        p.threads = 2;
        p.cellSmoothing = false; // cloud-in-cell: the plain mass assignment
        const LinearCosmology cosmology(p.cosmology);
        fft::Plans plans(p.dim, 2);
        double s3[2], sigma[2];
        for (int lpt = 1; lpt <= 2; ++lpt) {
            p.lpt = lpt;
            const Cube d = InitialConditions(p, cosmology, plans).evolvedDensity(15.0);
            const FieldStats f = FieldStats::of(d);
            sigma[lpt - 1] = std::sqrt(f.variance);
            s3[lpt - 1] = f.skewness / sigma[lpt - 1];
        }
        qInfo("z = 15, sigma %.4f: S3 1LPT %.4f, 2LPT %.4f, difference %.4f (tree level 6/7 = %.4f)", sigma[0], s3[0],
            s3[1], s3[1] - s3[0], 6.0 / 7.0);
        QVERIFY(sigma[0] > 0.1 && sigma[0] < 0.25);
        QVERIFY2(std::abs((s3[1] - s3[0]) / (6.0 / 7.0) - 1.0) < 0.12,
            qPrintable(QString("S3 1LPT %1, 2LPT %2").arg(s3[0]).arg(s3[1])));
    }

    void matchesTwentyOneCmFastOnItsOwnLinearField()
    {
        // 21cmFAST (classic v2.1, 2LPT on) evolved this linear field to the calibration boxes: the same
        // field through our evolution must give its density PDF (variance, skewness) and correlate
        // better cell by cell with 2LPT than with Zel'dovich alone.
        const QString sample = fixtures::sampleDir();
        const QString calibration = sample.isEmpty() ? QString() : QDir(sample).filePath("../21cmfast-calibration");
        const std::size_t n = 64;
        const std::vector<float> linear = readBox(QDir(calibration).filePath("smoothed_deltax_z0.00_64_96Mpc"), n);
        const std::vector<float> evolved
            = readBox(QDir(sample).filePath("updated_smoothed_deltax_z008.00_64_96Mpc"), n);
        if (linear.empty() || evolved.empty())
            QSKIP("21cmFAST calibration data absent (REIONSCOPE_SAMPLE_DIR and ../21cmfast-calibration)");
        Cube field = Cube::uninitialized({n, n, n}, {96.0, 96.0, 96.0});
        std::copy(linear.begin(), linear.end(), field.mutableData());
        SimulationParams p; // the calibration runs' grid and cosmology are the defaults
        p.dim = n;
        p.boxMpc = 96.0;
        p.threads = 2;
        const LinearCosmology cosmology(p.cosmology);
        fft::Plans plans(n, 2);
        FieldStats stats[2];
        for (int lpt = 1; lpt <= 2; ++lpt) {
            p.lpt = lpt;
            stats[lpt - 1]
                = FieldStats::compare(InitialConditions(field, p, cosmology, plans).evolvedDensity(8.0), evolved);
        }
        const Cube reference = [&] {
            Cube c = Cube::uninitialized({n, n, n}, {96.0, 96.0, 96.0});
            std::copy(evolved.begin(), evolved.end(), c.mutableData());
            return c;
        }();
        const FieldStats ref = FieldStats::of(reference);
        const double refVariance = ref.variance, refSkew = ref.skewness;
        for (int i = 0; i < 2; ++i)
            qInfo("lpt %d: variance ratio %.4f, skewness %.4f (21cmFAST %.4f), r %.4f", i + 1,
                stats[i].variance / refVariance, stats[i].skewness, refSkew, stats[i].correlation);
        QVERIFY(std::abs(stats[1].variance / refVariance - 1.0) < 0.03);
        QVERIFY(std::abs(stats[1].skewness / refSkew - 1.0) < 0.03);
        QVERIFY(stats[0].skewness < 0.9 * refSkew); // Zel'dovich alone falls short
        QVERIFY(stats[1].correlation > stats[0].correlation + 0.005);
    }

    void lptIsValidatedAndRecorded()
    {
        SimulationParams p;
        p.lpt = 3;
        RS_VERIFY_ERROR(ParameterError, p.validate(), "lpt");
        p.lpt = 1;
        QCOMPARE(numberOf(p.toParameters(), "lpt").value_or(0), 1.0);
        p.zeldovich = false; // linear evolution has no displacements to order
        QVERIFY(!p.toParameters().count("lpt"));
    }
};

QTEST_GUILESS_MAIN(TestSimLpt)
#include "tst_sim_lpt.moc"

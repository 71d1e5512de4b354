// Density → ionization translation: the 3D context channels, the physics metrics on analytic
// cases, paired datasets (targets and context cut where the density was), a few U-Net training
// steps (with their per-epoch physics metrics), the ln(ζ f_ST) conditioning plane, the barrier context, and
// translating whole cubes of other sizes. Tiny data: 16³ cubes, a few batches.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/density_context.h"
#include "ml/ionizing_budget.h"
#include "ml/physics_history.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "ml/translation_metrics.h"
#include "ml/translator.h"
#include "sim/simulator.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numbers>
#include <random>

using namespace rs;
using namespace rs::ml;

namespace {

constexpr std::size_t kN = 16;
constexpr double kBox = 24.0; // 1.5 Mpc cells

/// A smooth random density cube (a few Fourier modes plus noise) with z, ζ and seed attached.
Cube densityCube(int seed, double z, double zeta, std::size_t n = kN, double box = kBox)
{
    CubeMetadata m;
    m.quantity = Quantity::Density;
    m.redshift = z;
    m.parameters[param::zeta] = zeta;
    m.parameters[param::seed] = std::int64_t(seed);
    Cube c({n, n, n}, {box, box, box}, m);
    std::mt19937 rng {unsigned(seed)};
    std::uniform_real_distribution<double> phase(0, 2 * std::numbers::pi);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    double ph[6];
    for (double& p : ph)
        p = phase(rng);
    float* d = c.mutableData();
    const double w = 2 * std::numbers::pi / double(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k)
                d[c.index(i, j, k)]
                    = float(0.5 * std::sin(w * double(i) + ph[0]) * std::cos(w * double(j) + ph[1])
                          + 0.4 * std::sin(2 * w * double(k) + ph[2]) + 0.3 * std::cos(w * double(i + k) + ph[3]))
                    + noise(rng);
    return c;
}

/// The "true" x_HI of a density cube: ionized where the 5 Mpc context exceeds a ζ-dependent bar.
Cube ionizationOf(const Cube& density, double zeta)
{
    const Cube smooth = densityContext(density, {5.0}).at(0);
    CubeMetadata m = density.metadata();
    m.quantity = Quantity::NeutralFraction;
    Cube x(density.shape(), density.boxLength(), m);
    float* out = x.mutableData();
    for (std::size_t i = 0; i < x.voxelCount(); ++i)
        out[i] = smooth.data()[i] > 0.25 - 0.01 * zeta ? 0.0f : 1.0f;
    return x;
}

std::vector<DatasetSource> pairedSources()
{
    std::vector<DatasetSource> out;
    for (int seed = 1; seed <= 4; ++seed)
        for (double zeta : {10.0, 30.0}) {
            DatasetSource s;
            s.id = "seed" + std::to_string(seed) + "_zeta" + std::to_string(int(zeta));
            s.group = "seed=" + std::to_string(seed);
            s.load = [seed, zeta]() -> std::pair<Cube, std::optional<Cube>> {
                Cube d = densityCube(seed, 8.0, zeta);
                return {d, ionizationOf(d, zeta)};
            };
            s.loadTarget = [seed, zeta]() { return ionizationOf(densityCube(seed, 8.0, zeta), zeta); };
            out.push_back(std::move(s));
        }
    return out;
}

RunConfig unetConfig(const std::string& ds)
{
    RunConfig c = fixtures::tinyRunConfig(ds, ModelKind::UNet, Target::None);
    c.task = Task::Translate;
    c.epochs = 2;
    return c;
}

} // namespace

class TestMlTranslate : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds;

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = m_dir.filePath("paired.h5").toStdString();
        DatasetBuildOptions o;
        o.quantity = Quantity::Density;
        o.target = Quantity::NeutralFraction;
        o.contextRadiiMpc = {2.5, 5.0};
        o.stride = 4;
        o.split = {0.5, 0.25, 0.25};
        buildDataset(pairedSources(), o, m_ds);
    }

    void contextKeepsTheMeanAndSmooths()
    {
        const Cube d = densityCube(3, 8, 20);
        const std::vector<Cube> ctx = densityContext(d, {2.5, 10.0});
        QCOMPARE(ctx.size(), std::size_t(2));
        auto moments = [](const Cube& c) {
            double s = 0, s2 = 0;
            for (std::size_t i = 0; i < c.voxelCount(); ++i) {
                s += c.data()[i];
                s2 += double(c.data()[i]) * c.data()[i];
            }
            const double mean = s / double(c.voxelCount());
            return std::pair {mean, s2 / double(c.voxelCount()) - mean * mean};
        };
        const auto [m0, v0] = moments(d);
        const auto [m1, v1] = moments(ctx[0]);
        const auto [m2, v2] = moments(ctx[1]);
        QVERIFY(std::abs(m1 - m0) < 1e-5 && std::abs(m2 - m0) < 1e-5);
        QVERIFY2(v0 > v1 && v1 > v2, "variance falls with the smoothing radius");
        QVERIFY_THROWS_EXCEPTION(ParameterError, densityContext(d, {0.0}));
        QVERIFY_THROWS_EXCEPTION(ParameterError, densityContext(Cube({8, 8, 4}, {12, 12, 6}), {2.0}));
    }

    void bandMaximaAreTheExcursionSetCrossing()
    {
        // Channel k is the largest δ_R over the simulator's ladder (cell radius × 1.1^j) within
        // band k: the same as sampling every ladder radius and taking the maximum by hand.
        const Cube d = densityCube(5, 8, 20);
        const std::vector<double> edges {1.5, 4.0, 12.0};
        const std::vector<double> ladder = contextLadder(kN, kBox, edges.back());
        QVERIFY(std::abs(ladder.front() - 0.620350491 * 1.5) < 1e-6); // the cell radius
        QVERIFY(std::abs(ladder[1] / ladder[0] - 1.1) < 1e-6 && ladder.back() <= 12.0 && ladder.back() * 1.1 > 12.0);
        const std::vector<Cube> bands = densityContext(d, {-1.5, -4.0, -12.0});
        QCOMPARE(bands.size(), edges.size());
        std::vector<std::vector<float>> expect(edges.size());
        for (double r : ladder) {
            const std::size_t b = std::size_t(std::lower_bound(edges.begin(), edges.end(), r) - edges.begin());
            const Cube smoothed = r <= ladder.front() ? d.clone() : densityContext(d, {r}).at(0);
            const std::vector<float> v(smoothed.data(), smoothed.data() + smoothed.voxelCount());
            if (expect[b].empty())
                expect[b] = v;
            for (std::size_t i = 0; i < v.size(); ++i)
                expect[b][i] = std::max(expect[b][i], v[i]);
        }
        for (std::size_t b = 0; b < edges.size(); ++b) {
            QVERIFY(!expect[b].empty());
            const std::vector<float> got(bands[b].data(), bands[b].data() + bands[b].voxelCount());
            for (std::size_t i = 0; i < got.size(); ++i)
                QVERIFY(std::abs(got[i] - expect[b][i]) < 1e-5f);
        }
        // The first band holds δ itself, so it is nowhere below the density.
        for (std::size_t i = 0; i < d.voxelCount(); ++i)
            QVERIFY(bands[0].data()[i] >= d.data()[i]);
        QVERIFY(isBandMax({-1.5, -4.0}) && !isBandMax({1.5}) && !isBandMax({}));
        QVERIFY_THROWS_EXCEPTION(ParameterError, densityContext(d, {-4.0, -2.0})); // not ascending
        QVERIFY_THROWS_EXCEPTION(ParameterError, densityContext(d, {-4.0, 2.0})); // mixed kinds
    }

    void budgetPlaneSignIsTheEndOfReionization()
    {
        // ln(ζ f_ST): + ln 2 for twice ζ, lower at higher z (fewer collapsed haloes).
        const double b = logIonizingBudget(8, 20);
        QVERIFY(std::abs(logIonizingBudget(8, 40) - b - std::log(2.0)) < 1e-12);
        QVERIFY(logIonizingBudget(9, 20) < b - 0.1 && logIonizingBudget(7, 20) > b + 0.1);
        QVERIFY_THROWS_EXCEPTION(ParameterError, logIonizingBudget(8, 0));
        QVERIFY_THROWS_EXCEPTION(ParameterError, logIonizingBudget(std::nan(""), 20));
        // The simulator turns the whole box ionized where the budget crosses 0 (its largest radius
        // keeps only the box mean, and there the barrier is 0 exactly at ζ f_ST = 1), and not
        // below: the plane's sign is the cliff nf -> 0.
        SimulationParams p; // z 8 (ζ: each of the three below)
        p.dim = 16;
        p.boxMpc = 24;
        p.threads = 1;
        Simulator sim(p);
        const double zeta0 = std::exp(-logIonizingBudget(8, 1)); // ζ f_ST(8) = 1
        const std::vector<SimulatedRedshift> r = sim.ionize(8.0, {0.9 * zeta0, 0.99 * zeta0, 1.01 * zeta0});
        QVERIFY2(r[0].nf > 0.02 && r[1].nf > 0.02, "neutral regions left below the budget's zero");
        QCOMPARE(r[2].nf, 0.0);
    }

    void barrierContextIsTheSimulatorsDecision()
    {
        // A simulated box: a cell is ionized (x_HI < 0.5) where the first barrier channel is >= 0, up to
        // the simulator's random sub-grid draw. The density's own band maxima carry no ζ.
        SimulationParams p;
        p.dim = 16;
        p.boxMpc = 24;
        p.threads = 1;
        Simulator sim(p);
        const double zeta = 0.6 * std::exp(-logIonizingBudget(8, 1)); // mid-reionization at z 8
        const SimulatedRedshift r = sim.ionize(8.0, std::vector<double> {zeta}).front();
        QVERIFY2(r.nf > 0.2 && r.nf < 0.8, "a partly ionized box");
        const std::vector<double> edges {-1.5, -4.0, -16.0};
        const std::vector<Cube> ctx = barrierContext(r.density, edges, 8.0, zeta);
        QCOMPARE(ctx.size(), edges.size());
        std::size_t same = 0;
        const std::size_t n3 = r.density.voxelCount();
        for (std::size_t i = 0; i < n3; ++i) {
            same += (ctx[0].data()[i] >= 0) == (r.neutralFraction.data()[i] < 0.5f);
        }
        QVERIFY2(double(same) / double(n3) > 0.99, std::to_string(double(same) / double(n3)).c_str());
        // Each channel holds its band and every band above it: never below the next one.
        for (std::size_t k = 0; k + 1 < edges.size(); ++k)
            for (std::size_t i = 0; i < n3; ++i)
                QVERIFY(ctx[k].data()[i] >= ctx[k + 1].data()[i]);
        // Twice ζ: every channel rises by ln 2 (above the floor ln 1e-6).
        const std::vector<Cube> twice = barrierContext(r.density, edges, 8.0, 2 * zeta);
        for (std::size_t k = 0; k < edges.size(); ++k)
            for (std::size_t i = 0; i < n3; ++i)
                if (ctx[k].data()[i] > -13)
                    QVERIFY(std::abs(twice[k].data()[i] - ctx[k].data()[i] - float(std::log(2.0))) < 1e-4f);
        QVERIFY_THROWS_EXCEPTION(ParameterError, barrierContext(r.density, {1.5, 4.0}, 8.0, zeta)); // not bands
        QVERIFY_THROWS_EXCEPTION(ParameterError, barrierContext(r.density, edges, 8.0, 0.0));
        QVERIFY_THROWS_EXCEPTION(ParameterError, barrierContext(r.density, edges, std::nan(""), zeta));
    }

    void barrierRunsTrainTranslateAndOldRunsReadOff()
    {
        // A dataset with the barrier context says so, and a run on it computes the same channels
        // when translating; runs before it (no context_barrier key) read false.
        const std::string ds = m_dir.filePath("barrier.h5").toStdString();
        DatasetBuildOptions o;
        o.quantity = Quantity::Density;
        o.target = Quantity::NeutralFraction;
        o.contextRadiiMpc = {-4.0, -16.0};
        o.contextBarrier = true;
        o.stride = 4;
        o.split = {0.5, 0.25, 0.25};
        buildDataset(pairedSources(), o, ds);
        QVERIFY(DatasetFile::open(ds)->info().contextBarrier);
        QVERIFY(!DatasetFile::open(m_ds)->info().contextBarrier);
        std::vector<DatasetSource> noZeta = pairedSources(); // the barrier needs each cube's ζ
        for (DatasetSource& s : noZeta)
            s.load = [load = s.load] {
                auto cubes = load();
                cubes.first.metadata().parameters.erase(param::zeta);
                return cubes;
            };
        QVERIFY_THROWS_EXCEPTION(FormatError, buildDataset(noZeta, o, ds + ".bad"));
        o.contextRadiiMpc = {4.0};
        QVERIFY_THROWS_EXCEPTION(ParameterError, buildDataset(pairedSources(), o, ds + ".bad"));
        RunConfig c = unetConfig(ds);
        c.epochs = 1;
        const std::string run = m_dir.filePath("unet_barrier").toStdString();
        QCOMPARE(int(train(run, c).status), int(TrainStatus::Finished));
        QVERIFY(readRunConfig(run).contextBarrier);
        const Translator t(run);
        TranslateOptions to {std::nullopt, std::nullopt, "z", 1};
        QVERIFY(std::isfinite(t.translate(densityCube(7, 8, 20), to).mean));
        to.zeta = -1;
        QVERIFY_THROWS_EXCEPTION(ParameterError, t.translate(densityCube(7, 8, 20), to));
        QVERIFY_THROWS_EXCEPTION(ParameterError, evaluateRun(run, m_ds, Split::Test, 1)); // another context kind
        const std::string cfg = run + "/config.json";
        nlohmann::json j = nlohmann::json::parse(std::ifstream(cfg));
        QVERIFY(j["translation"]["context_barrier"].get<bool>());
        j["translation"].erase("context_barrier");
        std::ofstream(cfg) << j.dump(2);
        QVERIFY(!readRunConfig(run).contextBarrier);
    }

    void historyCarriesPhysicsMetrics()
    {
        HistoryRecord h;
        h.valMetric = 0.93;
        EvalMetrics m;
        m.task = Task::Translate;
        m.translation.cells = 10;
        m.translation.nfError = -0.02;
        m.translation.powerRatioMedian = 0.9;
        m.translation.rK = {0.95, 0.8, std::nan("")};
        const NamedValues physics = physicsMetrics(m);
        QCOMPARE(physics.size(), std::size_t(5)); // the NaN r(k = 1) is left out
        const std::string line = withPhysics(historyLine(h, Task::Translate), physics);
        QVERIFY(line.find("\"val_r_k_0.3\":0.8") != std::string::npos && line.back() == '\n');
        const std::optional<HistoryRecord> back = parseHistoryLine(line);
        QVERIFY(back);
        QCOMPARE(back->valMetric, 0.93); // the headline metric is not a physics metric
        NamedValues sorted = physics;
        std::sort(sorted.begin(), sorted.end());
        QVERIFY(physicsOfLine(line) == sorted);
        QVERIFY(back->physics == sorted); // the record carries them (the Studio's physics curves)
        QVERIFY(parseHistoryLine(historyLine(*back, Task::Translate))->physics == sorted);
        QVERIFY(parseHistoryLine(historyLine(h, Task::Translate))->physics.empty());
        QVERIFY(physicsMetrics(EvalMetrics {}).empty());
        QVERIFY_THROWS_EXCEPTION(FormatError, withPhysics("[1]\n", physics));
    }

    void metricsOnAnalyticCases()
    {
        const Cube d = densityCube(5, 8, 20, kN, 48.0); // 3 Mpc cells: k = 0.13-1.8 /Mpc
        const Cube x = ionizationOf(d, 20);
        const TranslationMetrics same = compareCubes(x, x, Quantity::NeutralFraction);
        QCOMPARE(same.pixelAccuracy, 1.0);
        QCOMPARE(same.iouIonized, 1.0);
        QCOMPARE(same.nfError, 0.0);
        QVERIFY(std::abs(same.powerRatioMedian - 1.0) < 1e-9);
        for (double r : same.rK)
            QVERIFY2(std::isnan(r) || std::abs(r - 1.0) < 1e-6, "identical fields correlate perfectly");
        QVERIFY(std::isfinite(same.rK[1]));
        // The complement: every cell on the wrong side, no ionized cell shared, anti-correlated.
        Cube inv = x.clone();
        for (std::size_t i = 0; i < inv.voxelCount(); ++i)
            inv.mutableData()[i] = 1.0f - x.data()[i];
        const TranslationMetrics opposite = compareCubes(inv, x, Quantity::NeutralFraction);
        QCOMPARE(opposite.pixelAccuracy, 0.0);
        QCOMPARE(opposite.iouIonized, 0.0);
        QVERIFY(std::abs(opposite.nfError - (1.0 - 2.0 * same.meanTrue)) < 1e-9);
        QVERIFY(std::abs(opposite.rK[1] + 1.0) < 1e-6);
        QVERIFY(std::abs(opposite.powerRatioMedian - 1.0) < 1e-9); // same fluctuations, flipped sign
        // Slices through the 2D path agree on the cell counts.
        TranslationTally t(Quantity::NeutralFraction);
        for (std::size_t k = 0; k < kN; ++k) {
            const std::vector<float> s = x.slice(2, k).toVector();
            t.addSlice(s.data(), s.data(), kN, kN, 3.0);
        }
        QCOMPARE(t.result().pixelAccuracy, 1.0);
        QVERIFY(std::abs(t.result().rK[1] - 1.0) < 1e-6);
    }

    void pairedDatasetHoldsAlignedTargetsAndContext()
    {
        auto ds = DatasetFile::open(m_ds);
        const DatasetInfo& info = ds->info();
        QVERIFY(info.paired());
        QCOMPARE(int(info.targetQuantity), int(Quantity::NeutralFraction));
        QCOMPARE(info.contextRadiiMpc, (std::vector<double> {2.5, 5.0}));
        QCOMPARE(info.rows, kN);
        // 8 cubes × 3 axes × 4 slices; every split has cubes of whole seeds.
        QCOMPARE(info.samples, std::size_t(8 * 3 * 4));
        for (const DatasetCube& a : info.cubes)
            for (const DatasetCube& b : info.cubes)
                QVERIFY(a.group != b.group || a.split == b.split);
        // Sample i: the target is the x_HI slice and context 1 the 5 Mpc slice of its own cube.
        for (std::int64_t i : {std::int64_t(0), std::int64_t(info.samples - 1), std::int64_t(37)}) {
            const SampleLabels& l = ds->labels()[std::size_t(i)];
            const DatasetCube& c = info.cubes[std::size_t(l.cube)];
            const int seed = std::stoi(c.group.substr(5));
            const Cube d = densityCube(seed, 8, c.zeta);
            std::vector<float> x(kN * kN), y(kN * kN), ctx(2 * kN * kN);
            ds->readSamples(&i, 1, x.data());
            ds->readTargets(&i, 1, y.data());
            ds->readContext(&i, 1, ctx.data());
            QCOMPARE(x, d.slice(l.axis, std::size_t(l.index)).toVector());
            QCOMPARE(y, ionizationOf(d, c.zeta).slice(l.axis, std::size_t(l.index)).toVector());
            const std::vector<float> ref
                = densityContext(d, {5.0}).at(0).slice(l.axis, std::size_t(l.index)).toVector();
            for (std::size_t p = 0; p < ref.size(); ++p)
                QVERIFY(std::abs(ctx[kN * kN + p] - ref[p]) < 1e-5f);
            QCOMPARE(l.z, 8.0);
        }
        QVERIFY(info.contextStd[0] > info.contextStd[1]);
        // An unpaired dataset has no targets.
        const std::string plain = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("plain.h5").toStdString(), {8}, {20}, 3, 16, 8);
        std::int64_t i0 = 0;
        std::vector<float> buf(kN * kN);
        QVERIFY_THROWS_EXCEPTION(ParameterError, DatasetFile::open(plain)->readTargets(&i0, 1, buf.data()));
        QVERIFY_THROWS_EXCEPTION(ParameterError, train(m_dir.filePath("unet-plain").toStdString(), unetConfig(plain)));
    }

    void batchesCarryTargetsAndContext()
    {
        auto ds = DatasetFile::open(m_ds);
        const auto train = ds->indices(Split::Train);
        QCOMPARE(sampleBytes(ds->info(), 1), 4 * kN * kN * sizeof(float)); // x, y and two context planes
        BatchStreamOptions o;
        o.batchSize = 5;
        o.seed = 2;
        o.cacheBytes = 12 * sampleBytes(ds->info(), 1);
        for (bool held : {false, true}) { // streamed through a cache of 12 samples, then held in memory
            o.resident = held ? std::make_shared<const ResidentSamples>(*ds, train) : nullptr;
            BatchStream s(ds, train, o);
            std::size_t n = 0;
            while (auto b = s.next()) {
                const std::size_t px = kN * kN;
                std::vector<float> y(b->size() * px), ctx(b->size() * 2 * px);
                for (std::size_t i = 0; i < b->size(); ++i) {
                    ds->readTargets(&b->indices[i], 1, y.data() + i * px);
                    ds->readContext(&b->indices[i], 1, ctx.data() + i * 2 * px);
                }
                QCOMPARE(b->y, y);
                QCOMPARE(b->context, ctx);
                n += b->size();
            }
            QCOMPARE(n, train.size());
            QVERIFY(s.peakCacheBytes() <= (held ? 0 : o.cacheBytes));
        }
    }

    void unetTrainsAndTranslatesWholeCubes()
    {
        const std::string run = m_dir.filePath("unet").toStdString();
        const TrainResult r = train(run, unetConfig(m_ds));
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        QVERIFY(r.metrics);
        const TranslationMetrics& m = r.metrics->translation;
        QVERIFY(m.pixelAccuracy >= 0 && m.pixelAccuracy <= 1);
        QVERIFY(std::isfinite(m.nfError) && std::isfinite(m.powerRatioMedian));
        QVERIFY(std::filesystem::exists(torchScriptPath(run)));
        const RunConfig c = readRunConfig(run);
        QCOMPARE(int(c.task), int(Task::Translate));
        QCOMPARE(c.contextRadiiMpc.size(), std::size_t(2));
        QCOMPARE(readMetrics(run)->translation.pixelAccuracy, m.pixelAccuracy);
        QCOMPARE(evaluateRun(run, "", Split::Test, 1).translation.pixelAccuracy, m.pixelAccuracy);
        // Physics loss curves: every epoch line carries the validation split's physics metrics.
        const std::vector<PhysicsEpoch> curves = readPhysicsHistory(run);
        QCOMPARE(curves.size(), std::size_t(2));
        for (const PhysicsEpoch& e : curves) {
            std::map<std::string, double> got(e.values.begin(), e.values.end());
            for (const char* k : {"nf_error", "iou_ionized"})
                QVERIFY2(got.count(k), k);
            QVERIFY(std::abs(got["nf_error"]) <= 1 && e.step > 0);
        }
        QCOMPARE(curves.back().epoch, 2);
        for (const HistoryRecord& h : readHistory(run))
            QVERIFY(h.type != "epoch" || (h.valMetric >= 0 && h.valMetric <= 1)); // val_pixel_accuracy read back

        // A 20³ cube (not the training size, not a multiple of 8) comes back whole on its grid.
        const Translator t(run);
        const Cube d = densityCube(9, 8, 20, 20, 30.0);
        TranslateOptions o {std::nullopt, std::nullopt, "xz", 1};
        const TranslationResult tr = t.translate(d, o);
        QCOMPARE(tr.predicted.shape(), d.shape());
        QCOMPARE(int(tr.predicted.quantity()), int(Quantity::NeutralFraction));
        double sum = 0;
        for (std::size_t i = 0; i < tr.predicted.voxelCount(); ++i) {
            const float v = tr.predicted.data()[i];
            QVERIFY(std::isfinite(v) && v >= 0 && v <= 1);
            sum += v;
        }
        QVERIFY(std::abs(tr.mean - sum / double(tr.predicted.voxelCount())) < 1e-6);
        QCOMPARE(tr.zeta, 20.0);
        QVERIFY(tr.notes.empty());

        // The run needs z and ζ; a cube without them is refused unless they are given.
        Cube bare = d.clone();
        bare.metadata().redshift.reset();
        bare.metadata().parameters.clear();
        QVERIFY_THROWS_EXCEPTION(ParameterError, t.translate(bare, o));
        o.z = 8;
        o.zeta = 20;
        QVERIFY(std::isfinite(t.translate(bare, o).mean));
        // Not density: refused by name.
        Cube xh = tr.predicted;
        QVERIFY_THROWS_EXCEPTION(FormatError, t.translate(xh, o));
        // Single-slice inference is for the label models.
        QVERIFY_THROWS_EXCEPTION(ParameterError, Predictor(run).predictCube(d));
    }

    void runsBeforeTheBudgetPlaneStillTranslate()
    {
        // A run without the third plane (config.json without condition_budget, as every run before
        // it) reads back as such and its network takes z and ζ only.
        RunConfig c = unetConfig(m_ds);
        c.epochs = 1;
        c.conditionBudget = false;
        const std::string run = m_dir.filePath("unet_nobudget").toStdString();
        QCOMPARE(int(train(run, c).status), int(TrainStatus::Finished));
        const std::string cfg = run + "/config.json";
        nlohmann::json j = nlohmann::json::parse(std::ifstream(cfg));
        QCOMPARE(j["translation"]["condition_budget"].get<bool>(), false);
        j["translation"].erase("condition_budget");
        std::ofstream(cfg) << j.dump(2);
        QVERIFY(!readRunConfig(run).conditionBudget);
        const Translator t(run);
        TranslateOptions o {std::nullopt, std::nullopt, "z", 1};
        QVERIFY(std::isfinite(t.translate(densityCube(7, 8, 20), o).mean));
        // New runs carry the plane; ζ <= 0 has no budget and is refused by name.
        QVERIFY(RunConfig {}.conditionBudget);
        const Translator fresh(m_dir.filePath("unet").toStdString());
        QVERIFY(fresh.config().conditionBudget);
        o.zeta = 0;
        QVERIFY_THROWS_EXCEPTION(ParameterError, fresh.translate(densityCube(7, 8, 20), o));
    }
};

QTEST_GUILESS_MAIN(TestMlTranslate)
#include "tst_ml_translate.moc"

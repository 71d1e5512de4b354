// The conditional generator: its physics metrics on analytic cases, a few training epochs (the
// loss falls, the run folder is complete and resumable), generating maps (shape, units,
// reproducibility, range warnings, the HDF5 file), calibrating a run against another dataset
// (`calibrate`) and the refusals. Tiny data: 16² slices of
// synthetic 16³ simulations.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "io/cube_loader.h"
#include "io/hdf5_util.h"
#include "io/reionscope_h5.h"
#include "ml/dataset.h"
#include "ml/generation_metrics.h"
#include "ml/generator.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/run_status.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

using namespace rs;
using namespace rs::ml;

namespace {

/// `count` maps of n² with a disc of zeros (radius r) at random places on a noisy 20 mK background.
std::vector<float> discMaps(std::size_t count, std::size_t n, double r, unsigned seed)
{
    std::vector<float> v(count * n * n);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, double(n));
    std::normal_distribution<float> g(20.0f, 2.0f);
    for (std::size_t m = 0; m < count; ++m) {
        const double ci = u(rng), cj = u(rng);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                const double di = std::min(std::abs(double(i) - ci), double(n) - std::abs(double(i) - ci));
                const double dj = std::min(std::abs(double(j) - cj), double(n) - std::abs(double(j) - cj));
                v[(m * n + i) * n + j] = di * di + dj * dj < r * r ? 0.0f : g(rng);
            }
    }
    return v;
}

RunConfig generatorConfig(const std::string& ds, int epochs)
{
    RunConfig c = fixtures::tinyRunConfig(ds, ModelKind::Generator, Target::None);
    c.epochs = epochs;
    c.historyEvery = 0;
    return c;
}

} // namespace

class TestMlGenerate : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds, m_run;
    std::string m_bigDs, m_coarseDs; ///< 32² maps of 1.5 Mpc cells; 32² maps of 3 Mpc cells

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("dtb.h5").toStdString(), {8.0, 9.0}, {10.0, 30.0}, 4, 16, 2);
        m_run = m_dir.filePath("gen").toStdString();
    }

    void metricsOnAnalyticCases()
    {
        const std::size_t n = 32;
        const std::vector<float> a = discMaps(24, n, 6, 1), b = discMaps(24, n, 6, 2);
        const GenerationGroupMetrics same
            = compareGeneratedGroup(8, 20, a, b, n, n, 1.5, Quantity::BrightnessTemperature);
        QVERIFY2(std::abs(same.powerRatioMedian - 1) < 0.3, qPrintable(QString::number(same.powerRatioMedian)));
        QVERIFY(same.pdfKs < 0.05);
        QVERIFY(std::abs(same.nfError) < 0.02);
        QVERIFY(std::abs(same.diversity - 1) < 0.2);
        // Twice the bubble radius: less neutral, a different PDF; one map repeated: no diversity.
        const std::vector<float> big = discMaps(24, n, 12, 3);
        const GenerationGroupMetrics bigger
            = compareGeneratedGroup(8, 20, a, big, n, n, 1.5, Quantity::BrightnessTemperature);
        QVERIFY(bigger.nfError < -0.2);
        QVERIFY(bigger.pdfKs > 0.2);
        std::vector<float> repeated(a.size());
        for (std::size_t m = 0; m < 24; ++m)
            std::copy(a.begin(), a.begin() + long(n * n), repeated.begin() + long(m * n * n));
        QCOMPARE(compareGeneratedGroup(8, 20, a, repeated, n, n, 1.5, Quantity::BrightnessTemperature).diversity, 0.0);
        // Fully ionized simulations have no power: no ratio, and the summary skips the group.
        const std::vector<float> zeros(a.size(), 0.0f);
        const GenerationGroupMetrics ionized
            = compareGeneratedGroup(7, 40, zeros, zeros, n, n, 1.5, Quantity::BrightnessTemperature);
        QVERIFY(std::isnan(ionized.powerRatioMedian));
        QCOMPARE(ionized.nfSimulated, 0.0);
        const GenerationMetrics s = summariseGeneration({same, bigger, ionized});
        QCOMPARE(s.groups.size(), std::size_t(3));
        QCOMPARE(s.nfErrorMaxAbs, std::abs(bigger.nfError));
        QCOMPARE(s.pdfKsMax, bigger.pdfKs);
        QVERIFY(std::isfinite(s.powerRatioMedian));
        QVERIFY_THROWS_EXCEPTION(ParameterError, summariseGeneration({}));
        QVERIFY_THROWS_EXCEPTION(
            ParameterError, compareGeneratedGroup(8, 20, a, {1.0f}, n, n, 1.5, Quantity::BrightnessTemperature));
    }

    void trainsAndLossFalls()
    {
        RunConfig c = generatorConfig(m_ds, 4);
        const TrainResult r = train(m_run, c);
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        const RunConfig stored = readRunConfig(m_run);
        QCOMPARE(int(stored.task), int(Task::Generate));
        QCOMPARE(stored.conditionMin[0], 8.0);
        QCOMPARE(stored.conditionMax[1], 30.0);
        QVERIFY(stored.generatorNoise);
        QCOMPARE(stored.priorLossWeight, c.priorLossWeight);
        // config.json of a run from before the heteroscedastic decoder: the mean-only decoder, no
        // prior statistics term.
        nlohmann::json old = stored;
        old["generator"].erase("noise");
        old["generator"].erase("prior_loss");
        old["generator"].erase("noise_scale");
        old["generator"].erase("sample_mask");
        QVERIFY(stored.generatorSampleMask);
        const RunConfig legacy = old.get<RunConfig>();
        QVERIFY(!legacy.generatorSampleMask); // runs before it: ionized where the probability exceeds 1/2
        QVERIFY(!legacy.generatorNoise);
        QCOMPARE(legacy.priorLossWeight, 0.0);
        QCOMPARE(legacy.generatorNoiseScale, 1.0); // runs before the calibration draw with σ as decoded
        std::vector<double> losses;
        for (const HistoryRecord& h : readHistory(m_run))
            if (h.type == "epoch")
                losses.push_back(h.trainLoss);
        QCOMPARE(losses.size(), std::size_t(4));
        QVERIFY2(losses.back() < 0.8 * losses.front(),
            qPrintable(QString("loss %1 -> %2").arg(losses.front()).arg(losses.back())));
        // evaluate: the generation keys, one group per (z, ζ) of the test split.
        const EvalMetrics m = evaluateRun(m_run, "", Split::Test, 1);
        const nlohmann::json j = nlohmann::json::parse(metricsToJson(m));
        for (const char* key : {"power_ratio_median", "pdf_ks", "pdf_ks_max", "nf_error", "nf_error_max_abs",
                 "diversity", "groups", "relative_mse"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j.at("task").get<std::string>(), std::string("generate"));
        QCOMPARE(j.at("groups").size(), std::size_t(4));
        QVERIFY(m.generation.pdfKs >= 0 && m.generation.pdfKs <= 1);
        QCOMPARE(readMetrics(m_run)->generation.groups.size(), std::size_t(4));
        // Resumable like any run: two more epochs continue from the checkpoint.
        c.epochs = 6;
        const TrainResult more = train(m_run, c);
        QVERIFY(more.resumed);
        QCOMPARE(more.epochsDone, 6);
    }

    void generatesMapsInPhysicalUnits()
    {
        const MapGenerator g(m_run);
        const GeneratedMaps a = g.generate(8.5, 20, 5, 7);
        QCOMPARE(a.count, std::size_t(5));
        QCOMPARE(a.values.size(), std::size_t(5 * 16 * 16));
        for (float v : a.values)
            QVERIFY(std::isfinite(v));
        const GeneratedMaps b = g.generate(8.5, 20, 5, 7), other = g.generate(8.5, 20, 5, 8);
        QVERIFY(a.values == b.values);
        QVERIFY(a.values != other.values);
        QVERIFY(g.rangeWarnings(8.5, 20).empty());
        QCOMPARE(g.rangeWarnings(12, 20).size(), std::size_t(1));
        QVERIFY(QString::fromStdString(g.rangeWarnings(8, 55).at(0)).contains("zeta 55"));
        // The source parameter as f_esc (ζ = 250 f_esc, the datasets' convention).
        const QString fesc = QString::fromStdString(g.rangeWarnings(8, 55, true).at(0));
        QVERIFY2(fesc.contains("f_esc 0.22") && fesc.contains("0.04..0.12"), qPrintable(fesc));

        const std::string out = m_dir.filePath("maps.h5").toStdString();
        writeGeneratedMaps(out, a, m_run);
        h5::Id f = h5::openFile(out);
        h5::Id ds = h5::openDataset(f.get(), "maps", out);
        QCOMPARE(h5::dims(ds.get()), (std::vector<hsize_t> {5, 16, 16}));
        h5::Id type(H5Dget_type(ds.get()));
        QVERIFY(H5Tequal(type.get(), H5T_IEEE_F32LE) > 0);
        std::vector<float> back(a.values.size());
        h5::readFloats(ds.get(), back.data(), out, "maps");
        QVERIFY(back == a.values);
        QCOMPARE(std::get<double>(*h5::readAttribute(ds.get(), "z")), 8.5);
        QCOMPARE(std::get<double>(*h5::readAttribute(ds.get(), "zeta")), 20.0);
        QCOMPARE(std::get<double>(*h5::readAttribute(ds.get(), "f_esc")), 20.0 / kZetaPerFesc);
        QCOMPARE(std::get<std::string>(*h5::readAttribute(ds.get(), "units")), std::string("mK"));
        QCOMPARE(std::get<std::string>(*h5::readAttribute(f.get(), "quantity")), std::string("brightness_temperature"));
        // Opened as a cube (Explorer, `info`), the file says what it is rather than "unknown HDF5".
        try {
            probeFile(out);
            QFAIL("a file of generated maps was probed as a cube");
        } catch (const UnrecognisedFormatError& e) {
            QVERIFY2(QString(e.what()).contains("generator run") && QString(e.what()).contains("maps.h5"), e.what());
        }
    }

    void generatesAndJudgesOtherSizes()
    {
        // The decoder is convolutional: a run trained on 16² maps draws 32² maps of the same 1.5 Mpc
        // cells (a larger sky), as the 200² maps from a 64² run.
        const MapGenerator g(m_run);
        const GeneratedMaps small = g.generate(8.5, 20, 8, 3), big = g.generate(8.5, 20, 8, 3, 32, 32);
        QCOMPARE(big.rows, std::size_t(32));
        QCOMPARE(big.cols, std::size_t(32));
        QCOMPARE(big.values.size(), std::size_t(8 * 32 * 32));
        const auto mean = [](const std::vector<float>& v) {
            double s = 0;
            for (float x : v)
                s += x; // NaN if any value is not finite
            return s / double(v.size());
        };
        // Same run, same parameters: the same mean brightness whatever the size (the condition
        // planes and the prior's margin follow the size).
        const double ms = mean(small.values), mb = mean(big.values);
        QVERIFY2(std::isfinite(mb) && ms > 1 && std::abs(mb - ms) < 0.2 * ms,
            qPrintable(QString("16²: %1 mK, 32²: %2 mK").arg(ms).arg(mb)));
        QVERIFY(g.generate(8.5, 20, 8, 3, 32, 32).values == big.values);
        QVERIFY_THROWS_EXCEPTION(ParameterError, g.generate(8.5, 20, 1, 0, 20, 20));

        // evaluate against simulated maps of another size: the same cell size is judged, another refused.
        QDir(m_dir.path()).mkdir("big");
        const std::string bigDs = m_bigDs = fixtures::buildSyntheticDataset(
            m_dir.filePath("big"), m_dir.filePath("dtb32.h5").toStdString(), {8.0, 9.0}, {10.0, 30.0}, 4, 32, 4);
        const EvalMetrics m = evaluateRun(m_run, bigDs);
        QCOMPARE(m.generation.groups.size(), std::size_t(4)); // the held-out simulation's four points
        for (const GenerationGroupMetrics& e : m.generation.groups)
            QVERIFY(std::isfinite(e.pdfKs) && e.generated == e.simulated && e.simulated > 0);
        QDir(m_dir.path()).mkdir("coarse");
        std::vector<std::string> files;
        for (int seed = 1; seed <= 3; ++seed) {
            CubeMetadata meta;
            meta.redshift = 8;
            meta.quantity = Quantity::BrightnessTemperature;
            meta.parameters[param::zeta] = 20.0;
            meta.parameters[param::seed] = std::int64_t(seed);
            Cube c({32, 32, 32}, {96, 96, 96}, meta); // 3 Mpc cells
            std::fill_n(c.mutableData(), c.voxelCount(), 20.0f + float(seed));
            files.push_back(m_dir.filePath(QString("coarse/c%1.h5").arg(seed)).toStdString());
            writeReionScopeH5(files.back(), {c});
        }
        const std::string coarse = m_coarseDs = m_dir.filePath("coarse.h5").toStdString();
        DatasetBuildOptions o;
        o.stride = 8;
        buildDataset(sourcesFromFiles(files, Quantity::BrightnessTemperature), o, coarse);
        // Maps without a zeta label (a real 21cmFAST delta_T box named without its parameters):
        // refused naming the dataset, not a NaN deep in a power spectrum.
        QDir(m_dir.path()).mkdir("unlabelled");
        files.clear();
        for (int seed = 1; seed <= 3; ++seed) {
            CubeMetadata meta;
            meta.redshift = 8;
            meta.quantity = Quantity::BrightnessTemperature;
            meta.parameters[param::seed] = std::int64_t(seed);
            Cube c({16, 16, 16}, {24, 24, 24}, meta);
            std::fill_n(c.mutableData(), c.voxelCount(), 20.0f + float(seed));
            files.push_back(m_dir.filePath(QString("unlabelled/u%1.h5").arg(seed)).toStdString());
            writeReionScopeH5(files.back(), {c});
        }
        const std::string unlabelled = m_dir.filePath("unlabelled.h5").toStdString();
        buildDataset(sourcesFromFiles(files, Quantity::BrightnessTemperature), o, unlabelled);
        try {
            evaluateRun(m_run, unlabelled);
            QFAIL("maps without a zeta label were judged");
        } catch (const ParameterError& e) {
            QVERIFY2(QString(e.what()).contains("unlabelled.h5") && QString(e.what()).contains("zeta"), e.what());
        }
        try {
            evaluateRun(m_run, coarse);
            QFAIL("maps of 3 Mpc cells were judged against a generator of 1.5 Mpc cells");
        } catch (const ParameterError& e) {
            QVERIFY2(QString(e.what()).contains("coarse.h5") && QString(e.what()).contains("1.5 Mpc"), e.what());
        }
    }

    void pointsAreCalibratedAtTheEnd()
    {
        // The end of training fitted how generation draws at each training point with neutral
        // cells, said so, and config.json says which older readers would misread it.
        const RunConfig fitted = readRunConfig(m_run);
        QVERIFY(!fitted.generatorPoints.empty());
        for (const GeneratorPointCalibration& p : fitted.generatorPoints) {
            QVERIFY2(p.z >= fitted.conditionMin[0] && p.z <= fitted.conditionMax[0], qPrintable(QString::number(p.z)));
            QVERIFY(p.zeta >= fitted.conditionMin[1] && p.zeta <= fitted.conditionMax[1]);
            QCOMPARE(p.drawnQuantiles.size(), std::size_t(129));
            QCOMPARE(p.simulatedQuantiles.size(), std::size_t(129));
            QVERIFY(std::is_sorted(p.drawnQuantiles.begin(), p.drawnQuantiles.end()));
            QVERIFY(std::is_sorted(p.simulatedQuantiles.begin(), p.simulatedQuantiles.end()));
            QVERIFY2(p.simulatedQuantiles.front() >= 1.0, "a neutral δT_b value below 1 mK"); // δT_b maps
            QVERIFY(std::isfinite(p.ionizedOffset) && p.noiseScale > 0 && p.noiseScale <= 2 && p.noiseWidth >= 0);
            QVERIFY2(p.ionizedSharpness == 0.7 || p.ionizedSharpness == 1 || p.ionizedSharpness == 1.4
                    || p.ionizedSharpness == 2,
                qPrintable(QString::number(p.ionizedSharpness)));
        }
        // 6: every training point's neutral fractions, the points without a drawing calibration too.
        std::ifstream in(std::filesystem::path(m_run) / "config.json");
        QCOMPARE(nlohmann::json::parse(in).at("format_version").get<int>(), 6);
        QVERIFY(fitted.generatorNeutralPoints.size() >= fitted.generatorPoints.size());
        for (const GeneratorPointCalibration& p : fitted.generatorPoints)
            QVERIFY(std::any_of(fitted.generatorNeutralPoints.begin(), fitted.generatorNeutralPoints.end(),
                [&](const GeneratorNeutralPoint& n) { return n.z == p.z && n.zeta == p.zeta; }));
        for (const GeneratorNeutralPoint& n : fitted.generatorNeutralPoints)
            QVERIFY(n.simulated >= 0 && n.simulated <= 1 && n.drawn >= 0 && n.drawn <= 1);
        const std::vector<HistoryRecord> history = readHistory(m_run);
        QVERIFY(std::any_of(history.begin(), history.end(), [](const HistoryRecord& h) {
            return h.type == "finished" && QString::fromStdString(h.message).contains("calibrated at");
        }));
        // Drawn neutral values come out inside the simulations' range at the first point, and its
        // offset decides the ionized cells: +20 ionizes every cell.
        const GeneratorPointCalibration& first = fitted.generatorPoints.front();
        const std::vector<float> drawn = MapGenerator(m_run).generate(first.z, first.zeta, 6, 3).values;
        std::size_t neutral = 0;
        for (float v : drawn)
            if (v != 0.0f) {
                ++neutral;
                QVERIFY2(v >= first.simulatedQuantiles.front() - 1e-3 && v <= first.simulatedQuantiles.back() + 1e-3,
                    qPrintable(QString::number(v)));
            }
        QVERIFY(neutral > 0);
        const std::string copy = m_dir.filePath("all_ionized").toStdString();
        std::filesystem::copy(m_run, copy, std::filesystem::copy_options::recursive);
        RunConfig c = fitted;
        for (GeneratorPointCalibration& p : c.generatorPoints)
            p.ionizedOffset = 20;
        c.generatorNeutralPoints.clear(); // a run from before them: the points' offsets decide
        writeRunConfig(copy, c);
        for (float v : MapGenerator(copy).generate(first.z, first.zeta, 6, 3).values)
            QCOMPARE(v, 0.0f);
    }

    void calibratesAgainstAnotherDataset()
    {
        // `calibrate RUN --dataset D`: the 16² run's points fitted anew on the training split of
        // 32² maps of the same cells (as a 64² run on 200² maps of 300 Mpc boxes); config.json says
        // where, metrics.json is rewritten; the run's own dataset brings back what training fitted.
        QVERIFY(!m_bigDs.empty());
        const std::string copy = m_dir.filePath("recalibrated").toStdString();
        std::filesystem::copy(m_run, copy, std::filesystem::copy_options::recursive);
        const RunConfig trained = readRunConfig(copy);
        std::filesystem::remove(metricsPath(copy));
        // A raised stop ends it with config.json untouched; progress goes up to the evaluation.
        StopToken stopped;
        stopped.requestStop();
        auto configText = [&] {
            std::ifstream in(runConfigPath(copy), std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        const std::string before = configText();
        QVERIFY_THROWS_EXCEPTION(CancelledError, calibrateGeneratorRun(copy, m_bigDs, {}, stopped));
        QCOMPARE(configText(), before);
        std::vector<double> fractions;
        const GeneratorCalibration big
            = calibrateGeneratorRun(copy, m_bigDs, [&](double f, const std::string&) { fractions.push_back(f); });
        QVERIFY(fractions.size() >= 2 && std::is_sorted(fractions.begin(), fractions.end()));
        QVERIFY(fractions.front() >= 0.0 && fractions.back() >= 0.9 && fractions.back() <= 1.0);
        QCOMPARE(big.rows, std::size_t(32));
        QCOMPARE(big.cols, std::size_t(32));
        QVERIFY(big.metricsUpdated && std::filesystem::exists(metricsPath(copy)));
        QVERIFY2(QString::fromStdString(big.message).contains("dtb32.h5"), big.message.c_str());
        const RunConfig c = readRunConfig(copy);
        QCOMPARE(c.rows, trained.rows); // still a 16² run
        QCOMPARE(c.generatorCalibrationRows, std::size_t(32));
        QVERIFY(QString::fromStdString(c.generatorCalibrationDataset).endsWith("dtb32.h5"));
        QCOMPARE(c.generatorPoints.size(), big.points);
        QVERIFY(!c.generatorPoints.empty());
        bool differs = false; // other simulations, other neutral values
        for (std::size_t i = 0; i < std::min(c.generatorPoints.size(), trained.generatorPoints.size()); ++i)
            differs
                = differs || c.generatorPoints[i].simulatedQuantiles != trained.generatorPoints[i].simulatedQuantiles;
        QVERIFY(differs);
        const std::vector<float> maps = MapGenerator(copy).generate(8.5, 20, 2, 1, 32, 32).values;
        QVERIFY(std::all_of(maps.begin(), maps.end(), [](float v) { return std::isfinite(v); }));

        const GeneratorCalibration own = calibrateGeneratorRun(copy);
        QCOMPARE(own.rows, trained.rows);
        const RunConfig back = readRunConfig(copy);
        QVERIFY(back.generatorCalibrationDataset.empty() && back.generatorCalibrationRows == 0);
        QCOMPARE(back.generatorPoints.size(), trained.generatorPoints.size());
        for (std::size_t i = 0; i < back.generatorPoints.size(); ++i) {
            const GeneratorPointCalibration &a = back.generatorPoints[i], &b = trained.generatorPoints[i];
            QCOMPARE(a.z, b.z);
            QCOMPARE(a.zeta, b.zeta);
            QCOMPARE(a.simulatedQuantiles, b.simulatedQuantiles);
            QVERIFY2(std::abs(a.ionizedOffset - b.ionizedOffset) < 1e-3, qPrintable(QString::number(a.ionizedOffset)));
            QCOMPARE(a.noiseScale, b.noiseScale);
            QCOMPARE(a.noiseWidth, b.noiseWidth);
        }

        // Refused by name: another cell size; a run being trained; an unfinished run.
        try {
            calibrateGeneratorRun(copy, m_coarseDs);
            QFAIL("maps of 3 Mpc cells calibrated a generator of 1.5 Mpc cells");
        } catch (const ParameterError& e) {
            QVERIFY2(QString(e.what()).contains("coarse.h5"), e.what());
        }
        {
            const RunLock training(copy);
            QVERIFY_THROWS_EXCEPTION(RunBusyError, calibrateGeneratorRun(copy, m_bigDs));
        }
        std::filesystem::remove(finalModelPath(copy));
        try {
            calibrateGeneratorRun(copy, m_bigDs);
            QFAIL("an unfinished run was calibrated");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("final.pt"), e.what());
        }
        // The CLI: one line naming the problem, non-zero exit; JSON on success.
        fixtures::CliResult r = fixtures::runCli(
            {"calibrate", QString::fromStdString(copy), "--dataset", QString::fromStdString(m_bigDs)});
        QVERIFY(r.code != 0 && r.err.contains("final.pt"));
        std::filesystem::copy_file(finalModelPath(m_run), finalModelPath(copy));
        r = fixtures::runCli({"calibrate", QString::fromStdString(copy), "--dataset", QString::fromStdString(m_bigDs),
            "--json", "--threads", "1"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(nlohmann::json::parse(r.out.toStdString()).at("rows").get<int>(), 32);
    }

    void legacyNoiseScaleScalesTheDraw()
    {
        // Runs before the per-point calibration (no generator.points) draw with the σ multiplier
        // fitted then: noise_scale + noise_scale_slope · (zNorm, ζNorm).
        RunConfig fitted = readRunConfig(m_run);
        fitted.generatorPoints.clear();
        // The multiplier scales the drawn deviation from the decoded mean, cell by cell; the ionized
        // cells (drawn before the values) do not move. Its slope over normalised z gives the same maps at z 9
        // as the multiplier it adds up to there.
        const double zNorm = (9.0 - fitted.conditionMean[0]) / fitted.conditionStd[0];
        QVERIFY(std::abs(zNorm) > 0.1);
        const std::vector<std::pair<double, double>> settings {{0.0, 0.0}, {0.5, 0.0}, {1.0, 0.0}, {0.0, 0.5 / zNorm}};
        std::vector<std::vector<float>> maps;
        for (const auto& [scale, slope] : settings) {
            const std::string copy = m_dir.filePath("scaled_" + QString::number(maps.size())).toStdString();
            std::filesystem::copy(m_run, copy, std::filesystem::copy_options::recursive);
            RunConfig c = fitted;
            c.generatorNoiseScale = scale;
            c.generatorNoiseSlope = {slope, 0.0};
            writeRunConfig(copy, c);
            maps.push_back(MapGenerator(copy).generate(9, 30, 5, 7).values);
        }
        std::size_t moved = 0;
        for (std::size_t i = 0; i < maps[0].size(); ++i) {
            const float mean = maps[0][i], half = maps[1][i] - mean, full = maps[2][i] - mean;
            if (mean == 0.0f) {
                QVERIFY(maps[1][i] == 0.0f && maps[2][i] == 0.0f);
                continue;
            }
            QVERIFY2(std::abs(half - 0.5f * full) <= 1e-4f * (1 + std::abs(full)),
                qPrintable(QString("cell %1: %2 at 0.5, %3 at 1").arg(i).arg(half).arg(full)));
            moved += std::abs(full) > 0.01f;
            QVERIFY(std::abs(maps[3][i] - maps[1][i]) <= 1e-4f * (1 + std::abs(maps[1][i])));
        }
        QVERIFY2(moved > maps[0].size() / 4, qPrintable(QString::number(moved)));
    }

    void cliDefaultDecaysTheRate()
    {
        // `train --model generator` without --epochs or --schedule: the default length with a cosine
        // decay of the rate to its floor by the last epoch (the gen5 note: the last weights of a
        // constant rate are as noisy as the rate; the maps' power grew with the length).
        const QString run = m_dir.filePath("cli_default");
        const QString ds = QString::fromStdString(m_ds);
        fixtures::CliResult r = fixtures::runCli(
            {"train", "--dataset", ds, "--model", "generator", "--out", run, "--max-batches", "1", "--threads", "1"});
        QVERIFY2(r.code == 0, r.err.constData());
        const RunConfig c = readRunConfig(run.toStdString());
        QCOMPARE(c.schedule.kind, std::string("cosine"));
        QVERIFY2(c.epochs >= 10, qPrintable(QString::number(c.epochs)));
        std::vector<double> lr;
        for (const HistoryRecord& h : readHistory(run.toStdString()))
            if (h.type == "epoch")
                lr.push_back(h.lr);
        QCOMPARE(int(lr.size()), c.epochs);
        QCOMPARE(lr.front(), c.optimizer.lr);
        for (std::size_t i = 1; i < lr.size(); ++i)
            QVERIFY2(lr[i] < lr[i - 1],
                qPrintable(QString("epoch %1: lr %2 after %3").arg(i + 1).arg(lr[i]).arg(lr[i - 1])));
        QVERIFY(std::abs(lr.back() - c.schedule.minLr) < 1e-12);
        QVERIFY(lr.back() < 0.05 * lr.front());
        QCOMPARE(c.priorLossWeight, 2.0); // the prior statistics term weighs double (gen5 note)
        // What the options give wins over the defaults.
        const QString given = m_dir.filePath("cli_given");
        r = fixtures::runCli({"train", "--dataset", ds, "--model", "generator", "--out", given, "--max-batches", "1",
            "--threads", "1", "--epochs", "2", "--schedule", "constant", "--prior-loss", "1"});
        QVERIFY2(r.code == 0, r.err.constData());
        const RunConfig g = readRunConfig(given.toStdString());
        QCOMPARE(g.epochs, 2);
        QCOMPARE(g.schedule.kind, std::string("constant"));
        QCOMPARE(g.priorLossWeight, 1.0);
    }

    void refusals()
    {
        QVERIFY_THROWS_EXCEPTION(IoError, MapGenerator(m_dir.filePath("nothing").toStdString()));
        const MapGenerator g(m_run);
        QVERIFY_THROWS_EXCEPTION(ParameterError, g.generate(8, 20, 0));
        QVERIFY_THROWS_EXCEPTION(ParameterError, g.generate(std::nan(""), 20, 2));
        QVERIFY_THROWS_EXCEPTION(ParameterError, g.generate(8, -5, 2));
        QVERIFY_THROWS_EXCEPTION(ParameterError, g.generate(8, 0, 2));
        QVERIFY_THROWS_EXCEPTION(ParameterError, Predictor(m_run).predict(nullptr, 1));
        // Another model's run is named as such.
        RunConfig ae = fixtures::tinyRunConfig(m_ds, ModelKind::Autoencoder, Target::None);
        ae.maxBatchesPerEpoch = 1;
        const std::string aeRun = m_dir.filePath("ae").toStdString();
        train(aeRun, ae);
        try {
            MapGenerator bad(aeRun);
            QFAIL("an ae run was accepted as a generator");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("not a generator run"), e.what());
        }
        // A generator is not any other task's model, and needs z and zeta.
        RunConfig wrong = fixtures::tinyRunConfig(m_ds, ModelKind::Cnn, Target::Z);
        wrong.task = Task::Generate;
        QVERIFY_THROWS_EXCEPTION(ParameterError, train(m_dir.filePath("wrong").toStdString(), wrong));
    }
};

QTEST_GUILESS_MAIN(TestMlGenerate)
#include "tst_ml_generate.moc"

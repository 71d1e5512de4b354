// Core pieces behind the Training studio: following a history another process appends to (only
// the appended part, a partial last line left for later), config resolution as the trainer does
// it, 2D power spectra, curve smoothing and decimation, and looking inside trained runs
// (reconstructions with residuals, split predictions, projections). Tiny runs on 16×16 slices.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "ml/dataset.h"
#include "ml/inspect.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/run_folder.h"
#include "ml/trainer.h"
#include "stats/power_spectrum.h"
#include "util/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>

using namespace rs;
using namespace rs::ml;

namespace {

void append(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
}

RunConfig tinyConfig(const std::string& ds, ModelKind model)
{
    return fixtures::tinyRunConfig(ds, model);
}

} // namespace

class TestMlInspect : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds, m_ae, m_cnn;

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 8);
        m_ae = m_dir.filePath("ae").toStdString();
        m_cnn = m_dir.filePath("cnn").toStdString();
        QCOMPARE(int(train(m_ae, tinyConfig(m_ds, ModelKind::Autoencoder)).status), int(TrainStatus::Finished));
        QCOMPARE(int(train(m_cnn, tinyConfig(m_ds, ModelKind::Cnn)).status), int(TrainStatus::Finished));
    }

    void historyTailReadsOnlyWhatWasAppended()
    {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        QCOMPARE(readHistoryFrom(run, 0).records.size(), std::size_t(0)); // no file yet
        HistoryRecord a;
        a.type = "batch";
        a.step = 1;
        a.trainLoss = 2.5;
        HistoryRecord b = a;
        b.step = 2;
        const std::string la = historyLine(a, Task::Classify), lb = historyLine(b, Task::Classify);
        append(historyPath(run), la + lb.substr(0, 10)); // a writer in the middle of its second line
        HistoryChunk c = readHistoryFrom(run, 0);
        QCOMPARE(c.records.size(), std::size_t(1));
        QCOMPARE(c.records[0].step, std::int64_t(1));
        QCOMPARE(c.nextOffset, std::uint64_t(la.size()));
        append(historyPath(run), lb.substr(10) + "not json\n");
        c = readHistoryFrom(run, c.nextOffset);
        QCOMPARE(c.records.size(), std::size_t(1)); // the completed line; the garbage line is skipped
        QCOMPARE(c.records[0].step, std::int64_t(2));
        QCOMPARE(c.records[0].trainLoss, 2.5);
        QCOMPARE(c.nextOffset, std::uint64_t(std::filesystem::file_size(historyPath(run))));
        QVERIFY(readHistoryFrom(run, c.nextOffset).records.empty());
        // Rewritten shorter (a new run in the same folder): read again from the start.
        std::filesystem::resize_file(historyPath(run), la.size());
        c = readHistoryFrom(run, c.nextOffset);
        QVERIFY(c.restarted);
        QCOMPARE(c.records.size(), std::size_t(1));
        QCOMPARE(readHistory(run).size(), std::size_t(1));
    }

    void resolvedConfigIsWhatTheTrainerWrites()
    {
        const auto ds = DatasetFile::open(m_ds);
        RunConfig c = tinyConfig(m_ds, ModelKind::Cnn);
        resolveRunConfig(c, *ds);
        const RunConfig stored = readRunConfig(m_cnn);
        QCOMPARE(c.classes, stored.classes);
        QCOMPARE(c.rows, stored.rows);
        QCOMPARE(c.normMean, stored.normMean);
        QCOMPARE(c.datasetHash, stored.datasetHash);
        QCOMPARE(defaultTask(ModelKind::Cnn, Target::Nf), Task::Regress);
        QCOMPARE(defaultTask(ModelKind::Autoencoder, Target::Z), Task::Reconstruct);
        RunConfig bad = tinyConfig(m_ds, ModelKind::Cnn);
        bad.optimizer.lr = 0;
        QVERIFY_THROWS_EXCEPTION(ParameterError, resolveRunConfig(bad, *ds));
    }

    void powerSpectrum2dOfWhiteNoiseIsFlatInP()
    {
        // White noise of variance σ²: P(k) = cell area · σ², so Δ²(k)·2π/k² ≈ that in every bin.
        const std::size_t n = 128;
        const double cell = 0.5, sigma = 2.0;
        std::vector<float> v(n * n);
        std::mt19937 rng(3);
        std::normal_distribution<float> g(0.0f, float(sigma));
        for (float& x : v)
            x = g(rng);
        const PowerSpectrum ps = powerSpectrum2d(v.data(), n, n, cell, cell);
        QVERIFY(ps.k.size() >= 5);
        for (std::size_t i = 0; i < ps.k.size(); ++i)
            if (ps.modes[i] > 400) {
                const double p = ps.delta2[i] * 2 * std::numbers::pi / (ps.k[i] * ps.k[i]);
                QVERIFY2(std::abs(p / (cell * cell * sigma * sigma) - 1.0) < 0.15, qPrintable(QString::number(p)));
            }
        // A plane wave lands in the bin holding its k, nothing elsewhere.
        const int m = 5;
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < n; ++c)
                v[r * n + c] = float(std::sin(2 * std::numbers::pi * m * double(c) / double(n)));
        const PowerSpectrum wave = powerSpectrum2d(v.data(), n, n, cell, cell);
        const std::size_t peak
            = std::size_t(std::max_element(wave.delta2.begin(), wave.delta2.end()) - wave.delta2.begin());
        const double k0 = 2 * std::numbers::pi * m / (double(n) * cell);
        QVERIFY(wave.k[peak] / k0 < 1.5 && k0 / wave.k[peak] < 1.5);
        for (std::size_t i = 0; i < wave.k.size(); ++i)
            if (i != peak)
                QVERIFY(wave.delta2[i] < 1e-6 * wave.delta2[peak]);
        QVERIFY_THROWS_EXCEPTION(ParameterError, powerSpectrum2d(v.data(), 0, n, cell, cell));
    }

    void reconstructionsAndWorstSamples()
    {
        const Predictor p(m_ae);
        const auto ds = DatasetFile::open(m_ds);
        SampleStack s = readSplitSamples(*ds, Split::Test, 5);
        QCOMPARE(s.count(), std::size_t(5));
        const std::vector<float> input = s.values;
        const Reconstructions r = reconstruct(p, s.values, s.count(), 1.5);
        const std::vector<float> direct = p.predict(input.data(), s.count());
        QCOMPARE(r.output.size(), direct.size());
        for (std::size_t i = 0; i < r.input.size(); ++i) {
            QCOMPARE(r.output[i], direct[i]);
            QCOMPARE(r.residual[i], input[i] - direct[i]);
        }
        const std::size_t px = r.rows * r.cols;
        for (std::size_t k = 0; k < r.count; ++k) {
            double sum = 0;
            for (std::size_t i = 0; i < px; ++i)
                sum += double(r.residual[k * px + i]) * r.residual[k * px + i];
            QVERIFY(std::abs(r.mse[k] - sum / double(px)) < 1e-9 * (1 + sum));
        }
        QCOMPARE(r.inputSpectra.size(), r.count);
        QVERIFY(r.valueRange.min <= r.residualRange.max + r.valueRange.max); // sanity: ranges filled
        const std::vector<std::size_t> worst = worstSamples(r.mse, 3);
        QCOMPARE(worst.size(), std::size_t(3));
        QVERIFY(r.mse[worst[0]] >= r.mse[worst[1]] && r.mse[worst[1]] >= r.mse[worst[2]]);
        QCOMPARE(r.mse[worst[0]], *std::max_element(r.mse.begin(), r.mse.end()));
        QVERIFY_THROWS_EXCEPTION(ParameterError, reconstruct(Predictor(m_cnn), input, 5, 1.5));
        QVERIFY_THROWS_EXCEPTION(ParameterError, reconstruct(p, input, 4, 1.5)); // size does not match
    }

    void splitPredictionsAgreeWithEvaluation()
    {
        const Predictor p(m_cnn);
        const auto ds = DatasetFile::open(m_ds);
        const SplitPredictions sp = predictSplit(p, *ds, Split::Test, 0);
        const EvalMetrics full = evaluateRun(m_cnn, "", Split::Test, 1);
        QCOMPARE(sp.metrics.samples, full.samples);
        QVERIFY(std::abs(sp.metrics.accuracy - full.accuracy) < 1e-12);
        QCOMPARE(sp.metrics.confusion, full.confusion);
        std::size_t right = 0;
        for (std::size_t i = 0; i < sp.truth.size(); ++i)
            right += sp.truth[i] == sp.predicted[i];
        QVERIFY(std::abs(double(right) / double(sp.truth.size()) - sp.metrics.accuracy) < 1e-12);
        QCOMPARE(sp.probabilities.size(), sp.truth.size() * 2);
        QVERIFY_THROWS_EXCEPTION(ParameterError, predictSplit(Predictor(m_ae), *ds, Split::Test, 0));
    }

    void projectionsOfCodesAndPixels()
    {
        const auto ds = DatasetFile::open(m_ds);
        const Predictor p(m_ae);
        const Projection2d codes = projectSplit(&p, *ds, Split::Test, Target::Z, 0);
        QCOMPARE(codes.space, std::string("autoencoder codes"));
        QCOMPARE(codes.x.size(), ds->info().splitCounts[2]);
        QCOMPARE(codes.label.size(), codes.x.size());
        QVERIFY(codes.explainedRatio[0] >= codes.explainedRatio[1] && codes.explainedRatio[0] <= 1.0);
        for (std::size_t i = 0; i < codes.indices.size(); ++i)
            QCOMPARE(codes.label[i], ds->labels()[std::size_t(codes.indices[i])].z);
        const Projection2d pixels = projectSplit(nullptr, *ds, Split::Test, Target::Zeta, 7);
        QCOMPARE(pixels.space, std::string("pixels"));
        QCOMPARE(pixels.x.size(), std::size_t(7));
        QVERIFY(pixels.explainedRatio[0] > 0);
    }
};

QTEST_GUILESS_MAIN(TestMlInspect)
#include "tst_ml_inspect.moc"

// The Training studio's views of what a model does, one per run kind: Translation (unet: density
// | predicted x_HI | true x_HI | difference, linked, with the physics metrics), Generator (maps
// that follow the z and ζ sliders, with their Δ²(k) and PDF beside held-out simulated maps) and
// Latent traversal (an autoencoder's decoder walked along a principal direction of its codes).
// Each drawn value is checked against core's API called independently. Tiny 16² runs. The views
// compute again only when their run's weights change, not on every training refresh.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/linked_slices_view.h"
#include "explorer/session.h"
#include "explorer/slice_panel.h"
#include "ml/dataset.h"
#include "ml/generator.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/translation_metrics.h"
#include "ml/translator.h"
#include "shell/job_runner.h"
#include "sim/simulator.h"
#include "studio/generator_view.h"
#include "studio/latent_view.h"
#include "studio/map_grid.h"
#include "studio/predictor_pool.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/training_workspace.h"
#include "studio/translation_view.h"
#include "vtk/slice_canvas.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

using namespace rs;
using namespace rs::ui;

namespace {

void screenshot(QWidget& w, const QString& name)
{
    QTest::qWait(300); // the charts lay out their axes and legends in the event loop
    rs::ui::grabWithGlViews(&w).save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/studio-%1.png").arg(name));
}

/// Shows a Generator view at a size its charts lay out in, drawing on one thread.
bool showOnScreen(GeneratorView& view)
{
    view.resize(1300, 800);
    view.show();
    view.setComputeThreads(1);
    return QTest::qWaitForWindowExposed(&view);
}

float maxAbsDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size())
        return INFINITY;
    float d = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::abs(a[i] - b[i]));
    return d;
}

/// Counts the jobs a runner starts.
std::shared_ptr<int> countStarts(JobRunner* job)
{
    auto n = std::make_shared<int>(0);
    QObject::connect(job, &JobRunner::started, job, [n] { ++*n; });
    return n;
}

} // namespace

class TestStudioModels : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_dir;
    QString m_runs;
    std::string m_pairs, m_maps, m_unet, m_gen, m_ae;
    PredictorPool m_pool;

private Q_SLOTS:
    void initTestCase()
    {
        const fixtures::TinyModelRuns r = fixtures::trainTinyModelRuns(m_dir.path());
        m_pairs = r.pairs;
        m_maps = r.maps;
        m_runs = r.runs;
        m_unet = r.unet;
        m_gen = r.gen;
        m_ae = r.ae;
    }

    void modelTabsFollowTheRunKind()
    {
        Session session;
        TrainingWorkspace ws(&session);
        guifixtures::showRunsFolder(ws, m_runs, {1400, 900});
        QTRY_COMPARE_WITH_TIMEOUT(ws.runsModel()->rowCount(), 3, 20000);
        using Tab = TrainingWorkspace::Tab;
        const std::vector<std::pair<std::string, Tab>> kinds {
            {m_unet, Tab::Translation}, {m_gen, Tab::Generator}, {m_ae, Tab::Latent}};
        for (const auto& [run, tab] : kinds) {
            ws.runsPanel()->selectRuns({QString::fromStdString(run)});
            QTRY_VERIFY_WITH_TIMEOUT(ws.isTabShown(tab), 10000);
            for (Tab other : {Tab::Translation, Tab::Generator, Tab::Latent})
                QCOMPARE(ws.isTabShown(other), other == tab);
        }
        // The generator run's tab draws when it shows.
        ws.runsPanel()->selectRuns({QString::fromStdString(m_gen)});
        ws.showTab(Tab::Generator);
        QTRY_VERIFY_WITH_TIMEOUT(ws.generatorView()->grid()->count() > 0, 30000);
        screenshot(ws, QStringLiteral("generator-tab"));
    }

    void translationShowsFourLinkedPanelsAndMetrics()
    {
        REQUIRE_OPENGL();
        TranslationView view;
        view.resize(1500, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setComputeThreads(1);
        view.setMaxSamples(6);
        view.setRun(QString::fromStdString(m_unet), rs::ml::readRunConfig(m_unet));
        QTRY_VERIFY_WITH_TIMEOUT(view.metrics().has_value(), 30000);
        LinkedSlicesView* slices = view.slices();
        QCOMPARE(slices->panelCount(), 4);
        view.showSlice(2);
        for (int i = 0; i < 4; ++i) {
            SliceCanvas* c = slices->panel(i)->canvas();
            QVERIFY(c->hasCube());
            QCOMPARE(c->state().index, 2); // linked
            QTRY_VERIFY_WITH_TIMEOUT(c->isGlReady() && c->renderCount() > 0, 10000);
        }
        // The prediction is core's translateSlices of that test sample; the difference is predicted − true.
        const QPointF at(0.41, 0.57);
        const VoxelProbe d = slices->panel(0)->canvas()->probeAtFraction(at);
        const VoxelProbe p = slices->panel(1)->canvas()->probeAtFraction(at);
        const VoxelProbe t = slices->panel(2)->canvas()->probeAtFraction(at);
        const VoxelProbe diff = slices->panel(3)->canvas()->probeAtFraction(at);
        QVERIFY(d.valid && p.valid && t.valid && diff.valid);
        QCOMPARE(p.voxel, diff.voxel);
        QVERIFY(std::abs(diff.value - (p.value - t.value)) <= 1e-5);
        const auto ds = rs::ml::DatasetFile::open(m_pairs);
        const std::int64_t sample = rs::ml::evenlySpacedSubset(ds->indices(rs::ml::Split::Test), 6)[2];
        std::vector<float> x(256), y(256), ctx(2 * 256);
        ds->readSamples(&sample, 1, x.data());
        ds->readTargets(&sample, 1, y.data());
        ds->readContext(&sample, 1, ctx.data());
        const double z = ds->labels()[std::size_t(sample)].z, zeta = ds->labels()[std::size_t(sample)].zeta;
        const std::vector<float> pred = rs::ml::Translator(m_unet).translateSlices(x.data(), ctx.data(), &z, &zeta, 1);
        const std::size_t pixel = p.voxel[1] * 16 + p.voxel[2];
        QCOMPARE(float(d.value), x[pixel]);
        QCOMPARE(float(t.value), y[pixel]);
        QVERIFY(std::abs(p.value - pred[pixel]) <= 1e-5);
        // The metrics: in range, consistent with each other, shown for all samples and this slice.
        const rs::ml::TranslationMetrics& m = *view.metrics();
        QVERIFY(m.pixelAccuracy >= 0 && m.pixelAccuracy <= 1);
        QVERIFY(m.iouIonized >= 0 && m.iouIonized <= 1);
        QVERIFY(std::abs(m.nfError - (m.meanPredicted - m.meanTrue)) < 1e-9);
        QCOMPARE(m.cells, std::size_t(6 * 256));
        QVERIFY(view.metricsText().contains(QStringLiteral("pixel accuracy")));
        QVERIFY(view.metricsText().contains(QStringLiteral("r(k)")));
        QVERIFY(view.metricsText().contains(QStringLiteral("test sample 2 of 6")));
        screenshot(view, QStringLiteral("translation-test"));
    }

    void translationOfTheExplorerCube()
    {
        REQUIRE_OPENGL();
        SimulationParams sp;
        sp.dim = 16;
        sp.boxMpc = 24;
        sp.threads = 1;
        sp.redshifts = {8.5};
        sp.zeta = 25;
        sp.seed = 11;
        const std::vector<SimulatedRedshift> sim = simulate(sp);
        TranslationView view;
        view.resize(1500, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setComputeThreads(1);
        view.setExplorerCubes({guifixtures::loaded(sim[0].density), guifixtures::loaded(sim[0].neutralFraction)});
        view.setRun(QString::fromStdString(m_unet), rs::ml::readRunConfig(m_unet));
        QTRY_VERIFY_WITH_TIMEOUT(view.metrics().has_value(), 30000);
        view.setSource(TranslationView::Source::ExplorerCube);
        QTRY_VERIFY_WITH_TIMEOUT(view.metrics() && view.metrics()->cells == 16 * 16 * 16, 30000);
        // The whole cube through core's Translator, compared with the simulation's own x_HI.
        rs::ml::TranslateOptions o;
        o.threads = 1;
        const rs::ml::TranslationResult r = rs::ml::Translator(m_unet).translate(sim[0].density, o);
        const rs::ml::TranslationMetrics want
            = rs::ml::compareCubes(r.predicted, sim[0].neutralFraction, Quantity::NeutralFraction);
        QCOMPARE(view.metrics()->pixelAccuracy, want.pixelAccuracy);
        QVERIFY(std::abs(view.metrics()->nfError - want.nfError) < 1e-9);
        QCOMPARE(view.slices()->panelCount(), 4);
        QVERIFY(view.note().contains(QStringLiteral("translated whole")));
        // Panel i shows cube i (density, prediction, truth, difference), also after a second
        // translation: the prediction is not swapped for the truth of the same quantity.
        for (int i = 0; i < 4; ++i)
            QCOMPARE(view.slices()->panel(i)->selectedCube(), i);
        SliceCanvas* predicted = view.slices()->panel(1)->canvas();
        QTRY_VERIFY_WITH_TIMEOUT(predicted->isGlReady() && predicted->renderCount() > 0, 10000);
        const VoxelProbe p = predicted->probeAtFraction(QPointF(0.3, 0.6));
        QVERIFY(p.valid);
        QVERIFY(std::abs(p.value - r.predicted.data()[r.predicted.index(p.voxel[0], p.voxel[1], p.voxel[2])]) <= 1e-5);
        // Without a true cube: two panels and no metrics.
        view.setExplorerCubes({guifixtures::loaded(sim[0].density)});
        view.compute();
        QTRY_VERIFY_WITH_TIMEOUT(!view.metrics().has_value() && view.slices()->panelCount() == 2, 30000);
        QVERIFY(view.note().contains(QStringLiteral("no metrics")));
        // z and ζ given in the view replace the cube's (21cmFAST density boxes carry no ζ).
        view.setCubeParameters(0, 40);
        view.compute();
        QTRY_VERIFY_WITH_TIMEOUT(view.note().contains(QStringLiteral("ζ = 40")), 30000);
        QVERIFY(view.note().contains(QStringLiteral("z = 8.5")));
    }

    void generatorFollowsTheSliders()
    {
        GeneratorView view;
        QVERIFY(showOnScreen(view));
        QSignalSpy redrawn(&view, &GeneratorView::redrawn);
        const rs::ml::RunConfig config = rs::ml::readRunConfig(m_gen);
        view.setRun(QString::fromStdString(m_gen), config);
        QTRY_VERIFY_WITH_TIMEOUT(redrawn.count() >= 1, 30000);
        QCOMPARE(view.grid()->count(), std::size_t(9));
        const rs::ml::MapGenerator generator(m_gen);
        auto expected = [&] { return generator.generate(view.z(), view.zeta(), 9, 0).values; };
        QVERIFY(maxAbsDifference(view.grid()->values(), expected()) < 1e-4f);
        const std::vector<float> before = view.grid()->values();
        // Moving the z slider draws new maps at the new z (the same noise).
        view.zSlider()->setValue(view.zSlider()->maximum());
        QTRY_VERIFY_WITH_TIMEOUT(redrawn.count() >= 2, 30000);
        QVERIFY(view.z() > config.conditionMax[0]); // past the training range ...
        QVERIFY(view.note().contains(QStringLiteral("extrapolates"))); // ... and the view says so
        QVERIFY(maxAbsDifference(view.grid()->values(), before) > 1e-3f);
        QVERIFY(maxAbsDifference(view.grid()->values(), expected()) < 1e-4f);
        QVERIFY(view.lastRedrawMs() >= 0);
        // Many moves at once: the newest position is what ends up drawn.
        const int draws = view.drawsDone();
        for (int v : {10, 40, 70, 120, 150})
            view.zetaSlider()->setValue(v);
        QTRY_VERIFY_WITH_TIMEOUT(!view.job()->isRunning() && view.zetaSlider()->value() == 150, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(maxAbsDifference(view.grid()->values(), expected()) < 1e-4f, 30000);
        QVERIFY(view.drawsDone() - draws < 5);
        // Beside the grid: metrics against the nearest held-out maps, Δ²(k) and PDF both overlaid.
        QTRY_VERIFY_WITH_TIMEOUT(!view.isComparing() && view.metrics().has_value(), 30000);
        QCOMPARE(view.metrics()->zeta, view.zeta() > 27.5 ? 40.0 : 15.0); // of the newest position
        const rs::ml::GenerationGroupMetrics& g = *view.metrics();
        QVERIFY(g.simulated > 0 && g.generated == 9);
        QVERIFY(g.z == 8 || g.z == 9);
        QVERIFY(g.pdfKs >= 0 && g.pdfKs <= 1);
        QVERIFY(view.metricsText().contains(QStringLiteral("PDF KS")));
        QCOMPARE(view.spectrumView()->chart()->series().size(), 2);
        QCOMPARE(view.pdfView()->chart()->series().size(), 2);
        QVERIFY(view.simulatedGrid()->count() > 0);
        screenshot(view, QStringLiteral("generator"));
        // A larger sky at the same cells: 32² maps from the 16² run, the run's own 32² draws; the
        // curves overlay the training-size simulations, the metrics (one size only) stay off.
        QCOMPARE(view.mapSize(), int(config.rows));
        const int before32 = redrawn.count();
        view.setMapSize(30); // snapped to a multiple of 8
        QCOMPARE(view.mapSize(), 32);
        QTRY_VERIFY_WITH_TIMEOUT(redrawn.count() > before32 && !view.job()->isRunning(), 30000);
        QCOMPARE(view.grid()->values().size(), std::size_t(9 * 32 * 32));
        QVERIFY(maxAbsDifference(view.grid()->values(), generator.generate(view.z(), view.zeta(), 9, 0, 32, 32).values)
            < 1e-4f);
        QTRY_VERIFY_WITH_TIMEOUT(!view.isComparing(), 30000);
        QVERIFY(!view.metrics().has_value());
        QVERIFY2(view.metricsText().contains(QStringLiteral("one size")), qPrintable(view.metricsText()));
        QCOMPARE(view.spectrumView()->chart()->series().size(), 2);
        screenshot(view, QStringLiteral("generator-32"));
    }

    void generatorComparesWithTheDatasetItWasCalibratedOn()
    {
        // A copy of the 16² run calibrated on 32² maps of the same 1.5 Mpc cells (as a 64² run on
        // 200² maps of 300 Mpc boxes, `reionscope-cli calibrate RUN --dataset D`): the open view
        // draws again with the new points, and its 32² maps are judged against that dataset. Its
        // δT_b has the line-of-sight velocity terms, the run's training maps do not: the status
        // says so, as `calibrate` does.
        rs::ml::DatasetBuildOptions o;
        o.axes = "z";
        o.stride = 4;
        const std::string big = m_dir.filePath(QStringLiteral("maps32.h5")).toStdString();
        rs::ml::buildDataset(
            rs::ml::sourcesFromSimulator(fixtures::tinySimulationGrid(32), rs::Quantity::BrightnessTemperature, "on"),
            o, big);
        const std::string run = m_dir.filePath(QStringLiteral("gen-calibrated")).toStdString();
        std::filesystem::copy(m_gen, run, std::filesystem::copy_options::recursive);

        GeneratorView view;
        QVERIFY(showOnScreen(view));
        QSignalSpy redrawn(&view, &GeneratorView::redrawn);
        view.setRun(QString::fromStdString(run), rs::ml::readRunConfig(run));
        QTRY_VERIFY_WITH_TIMEOUT(redrawn.count() >= 1 && !view.job()->isRunning(), 30000);
        view.zSlider()->setValue(60);
        QTRY_VERIFY_WITH_TIMEOUT(redrawn.count() >= 2 && !view.job()->isRunning(), 30000);
        const std::vector<float> before = view.grid()->values();

        // Calibrate… (the dialog's choice given directly): a stop leaves config.json as it was, a
        // missing file is one problem naming it, and a calibration draws the run again.
        const auto configText = [&] {
            QFile f(QString::fromStdString(rs::ml::runConfigPath(run)));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray trained = configText();
        view.calibrateOn(QString::fromStdString(big));
        QVERIFY(view.isCalibrating());
        view.calibrateButton()->click(); // "Stop calibrating"
        QTRY_VERIFY_WITH_TIMEOUT(!view.isCalibrating(), 30000);
        QVERIFY2(view.calibrationStatus().contains(QStringLiteral("stopped")), qPrintable(view.calibrationStatus()));
        QCOMPARE(configText(), trained);
        QSignalSpy problems(&view, &GeneratorView::problem);
        const QString missing = m_dir.filePath(QStringLiteral("no-such.h5"));
        view.calibrateOn(missing);
        QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 1, 30000);
        QVERIFY2(
            problems.front().front().toString().contains(missing), qPrintable(problems.front().front().toString()));
        QCOMPARE(configText(), trained);

        QSignalSpy calibratedSpy(&view, &GeneratorView::calibrated);
        const int draws = redrawn.count();
        view.calibrateOn(QString::fromStdString(big));
        QTRY_COMPARE_WITH_TIMEOUT(calibratedSpy.count(), 1, 120000);
        QVERIFY(view.calibrationStatus().startsWith(QStringLiteral("Calibrated")));
        QVERIFY2(view.calibrationStatus().contains(QStringLiteral("Warning: ") + QString::fromStdString(big)
                     + QStringLiteral(": its δT_b maps all carry the line-of-sight velocity terms")),
            qPrintable(view.calibrationStatus()));
        QCOMPARE(rs::ml::readRunConfig(run).generatorCalibrationRows, std::size_t(32));
        QTRY_VERIFY_WITH_TIMEOUT(redrawn.count() > draws && !view.job()->isRunning(), 30000);
        QCOMPARE(view.zSlider()->value(), 60); // the same run: drawn again where the sliders are
        const rs::ml::MapGenerator calibrated(run);
        QVERIFY(maxAbsDifference(view.grid()->values(), calibrated.generate(view.z(), view.zeta(), 9, 0).values)
            < 1e-4f); // the new points, not the model loaded before
        QVERIFY(maxAbsDifference(view.grid()->values(), before) > 1e-3f);

        view.setMapSize(32);
        QTRY_VERIFY_WITH_TIMEOUT(!view.job()->isRunning() && view.grid()->values().size() == 9 * 32 * 32, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!view.isComparing() && view.metrics().has_value(), 30000);
        QVERIFY2(view.metricsText().contains(QStringLiteral("maps32.h5")), qPrintable(view.metricsText()));
        QVERIFY(view.metrics()->simulated > 0 && view.metrics()->generated == 9);
        QCOMPARE(view.simulatedGrid()->values().size() % (32 * 32), std::size_t(0));
        // The same comparison as evaluate's on that dataset's test maps of the nearest point.
        QVERIFY(view.metrics()->z == 8 || view.metrics()->z == 9);
        screenshot(view, QStringLiteral("generator-calibrated-32"));

        view.setMapSize(16); // the training size: the run's own dataset again
        QTRY_VERIFY_WITH_TIMEOUT(!view.job()->isRunning() && view.grid()->values().size() == 9 * 16 * 16, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!view.isComparing() && view.metrics().has_value(), 30000);
        QVERIFY2(!view.metricsText().contains(QStringLiteral("maps32.h5")), qPrintable(view.metricsText()));
    }

    void latentTraversalDecodesAlongAPrincipalDirection()
    {
        LatentView view(&m_pool);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setRun(QString::fromStdString(m_ae), rs::ml::readRunConfig(m_ae));
        QTRY_VERIFY_WITH_TIMEOUT(view.pca() && view.decoded()->count() == 1, 30000);
        const rs::ml::PcaModel pca = *view.pca();
        QVERIFY(pca.components >= 2);
        QCOMPARE(view.componentBox()->count(), int(pca.components));
        QTRY_COMPARE_WITH_TIMEOUT(view.strip()->count(), std::size_t(7), 30000); // a job of its own
        const rs::ml::Predictor predictor(m_ae);
        QCOMPARE(pca.dim, predictor.featureSize());
        // decode(features(x)) is the autoencoder's own reconstruction.
        const auto ds = rs::ml::DatasetFile::open(m_maps);
        const std::int64_t first = ds->indices(rs::ml::Split::Validation).front();
        std::vector<float> x(256);
        ds->readSamples(&first, 1, x.data());
        const std::vector<float> code = predictor.features(x.data(), 1);
        QVERIFY(maxAbsDifference(predictor.decode(code.data(), 1), predictor.predict(x.data(), 1)) < 1e-4f);
        // The view's map at +2σ along direction 2 is the decoded code mean + 2σ₂ e₂.
        auto codeAt = [&](std::size_t k, double s) {
            std::vector<float> c(pca.dim);
            for (std::size_t i = 0; i < pca.dim; ++i)
                c[i] = float(pca.mean[i] + s * std::sqrt(pca.explainedVariance[k]) * pca.basis[k * pca.dim + i]);
            return c;
        };
        const std::vector<float> atMean = view.decoded()->values();
        QVERIFY(maxAbsDifference(atMean, predictor.decode(codeAt(0, 0).data(), 1)) < 1e-4f);
        view.setComponent(1);
        view.setPosition(2.0);
        QTRY_VERIFY_WITH_TIMEOUT(
            maxAbsDifference(view.decoded()->values(), predictor.decode(codeAt(1, 2.0).data(), 1)) < 1e-4f, 30000);
        QVERIFY(maxAbsDifference(view.decoded()->values(), atMean) > 1e-4f); // the map changed
        // The strip follows the direction (decoded once for it), not the slider.
        QTRY_COMPARE_WITH_TIMEOUT(view.stripDecodes(), 2, 30000); // direction 1, then 2
        const std::size_t px = 16 * 16;
        const std::vector<float> strip = view.strip()->values();
        QVERIFY(strip.size() == 7 * px
            && maxAbsDifference(std::vector<float>(strip.end() - std::ptrdiff_t(px), strip.end()),
                   predictor.decode(codeAt(1, 3.0).data(), 1))
                < 1e-4f);
        for (double s : {0.5, 1.0, -1.5}) {
            view.setPosition(s);
            QTRY_VERIFY_WITH_TIMEOUT(
                maxAbsDifference(view.decoded()->values(), predictor.decode(codeAt(1, s).data(), 1)) < 1e-4f, 30000);
        }
        QCOMPARE(view.stripDecodes(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(view.lastRedrawMs() >= 0, 10000);
        screenshot(view, QStringLiteral("latent"));
    }

    void otherRunKindsGetANote()
    {
        GeneratorView gen;
        gen.setRun(QString::fromStdString(m_ae), rs::ml::readRunConfig(m_ae));
        QVERIFY(gen.note().contains(QStringLiteral("generator runs")));
        QVERIFY(!gen.zSlider()->isEnabled());
        TranslationView tr;
        tr.setRun(QString::fromStdString(m_gen), rs::ml::readRunConfig(m_gen));
        QVERIFY(tr.note().contains(QStringLiteral("unet runs")));
        LatentView lat(&m_pool);
        lat.setRun(QString::fromStdString(m_unet), rs::ml::readRunConfig(m_unet));
        QVERIFY(lat.note().contains(QStringLiteral("autoencoder")));
        QVERIFY_THROWS_EXCEPTION(ParameterError, rs::ml::Predictor(m_gen).decode(nullptr, 1));
    }

    void mapGridColoursAsFigures()
    {
        // figure::mapImage's colours: ends clamped, a value 127.6/255 of the way up rounded to
        // colour 128, NaN magenta.
        MapGrid grid;
        grid.setMaps({-1.f, 2.f, float(127.6 / 255.0), NAN}, 1, 2, 2, 0.0, 1.0);
        const QImage img = grid.image(0);
        const auto& table = rs::figure::colormapTable(rs::figure::ColormapId::Viridis);
        auto colour = [&](std::size_t i) { return qRgb(table[i][0], table[i][1], table[i][2]); };
        QCOMPARE(img.size(), QSize(2, 2));
        QCOMPARE(img.pixel(0, 0), colour(0));
        QCOMPARE(img.pixel(1, 0), colour(255));
        QCOMPARE(img.pixel(0, 1), colour(128));
        QCOMPARE(img.pixel(1, 1), qRgb(255, 0, 255));
    }

    void refreshesOfTheSameRunStartNoNewJob()
    {
        // A training refresh sets the same run again while a view computes: its job goes on.
        TranslationView tv;
        tv.setComputeThreads(1);
        tv.setMaxSamples(4);
        GeneratorView gv;
        gv.setComputeThreads(1);
        LatentView lv(&m_pool);
        const std::shared_ptr<int> starts[] {countStarts(tv.job()), countStarts(gv.job()), countStarts(lv.fitJob())};
        const rs::ml::RunConfig unet = rs::ml::readRunConfig(m_unet), gen = rs::ml::readRunConfig(m_gen),
                                ae = rs::ml::readRunConfig(m_ae);
        for (int i = 0; i < 4; ++i) {
            tv.setRun(QString::fromStdString(m_unet), unet);
            gv.setRun(QString::fromStdString(m_gen), gen);
            lv.setRun(QString::fromStdString(m_ae), ae);
            QCoreApplication::processEvents();
        }
        QTRY_VERIFY_WITH_TIMEOUT(tv.metrics() && gv.grid()->count() > 0 && lv.pca(), 60000);
        for (const std::shared_ptr<int>& n : starts)
            QCOMPARE(*n, 1);
    }

    void onlyNewWeightsRestartTheModelViews()
    {
        Session session;
        TrainingWorkspace ws(&session);
        guifixtures::showRunsFolder(ws, m_runs, {1400, 900});
        QTRY_COMPARE_WITH_TIMEOUT(ws.runsModel()->rowCount(), 3, 20000);
        const QString unet = QString::fromStdString(m_unet);
        ws.runsPanel()->selectRuns({unet});
        QTRY_VERIFY_WITH_TIMEOUT(ws.isTabShown(TrainingWorkspace::Tab::Translation), 10000);
        ws.translationView()->setComputeThreads(1);
        ws.translationView()->setMaxSamples(4);
        ws.showTab(TrainingWorkspace::Tab::Translation);
        QTRY_VERIFY_WITH_TIMEOUT(ws.translationView()->metrics() && !ws.translationView()->job()->isRunning(), 30000);
        const std::shared_ptr<int> starts = countStarts(ws.translationView()->job());
        auto epochEnds = [&](int epoch) { // what the watcher reports when a trainer elsewhere ends an epoch
            RunUpdate u;
            u.path = unet;
            u.history.nextOffset = ws.runsModel()->find(unet)->historyOffset;
            rs::ml::HistoryRecord r;
            r.epoch = epoch;
            r.step = 1000 * epoch;
            r.valLoss = 1e9; // no new best
            u.history.records = {r};
            ws.runsModel()->applyUpdates({u});
        };
        epochEnds(3);
        QCOMPARE(ws.runsModel()->find(unet)->epochsDone, 3);
        QTest::qWait(300);
        QCOMPARE(*starts, 0); // the weights did not change
        // New weights (final.pt rewritten): the view translates again, once.
        const std::string weights = rs::ml::finalModelPath(m_unet);
        std::filesystem::last_write_time(weights, std::filesystem::last_write_time(weights) + std::chrono::seconds(2));
        epochEnds(4);
        QTRY_COMPARE_WITH_TIMEOUT(*starts, 1, 10000);
        epochEnds(5);
        QTest::qWait(300);
        QCOMPARE(*starts, 1);
    }
};

QTEST_MAIN(TestStudioModels)
#include "tst_studio_models.moc"

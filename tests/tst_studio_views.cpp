// The Training studio's views of a trained run: an autoencoder's input | reconstruction |
// residual as three linked slice panels (the residual at a probed voxel is input − output, as the
// Predictor computes it independently), the worst slice, a cube from the Explorer; a
// classifier's confusion matrix and its prediction of a cube; a regressor's scatter; and the 2D
// projection whose points open their slice.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/linked_slices_view.h"
#include "explorer/slice_panel.h"
#include "io/cube_loader.h"
#include "ml/dataset.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "shell/job_runner.h"
#include "studio/cube_prediction_view.h"
#include "studio/evaluation_view.h"
#include "studio/predictor_pool.h"
#include "studio/projection_view.h"
#include "studio/reconstruction_view.h"
#include "vtk/slice_canvas.h"
#include "vtk/vtk_host_widget.h"

#include <QChart>
#include <QChartView>
#include <QListWidget>
#include <QScatterSeries>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

rs::ml::RunConfig tiny(const std::string& ds, rs::ml::ModelKind model, rs::ml::Target target = rs::ml::Target::Z)
{
    rs::ml::RunConfig c = fixtures::tinyRunConfig(ds, model, target);
    c.historyEvery = 0;
    return c;
}

} // namespace

class TestStudioViews : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_dir;
    std::string m_ds, m_ae, m_cnn, m_reg, m_cube;
    PredictorPool m_pool;

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 4);
        m_ae = m_dir.filePath("ae").toStdString();
        m_cnn = m_dir.filePath("cnn").toStdString();
        m_reg = m_dir.filePath("reg").toStdString();
        QCOMPARE(int(rs::ml::train(m_ae, tiny(m_ds, rs::ml::ModelKind::Autoencoder)).status),
            int(rs::ml::TrainStatus::Finished));
        QCOMPARE(
            int(rs::ml::train(m_cnn, tiny(m_ds, rs::ml::ModelKind::Cnn)).status), int(rs::ml::TrainStatus::Finished));
        QCOMPARE(int(rs::ml::train(m_reg, tiny(m_ds, rs::ml::ModelKind::Cnn, rs::ml::Target::Nf)).status),
            int(rs::ml::TrainStatus::Finished));
        QDir().mkpath(m_dir.filePath("cube"));
        m_cube = fixtures::writeSyntheticSim(m_dir.filePath("cube"), 9, 30, 7, 16);
    }

    void reconstructionShowsThreeLinkedImages()
    {
        REQUIRE_OPENGL();
        ReconstructionView view(&m_pool);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMaxSamples(12);
        view.setRun(QString::fromStdString(m_ae), rs::ml::readRunConfig(m_ae));
        QTRY_VERIFY_WITH_TIMEOUT(view.reconstructions().has_value(), 30000);
        const rs::ml::Reconstructions& r = *view.reconstructions();
        QCOMPARE(r.count, std::size_t(12));
        LinkedSlicesView* slices = view.slices();
        QCOMPARE(slices->panelCount(), 3);
        view.showSample(3);
        QCOMPARE(view.currentSample(), 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(slices->panel(i)->canvas()->hasCube());
            QCOMPARE(slices->panel(i)->canvas()->state().index, 3); // linked
        }
        // Three images on screen.
        for (int i = 0; i < 3; ++i) {
            SliceCanvas* c = slices->panel(i)->canvas();
            QTRY_VERIFY_WITH_TIMEOUT(c->isGlReady() && c->renderCount() > 0, 10000);
            const QImage img = c->grabImage();
            QVERIFY(!img.isNull());
            QVERIFY2(guifixtures::blackFraction(img) < 0.9, "a panel is black");
        }
        // The residual at a probed voxel is input − output, and output is what the Predictor makes.
        const QPointF at(0.37, 0.61);
        const VoxelProbe in = slices->panel(0)->canvas()->probeAtFraction(at);
        const VoxelProbe out = slices->panel(1)->canvas()->probeAtFraction(at);
        const VoxelProbe res = slices->panel(2)->canvas()->probeAtFraction(at);
        QVERIFY(in.valid && out.valid && res.valid);
        QCOMPARE(in.voxel, res.voxel);
        QCOMPARE(in.voxel[0], std::size_t(3));
        QVERIFY(std::abs(res.value - (in.value - out.value)) <= 1e-5 * (1 + std::abs(in.value)));
        const auto ds = rs::ml::DatasetFile::open(m_ds);
        const std::int64_t sample = view.datasetIndex(3);
        QVERIFY(sample >= 0);
        std::vector<float> x(16 * 16);
        ds->readSamples(&sample, 1, x.data());
        const std::vector<float> y = rs::ml::Predictor(m_ae).predict(x.data(), 1);
        const std::size_t pixel = in.voxel[1] * 16 + in.voxel[2];
        QCOMPARE(float(in.value), x[pixel]);
        QVERIFY(std::abs(out.value - y[pixel]) <= 1e-5 * (1 + std::abs(y[pixel])));
        QVERIFY(view.sampleText().contains(QStringLiteral("MSE")));
        QVERIFY(!view.spectrumView()->chart()->series().isEmpty());
        // Input and reconstruction share one colour range.
        QCOMPARE(slices->panel(0)->canvas()->displayRange(), slices->panel(1)->canvas()->displayRange());
        // The worst slice.
        QCOMPARE(view.worstList()->count(), 10);
        view.worstList()->setCurrentRow(0);
        Q_EMIT view.worstList()->itemClicked(view.worstList()->item(0));
        QCOMPARE(std::size_t(view.currentSample()), rs::ml::worstSamples(r.mse, 1).front());

        // A cube from the Explorer, sliced along z.
        view.setExplorerCubes({guifixtures::loaded(rs::loadCube(m_cube, Quantity::BrightnessTemperature))});
        view.setSource(ReconstructionView::Source::ExplorerCube);
        view.setAxis(2);
        view.compute();
        QTRY_VERIFY_WITH_TIMEOUT(view.reconstructions() && view.reconstructions()->count == 16, 30000);
        QCOMPARE(view.datasetIndex(0), std::int64_t(-1));
    }

    void classifierEvaluationAndCubePrediction()
    {
        EvaluationView view(&m_pool);
        view.resize(1100, 600);
        view.show();
        const auto metrics = rs::ml::readMetrics(m_cnn);
        QVERIFY(metrics);
        view.setRun(QString::fromStdString(m_cnn), rs::ml::readRunConfig(m_cnn), metrics);
        QTableWidget* t = view.confusionTable();
        QCOMPARE(t->rowCount(), 2);
        QCOMPARE(t->columnCount(), 3);
        int total = 0;
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c)
                total += t->item(r, c)->text().toInt();
        QCOMPARE(std::size_t(total), metrics->samples);
        QVERIFY(view.summaryText().contains(QStringLiteral("%")));

        CubePredictionView* cubeView = view.cubeView();
        cubeView->setExplorerCubes({guifixtures::loaded(rs::loadCube(m_cube, Quantity::BrightnessTemperature))});
        cubeView->predictExplorerCube(2);
        QTRY_VERIFY_WITH_TIMEOUT(cubeView->cubePrediction().has_value(), 30000);
        const rs::ml::CubePrediction& p = *cubeView->cubePrediction();
        QCOMPARE(p.slices, std::size_t(16));
        QVERIFY(std::abs(p.meanProbabilities[0] + p.meanProbabilities[1] - 1.0) < 1e-4);
        QVERIFY(cubeView->cubeText().contains(QStringLiteral("z = ")));

        // An unfinished run without metrics.json is evaluated in the background.
        std::filesystem::copy(
            m_cnn, m_dir.filePath("cnn-copy").toStdString(), std::filesystem::copy_options::recursive);
        std::filesystem::remove(rs::ml::metricsPath(m_dir.filePath("cnn-copy").toStdString()));
        view.setRun(m_dir.filePath("cnn-copy"), rs::ml::readRunConfig(m_cnn), std::nullopt);
        QTRY_VERIFY_WITH_TIMEOUT(view.metrics().has_value(), 30000);
        QCOMPARE(view.metrics()->accuracy, metrics->accuracy);
    }

    void regressorScatter()
    {
        EvaluationView view(&m_pool);
        view.show();
        view.setRun(QString::fromStdString(m_reg), rs::ml::readRunConfig(m_reg), rs::ml::readMetrics(m_reg));
        QTRY_VERIFY_WITH_TIMEOUT(view.predictions().has_value(), 30000);
        QScatterSeries* points = nullptr;
        for (QAbstractSeries* s : view.scatterView()->chart()->series())
            if (auto* sc = qobject_cast<QScatterSeries*>(s))
                points = sc;
        QVERIFY(points);
        QCOMPARE(std::size_t(points->count()), view.predictions()->truth.size());
        QVERIFY(view.scatterView()->chart()->title().contains(QStringLiteral("R²")));
    }

    void projectionPointOpensItsSlice()
    {
        ProjectionView view(&m_pool);
        view.resize(1000, 600);
        view.show();
        view.setRun(QString::fromStdString(m_ae), rs::ml::readRunConfig(m_ae));
        view.compute();
        QTRY_VERIFY_WITH_TIMEOUT(view.projection().has_value(), 30000);
        const rs::ml::Projection2d& p = *view.projection();
        QVERIFY(p.x.size() >= 3);
        int points = 0;
        for (QAbstractSeries* s : view.chartView()->chart()->series())
            points += qobject_cast<QScatterSeries*>(s)->count();
        QCOMPARE(std::size_t(points), p.x.size());
        view.openPoint(2);
        QTRY_COMPARE_WITH_TIMEOUT(view.openedSample(), p.indices[2], 20000);
        QVERIFY(view.samplePanel()->canvas()->hasCube());
        const auto ds = rs::ml::DatasetFile::open(m_ds);
        std::vector<float> x(16 * 16);
        ds->readSamples(&p.indices[2], 1, x.data());
        QCOMPARE(view.samplePanel()->canvas()->currentSlice().at(5, 9), x[5 * 16 + 9]);
        QVERIFY(view.sampleText().contains(QStringLiteral("dataset sample")));
    }
};

QTEST_MAIN(TestStudioViews)
#include "tst_studio_views.moc"

// SliceCanvas: one VTK-rendered slice with colour map, probe, zoom and axis switching, on
// in-memory cubes with known voxel values (no files needed).
#include "gui_fixtures.h"

#include "vtk/slice_canvas.h"
#include "vtk/vtk_host_widget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QtTest>

using namespace rs;
using namespace rs::ui;

class TestSliceCanvas : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    std::unique_ptr<SliceCanvas> shownCanvas(const LoadedCube& cube)
    {
        auto canvas = std::make_unique<SliceCanvas>();
        canvas->resize(240, 200);
        canvas->setCube(cube);
        canvas->show();
        if (!QTest::qWaitForWindowExposed(canvas.get()))
            return nullptr;
        return canvas;
    }

private Q_SLOTS:
    void rendersTheSlice()
    {
        REQUIRE_OPENGL();
        auto canvas = shownCanvas(guifixtures::loaded(guifixtures::indexCube({16, 16, 16}, Quantity::Density)));
        QVERIFY(canvas);
        QTRY_VERIFY(canvas->isGlReady());
        const QImage a = canvas->grabImage();
        QVERIFY(!a.isNull());
        QVERIFY2(guifixtures::blackFraction(a) < 0.2, "the slice rendered black");
        SliceViewState st = canvas->state();
        st.index = 9;
        canvas->setState(st);
        const QImage b = canvas->grabImage();
        QVERIFY2(guifixtures::meanAbsDifference(a, b) > 1.0, "moving the index did not change the image");
    }

    void pixelsShowTheVoxelColours_data()
    {
        QTest::addColumn<int>("axis");
        QTest::newRow("x") << 0;
        QTest::newRow("y") << 1;
        QTest::newRow("z") << 2;
    }

    void pixelsShowTheVoxelColours()
    {
        // The colour drawn at each cell is the colour map's colour for that voxel's value: checks
        // the slice copy (any axis, row 0 on top) and the colour mapping end to end.
        REQUIRE_OPENGL();
        QFETCH(int, axis);
        auto canvas = shownCanvas(guifixtures::loaded(guifixtures::indexCube({9, 10, 11}, Quantity::Other, 30.0)));
        QVERIFY(canvas);
        QTRY_VERIFY(canvas->isGlReady());
        canvas->setRangeMode(RangeMode::PerSlice); // colours span this slice, so any mix-up shows
        canvas->setState({axis, 4, 1.0, {0.5, 0.5}});
        const QImage img = canvas->grabImage().convertToFormat(QImage::Format_RGB32);
        const qreal dpr = img.devicePixelRatio();
        const SliceView slice = canvas->currentSlice();
        const DisplayRange range = canvas->displayRange();
        for (std::size_t r : {std::size_t(0), slice.rows() / 2, slice.rows() - 1})
            for (std::size_t c : {std::size_t(0), slice.cols() / 3, slice.cols() - 1}) {
                const QPointF at = canvas->positionOfCell(r, c) * dpr;
                const QColor drawn = img.pixelColor(at.toPoint());
                const QColor expected
                    = colormapColor(canvas->colormap(), (slice.at(r, c) - range.lo) / (range.hi - range.lo));
                const int diff = std::abs(drawn.red() - expected.red()) + std::abs(drawn.green() - expected.green())
                    + std::abs(drawn.blue() - expected.blue());
                QVERIFY2(diff <= 12,
                    qPrintable(QStringLiteral("cell (%1, %2): drawn %3, expected %4")
                                   .arg(r)
                                   .arg(c)
                                   .arg(drawn.name(), expected.name())));
            }
    }

    void probeReadsTheVoxel_data()
    {
        QTest::addColumn<int>("axis");
        QTest::addColumn<int>("index");
        QTest::newRow("x") << 0 << 3;
        QTest::newRow("y") << 1 << 7;
        QTest::newRow("z") << 2 << 11;
    }

    void probeReadsTheVoxel()
    {
        QFETCH(int, axis);
        QFETCH(int, index);
        // Probing needs no GL: it is geometry on the camera the canvas sets up.
        SliceCanvas canvas;
        canvas.resize(300, 200);
        canvas.setCube(
            guifixtures::loaded(guifixtures::indexCube({12, 14, 16}, Quantity::BrightnessTemperature, 48.0)));
        canvas.setState({axis, index, 1.0, {0.5, 0.5}});
        const SliceView slice = canvas.currentSlice();
        for (std::size_t r : {std::size_t(0), slice.rows() / 2, slice.rows() - 1})
            for (std::size_t c : {std::size_t(0), slice.cols() - 1}) {
                const VoxelProbe p = canvas.probeAt(canvas.positionOfCell(r, c));
                QVERIFY(p.valid);
                QCOMPARE(p.voxel[std::size_t(axis)], std::size_t(index));
                QCOMPARE(p.value, double(slice.at(r, c)));
                const double expected = double(p.voxel[0] * 10000 + p.voxel[1] * 100 + p.voxel[2]);
                QCOMPARE(p.value, expected);
                QCOMPARE(p.mpc[0], (double(p.voxel[0]) + 0.5) * 4.0); // 48 Mpc / 12 cells
            }
        QVERIFY(!canvas.probeAt(QPointF(-50, -50)).valid);
    }

    void zoomKeepsThePointUnderTheMouse()
    {
        SliceCanvas canvas;
        canvas.resize(300, 300);
        canvas.setCube(guifixtures::loaded(guifixtures::indexCube({20, 20, 20}, Quantity::Density)));
        const QPointF at(200, 120);
        const VoxelProbe before = canvas.probeAt(at);
        QWheelEvent wheel(at, canvas.mapToGlobal(at), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
            Qt::NoScrollPhase, false);
        QSignalSpy spy(&canvas, &SliceCanvas::viewChangedByUser);
        QCoreApplication::sendEvent(&canvas, &wheel);
        QCOMPARE(spy.count(), 1);
        QVERIFY(canvas.state().zoom > 1.4);
        const VoxelProbe after = canvas.probeAt(at);
        QCOMPARE(after.voxel, before.voxel);
    }

    void colourRangeFollowsMode()
    {
        SliceCanvas canvas;
        canvas.setCube(guifixtures::loaded(
            guifixtures::indexCube({10, 10, 10}, Quantity::BrightnessTemperature, 96, 8, -50000.f)));
        QCOMPARE(canvas.colormap(), ColormapId::CoolWarm); // δT_b of both signs: diverging
        QCOMPARE(canvas.displayRange().lo, -canvas.displayRange().hi);
        canvas.setColormap(ColormapId::Inferno);
        canvas.setRangeMode(RangeMode::PerSlice);
        canvas.setState({0, 2, 1.0, {0.5, 0.5}});
        QCOMPARE(canvas.displayRange().lo, 20000.0 - 50000.0);
        QCOMPARE(canvas.displayRange().hi, 20000.0 + 909.0 - 50000.0);
    }

    void keysStepTheIndex()
    {
        SliceCanvas canvas;
        canvas.setCube(guifixtures::loaded(guifixtures::indexCube({8, 8, 8}, Quantity::NeutralFraction)));
        QSignalSpy step(&canvas, &SliceCanvas::stepRequested);
        QTest::keyClick(&canvas, Qt::Key_Right);
        QTest::keyClick(&canvas, Qt::Key_PageDown);
        QCOMPARE(step.count(), 2);
        QCOMPARE(step.at(0).at(0).toInt(), 1);
        QCOMPARE(step.at(1).at(0).toInt(), -10);
    }
    void aWindowWithGlViewsStaysRasterAndShowsThemInGrabs()
    {
        // A window holding a QOpenGLWidget is composed through OpenGL on every repaint of any of
        // its widgets (slow on software GL); the GL views live in native child windows instead, so
        // the window stays a raster surface. Input still reaches the view, and window grabs show
        // the views' frames.
        REQUIRE_OPENGL();
        QWidget window;
        auto* layout = new QHBoxLayout(&window);
        auto* label = new QLabel(QStringLiteral("raster"), &window);
        layout->addWidget(label);
        auto* canvas = new SliceCanvas(&window);
        layout->addWidget(canvas, 1);
        canvas->setCube(guifixtures::loaded(guifixtures::indexCube({16, 16, 16}, Quantity::Density)));
        window.resize(420, 240);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(canvas->isGlReady() && canvas->renderCount() > 0);
        QCOMPARE(window.windowHandle()->surfaceType(), QSurface::RasterSurface);

        const QPoint centre = canvas->geometry().center();
        QCOMPARE(window.childAt(centre), canvas); // the GL window takes no input of its own
        QSignalSpy probed(canvas, &SliceCanvas::probed);
        QTest::mouseMove(window.windowHandle(), centre);
        QTRY_VERIFY(!probed.isEmpty());

        const QImage frame = canvas->grabImage();
        QVERIFY2(guifixtures::blackFraction(frame) < 0.2, "the slice rendered black");
        const QImage shot = grabWithGlViews(&window).convertToFormat(QImage::Format_RGB32);
        const qreal dpr = shot.devicePixelRatio();
        QCOMPARE(shot.size(), window.size() * dpr);
        const QImage inShot = shot.copy(QRect(canvas->geometry().topLeft() * dpr, frame.size()));
        QVERIFY2(guifixtures::meanAbsDifference(inShot, frame) < 1.0, "the grab does not show the view's frame");
        const QRgb labelPixel = shot.pixel((label->geometry().center() * dpr));
        QCOMPARE(labelPixel,
            window.grab().toImage().convertToFormat(QImage::Format_RGB32).pixel(label->geometry().center() * dpr));
    }
};

QTEST_MAIN(TestSliceCanvas)
#include "tst_slice_canvas.moc"

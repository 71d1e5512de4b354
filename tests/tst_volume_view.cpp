// The volume view: a CPU ray-cast rendering compared with baseline images, reduced quality while
// dragging and a full frame when the mouse stops, the x_HI = 0.5 isosurface, the slice plane,
// transfer-function presets and the opacity ramp editor.
#include "fixtures.h"
#include "gui_fixtures.h"

#include "explorer/opacity_ramp_editor.h"
#include "explorer/volume_panel.h"
#include "figure/figure_file.h"
#include "figure/figures.h"
#include "io/cube_loader.h"
#include "shell/job_runner.h"
#include "util/error.h"
#include "vtk/isosurface.h"
#include "vtk/transfer_function.h"
#include "vtk/volume_canvas.h"
#include "vtk/vtk_host_widget.h"

#include <vtkPoints.h>
#include <vtkPolyData.h>

#include <QCheckBox>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

/// A 24^3 δT_b-like cube from the fixture trio (structured, not noise), 36 Mpc.
LoadedCube fixtureTb()
{
    QTemporaryDir dir;
    const auto t = guifixtures::writeClassicTrio(dir.path(), 24, 36.0, 8.0, 20.0, 0.5);
    return guifixtures::loaded(loadCube(t.tb), QStringLiteral("fixture"));
}

/// x_HI = 1 everywhere except an ionized ball of radius r cells around the centre.
Cube bubbleCube(std::size_t n, double r)
{
    CubeMetadata meta;
    meta.quantity = Quantity::NeutralFraction;
    meta.redshift = 8.0;
    Cube c({n, n, n}, {double(n), double(n), double(n)}, meta);
    float* d = c.mutableData();
    const double mid = (double(n) - 1) / 2;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
                const double dist = std::sqrt((i - mid) * (i - mid) + (j - mid) * (j - mid) + (k - mid) * (k - mid));
                d[c.index(i, j, k)] = dist < r ? 0.0f : 1.0f;
            }
    return c;
}

/// Pixels of `img` (from column `fromX` on) whose colour is within `tolerance` of `c` (sum of the
/// absolute channel differences).
qint64 pixelsNear(const QImage& img, QColor c, int tolerance, int fromX = 0)
{
    const QImage rgb = img.convertToFormat(QImage::Format_RGB32);
    qint64 n = 0;
    for (int y = 0; y < rgb.height(); ++y)
        for (int x = fromX; x < rgb.width(); ++x) {
            const QColor p = rgb.pixelColor(x, y);
            n += std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue())
                < tolerance;
        }
    return n;
}

void drag(QWidget* w, QPoint from, QPoint to, int steps)
{
    QMouseEvent press(
        QEvent::MouseButtonPress, from, w->mapToGlobal(from), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &press);
    for (int s = 1; s <= steps; ++s) {
        const QPoint p = from + (to - from) * s / steps;
        QMouseEvent move(QEvent::MouseMove, p, w->mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(w, &move);
    }
}

void release(QWidget* w, QPoint at)
{
    QMouseEvent up(QEvent::MouseButtonRelease, at, w->mapToGlobal(at), Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &up);
}

} // namespace

class TestVolumeView : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private Q_SLOTS:
    void matchesBaseline_data()
    {
        QTest::addColumn<QString>("data");
        QTest::newRow("fixture") << QStringLiteral("fixture");
        QTest::newRow("21cmfast-sample") << QStringLiteral("sample");
    }

    void matchesBaseline()
    {
        REQUIRE_OPENGL();
        QFETCH(QString, data);
        LoadedCube cube;
        if (data == QLatin1String("fixture")) {
            cube = fixtureTb();
        } else {
            REQUIRE_SAMPLE(dir);
            cube = guifixtures::loaded(loadCube(
                QDir(dir).filePath(QStringLiteral("delta_T_v3_z008.00_nf0.548080_useTs0_64_96Mpc")).toStdString()));
        }
        VolumeCanvas canvas;
        canvas.setFixedSize(160, 120);
        canvas.setCube(cube);
        canvas.setTransferFunction(makeTransfer(transferPresets(cube.quantity()).front(), cube.stats));
        canvas.setSlicePlane(0, int(cube.cube.shape()[0] / 2), true);
        canvas.resetCamera();
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QTRY_VERIFY(canvas.isGlReady());
        const QImage img = canvas.grabImage().convertToFormat(QImage::Format_RGB32);
        QCOMPARE(img.size(), QSize(160, 120));
        QVERIFY2(guifixtures::blackFraction(img) < 0.97, "the volume rendered (almost) nothing");
        QString message;
        QVERIFY2(
            guifixtures::matchesBaseline(img,
                QDir(guifixtures::baselineDir()).filePath(QStringLiteral("volume_%1.png").arg(data)), 3.0, &message),
            qPrintable(message));
    }

    void draggingRendersFastThenFull()
    {
        REQUIRE_OPENGL();
        VolumeCanvas canvas;
        canvas.resize(200, 160);
        const LoadedCube cube = fixtureTb();
        canvas.setCube(cube);
        canvas.setTransferFunction(makeTransfer(transferPresets(cube.quantity()).front(), cube.stats));
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QTRY_VERIFY(canvas.renderCount() > 0);
        QSignalSpy interaction(&canvas, &VolumeCanvas::interactionChanged);
        QCOMPARE(canvas.quality(), VolumeCanvas::Quality::Full);
        drag(&canvas, QPoint(100, 80), QPoint(140, 90), 5);
        QCOMPARE(interaction.count(), 1);
        QCOMPARE(interaction.first().at(0).toBool(), true);
        QCOMPARE(canvas.quality(), VolumeCanvas::Quality::Interactive);
        const quint64 before = canvas.renderCount();
        QTRY_VERIFY(canvas.renderCount() > before); // interactive frames were drawn
        // The mouse rests (button still down): one full-quality frame follows.
        QTRY_COMPARE_WITH_TIMEOUT(canvas.quality(), VolumeCanvas::Quality::Full, 3000);
        // Moving again drops back to interactive quality.
        QMouseEvent move(QEvent::MouseMove, QPoint(120, 70), canvas.mapToGlobal(QPoint(120, 70)), Qt::NoButton,
            Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &move);
        QCOMPARE(canvas.quality(), VolumeCanvas::Quality::Interactive);
        release(&canvas, QPoint(120, 70));
        QCOMPARE(canvas.quality(), VolumeCanvas::Quality::Full);
        QCOMPARE(interaction.count(), 2);
        QCOMPARE(interaction.last().at(0).toBool(), false);
        const quint64 afterRelease = canvas.renderCount();
        QTRY_VERIFY(canvas.renderCount() > afterRelease); // the full-quality frame
    }

    void isosurfaceOutlinesTheBubble()
    {
        const Cube c = bubbleCube(20, 6.0);
        vtkSmartPointer<vtkPolyData> s = extractIsosurface(c, 0.5, StopToken());
        QVERIFY(s->GetNumberOfPoints() > 100);
        // Points sit on the ball's edge: 6 cells from the centre, within a cell.
        const double mid = 10.0; // world centre (cell centres at i + 0.5, 1 Mpc cells)
        double lo = 1e9, hi = 0;
        for (vtkIdType p = 0; p < s->GetNumberOfPoints(); ++p) {
            double x[3];
            s->GetPoint(p, x);
            const double r
                = std::sqrt((x[0] - mid) * (x[0] - mid) + (x[1] - mid) * (x[1] - mid) + (x[2] - mid) * (x[2] - mid));
            lo = std::min(lo, r);
            hi = std::max(hi, r);
        }
        QVERIFY2(lo > 4.5 && hi < 7.5, qPrintable(QStringLiteral("radii %1 .. %2").arg(lo).arg(hi)));
        StopToken stop;
        stop.requestStop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, extractIsosurface(c, 0.5, stop));
    }

    void panelTogglesBubblesAndFollowsThePlane()
    {
        VolumePanel panel;
        Snapshot s;
        s.cubes.push_back(guifixtures::loaded(bubbleCube(16, 5.0)));
        s.cubes.push_back(
            guifixtures::loaded(guifixtures::indexCube({16, 16, 16}, Quantity::BrightnessTemperature, 16.0)));
        panel.setSnapshot(s);
        QCOMPARE(panel.canvas()->cube().quantity(), Quantity::BrightnessTemperature); // δT_b by default
        QVERIFY(panel.isosurfaceBox()->isEnabled());
        QVERIFY(!panel.canvas()->hasIsosurface());
        QSignalSpy done(panel.isosurfaceJob(), &JobRunner::finished);
        panel.isosurfaceBox()->setChecked(true);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QVERIFY(panel.canvas()->hasIsosurface());
        panel.isosurfaceBox()->setChecked(false);
        QVERIFY(!panel.canvas()->hasIsosurface());
        panel.isosurfaceBox()->setChecked(true); // cached: no second extraction
        QVERIFY(panel.canvas()->hasIsosurface());
        QCOMPARE(done.count(), 1);

        panel.setSlicePlane(0, 3);
        auto b = panel.canvas()->slicePlaneBounds();
        QVERIFY(panel.canvas()->slicePlaneVisible());
        QCOMPARE(b[4], 3.5); // cube axis 0 is VTK z; cell 1 Mpc, centre of slice 3
        QCOMPARE(b[5], 3.5);
        QCOMPARE(b[1], 16.0);
        panel.setSlicePlane(2, 10);
        b = panel.canvas()->slicePlaneBounds();
        QCOMPARE(b[0], 10.5);
        panel.planeBox()->setChecked(false);
        QVERIFY(!panel.canvas()->slicePlaneVisible());
    }

    void figureLabelsTheBoxAndShowsTheTransferFunction()
    {
        REQUIRE_OPENGL();
        VolumePanel panel;
        QVERIFY(panel.figure().image.isNull()); // nothing shown: nothing to export
        Snapshot s;
        s.cubes.push_back(
            guifixtures::loaded(guifixtures::indexCube({16, 16, 16}, Quantity::BrightnessTemperature, 48.0)));
        panel.setSnapshot(s);
        panel.resize(420, 380);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(panel.canvas()->isGlReady());
        QVERIFY(!panel.canvas()->boxAxes());
        const QImage plain = panel.canvas()->grabImage().convertToFormat(QImage::Format_RGB32);

        const figure::VolumeFigure f = panel.figure();
        QVERIFY(!panel.canvas()->boxAxes()); // the figure's axes and camera do not stay on screen
        QVERIFY(guifixtures::meanAbsDifference(panel.canvas()->grabImage().convertToFormat(QImage::Format_RGB32), plain)
            < 0.5);
        // Rendered again for the figure (150 dpi by default): 5.5 in wide, in the view's shape.
        QCOMPARE(f.image.width(), 825);
        const double viewAspect = double(plain.height()) / plain.width();
        QVERIFY(std::abs(double(f.image.height()) / f.image.width() - std::clamp(viewAspect, 0.6, 1.0)) < 0.01);
        // The axes' Mpc labels and lines (light grey-blue) are drawn into the rendering only.
        auto axisInk = [](const QImage& img) {
            return double(pixelsNear(img, QColor(217, 224, 235), 40)) / (double(img.width()) * img.height());
        };
        const double inkFigure = axisInk(f.image), inkPlain = axisInk(plain);
        QVERIFY2(inkFigure > 5 * inkPlain && inkFigure > 2e-4,
            qPrintable(QStringLiteral("%1 vs %2").arg(inkFigure).arg(inkPlain)));
        QCOMPARE(f.map, panel.canvas()->transferFunction().colormap);
        QCOMPARE(f.range.lo, panel.canvas()->transferFunction().range.lo);
        QCOMPARE(f.range.hi, panel.canvas()->transferFunction().range.hi);
        QCOMPARE(f.opacity.size(), panel.canvas()->transferFunction().opacity.size());
        QVERIFY2(f.barLabel.contains(QLatin1String("mK")), qPrintable(f.barLabel));
        QVERIFY2(f.caption.contains(QStringLiteral("16 × 16 × 16 cells, 48 × 48 × 48 Mpc")), qPrintable(f.caption));

        // Painted: the colour bar at the right holds both ends of the transfer function's map.
        const QImage fig = figure::renderFigure(f.inches, 80, [&f](QPainter& p, const QRectF& r) {
            figure::paintVolume(p, r, f);
        }).convertToFormat(QImage::Format_RGB32);
        auto hasColour = [&fig](QColor c, int fromX) { return pixelsNear(fig, c, 12, fromX) > 0; };
        const int rightQuarter = fig.width() * 3 / 4;
        QVERIFY(hasColour(figure::colormapColor(f.map, 0.01), rightQuarter));
        QVERIFY(hasColour(figure::colormapColor(f.map, 0.99), rightQuarter));
        QVERIFY(fig.save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/volume_figure.png")));
    }

    void presetsSuitEachQuantity()
    {
        for (Quantity q :
            {Quantity::Density, Quantity::NeutralFraction, Quantity::BrightnessTemperature, Quantity::Other}) {
            const auto presets = transferPresets(q);
            QVERIFY(!presets.empty());
            for (const TransferPreset& p : presets) {
                const auto ramp = normalizedRamp(p.opacity);
                QCOMPARE(ramp.front().x(), 0.0);
                QCOMPARE(ramp.back().x(), 1.0);
            }
        }
        QCOMPARE(transferPresets(Quantity::NeutralFraction).front().colormap, ColormapId::Ionization);
        SummaryStats s;
        s.min = -1;
        s.max = 9;
        s.mean = 0;
        s.std = 1;
        s.count = 10;
        const TransferFunction density = makeTransfer(transferPresets(Quantity::Density).front(), s);
        QCOMPARE(density.range.lo, -1.0);
        QCOMPARE(density.range.hi, 5.0); // clipped at mean + 5σ: the long tail would wash out the map
        QCOMPARE(density.opacityAt(0.0), 0.0);
        QVERIFY(density.opacityAt(1.0) > 0.3);
    }

    void rampEditorEditsTheTransferFunction()
    {
        VolumePanel panel;
        Snapshot s;
        s.cubes.push_back(guifixtures::loaded(guifixtures::indexCube({8, 8, 8}, Quantity::Density, 8.0)));
        panel.setSnapshot(s);
        panel.resize(400, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        OpacityRampEditor* ed = panel.rampEditor();
        const std::vector<QPointF> before = ed->ramp();
        QSignalSpy edited(ed, &OpacityRampEditor::rampEdited);
        // Double-click in the middle adds a point; the canvas's transfer function follows.
        QTest::mouseDClick(ed, Qt::LeftButton, {}, QPoint(ed->width() / 2, ed->height() / 3));
        QCOMPARE(edited.count(), 1);
        QCOMPARE(ed->ramp().size(), before.size() + 1);
        QCOMPARE(panel.canvas()->transferFunction().opacity, ed->ramp());
        // Right-click on an inner point removes it again.
        std::size_t inner = 1;
        while (inner + 1 < ed->ramp().size() && std::abs(ed->ramp()[inner].x() - 0.5) > 0.05)
            ++inner;
        const QPointF p = ed->ramp()[inner];
        const QRectF r(8, 6, ed->width() - 16, ed->height() - 26);
        const double top = 1.0; // the editor's axis top for this preset is ≥ the ramp's maximum
        Q_UNUSED(top);
        QTest::mouseClick(ed, Qt::RightButton, {}, QPoint(int(r.left() + p.x() * r.width()), ed->height() / 3));
        QCOMPARE(ed->ramp().size(), before.size());
    }
};

QTEST_MAIN(TestVolumeView)
#include "tst_volume_view.moc"

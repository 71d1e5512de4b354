#include "volume_bench.h"

#include "bench_util.h"

#include "cube/cube_stats.h"
#include "vtk/transfer_function.h"
#include "vtk/volume_canvas.h"

#include <QElapsedTimer>
#include <QMouseEvent>
#include <QTest>

#include <cstdio>

using namespace rs::ui;

namespace {

double fps(const bench::Summary& s)
{
    return s.median > 0 ? 1000.0 / s.median : 0.0;
}

} // namespace

QJsonObject benchVolume(const rs::Cube& cubeIn, const QString& source, QSize size, int frames)
{
    LoadedCube cube;
    cube.cube = cubeIn;
    cube.stats = rs::summarize(cube.cube);
    VolumeCanvas canvas;
    canvas.setFixedSize(size);
    canvas.setCube(cube);
    canvas.setTransferFunction(makeTransfer(transferPresets(cube.quantity()).front(), cube.stats));
    canvas.resetCamera();
    canvas.show();
    if (!QTest::qWaitForWindowExposed(&canvas))
        std::fprintf(stderr, "bench: the window was never shown\n");
    bench::waitUntil([&] { return canvas.isGlReady() && canvas.renderCount() > 0; }, 60000);
    int swapped = 0;
    QObject::connect(&canvas, &VtkHostWidget::frameSwapped, [&] { ++swapped; });

    QElapsedTimer first;
    first.start();
    canvas.renderNow(); // the first full frame also builds the ray caster's tables
    const double firstMs = double(first.nsecsElapsed()) / 1e6;

    auto timed = [&](VolumeCanvas::Quality q, int n) {
        canvas.setQuality(q);
        canvas.renderNow();
        std::vector<double> ms;
        for (int f = 0; f < n; ++f) {
            canvas.rotateCamera(3.0, 0.5);
            QElapsedTimer t;
            t.start();
            canvas.renderNow();
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        return bench::summarize(ms);
    };
    const bench::Summary drag = timed(VolumeCanvas::Quality::Interactive, frames);
    const bench::Summary still = timed(VolumeCanvas::Quality::Full, std::max(5, frames / 4));

    // The real path: mouse events through the VTK trackball, coalesced paints, frames on screen.
    canvas.setQuality(VolumeCanvas::Quality::Full);
    QPoint p(size.width() / 2, size.height() / 2);
    QMouseEvent press(
        QEvent::MouseButtonPress, p, canvas.mapToGlobal(p), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &press);
    std::vector<double> eventMs;
    QElapsedTimer total;
    total.start();
    for (int f = 0; f < frames; ++f) {
        p += QPoint(4, f % 2 ? 1 : -1);
        const int before = swapped;
        QElapsedTimer t;
        t.start();
        QMouseEvent move(QEvent::MouseMove, p, canvas.mapToGlobal(p), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&canvas, &move);
        bench::waitUntil([&] { return swapped > before; }, 10000);
        eventMs.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    const double totalMs = double(total.nsecsElapsed()) / 1e6;
    const bool wasInteractive = canvas.quality() == VolumeCanvas::Quality::Interactive;
    QMouseEvent up(QEvent::MouseButtonRelease, p, canvas.mapToGlobal(p), Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&canvas, &up);
    const bench::Summary events = bench::summarize(eventMs);

    std::fprintf(stderr,
        "  volume %zu^3 (%s) %dx%d: dragging %.1f fps (median %.1f ms, p95 %.1f) | drag via mouse events %.1f fps"
        " (%.1f frames/s overall) | still %.1f fps (median %.1f ms) | first frame %.0f ms\n",
        cube.cube.shape()[0], qPrintable(source), size.width(), size.height(), fps(drag), drag.median, drag.p95,
        fps(events), frames * 1000.0 / totalMs, fps(still), still.median, firstMs);
    return {{"n", double(cube.cube.shape()[0])}, {"source", source},
        {"size", QStringLiteral("%1x%2").arg(size.width()).arg(size.height())}, {"dragging", drag.json()},
        {"dragging_fps", fps(drag)}, {"dragging_mouse_events", events.json()},
        {"dragging_mouse_events_fps", frames * 1000.0 / totalMs}, {"dragging_was_reduced_quality", wasInteractive},
        {"still", still.json()}, {"still_fps", fps(still)}, {"first_frame_ms", firstMs}};
}

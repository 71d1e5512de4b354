#include "slice_bench.h"

#include "bench_util.h"

#include "cube/cube_stats.h"
#include "explorer/explorer_workspace.h"
#include "explorer/linked_slices_view.h"
#include "explorer/slice_controls.h"
#include "explorer/slice_panel.h"
#include "shell/main_window.h"
#include "vtk/slice_canvas.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSlider>
#include <QTest>
#include <QToolButton>

#include <cstdio>

using namespace rs::ui;

rs::ui::Snapshot syntheticSnapshot(std::size_t n)
{
    const rs::Cube tb = bench::syntheticTb(n, 300.0);
    rs::CubeMetadata dm = tb.metadata(), xm = tb.metadata();
    dm.quantity = rs::Quantity::Density;
    xm.quantity = rs::Quantity::NeutralFraction;
    rs::Cube d = rs::Cube::uninitialized(tb.shape(), tb.boxLength(), dm);
    rs::Cube x = rs::Cube::uninitialized(tb.shape(), tb.boxLength(), xm);
    const float* t = tb.data();
    float* dd = d.mutableData();
    float* xx = x.mutableData();
    for (std::size_t i = 0; i < tb.voxelCount(); ++i) {
        dd[i] = t[i] / 20.0f - 0.4f;
        xx[i] = t[i] > 0 ? 1.0f : 0.0f;
    }
    Snapshot s;
    s.runLabel = QStringLiteral("bench");
    s.redshift = 8.0;
    for (const rs::Cube& c : {d, x, tb}) {
        LoadedCube lc;
        lc.cube = c;
        lc.stats = rs::summarize(c);
        lc.runLabel = s.runLabel;
        s.cubes.push_back(lc);
    }
    return s;
}

namespace {

struct Layout {
    QString name;
    SlicePanel* driver = nullptr; ///< the panel whose slider moves
    std::vector<SliceCanvas*> canvases; ///< every canvas a step changes
};

QJsonObject measure(const Layout& l, std::size_t n, int steps)
{
    int swapped = 0;
    std::vector<QMetaObject::Connection> conns;
    for (SliceCanvas* c : l.canvases)
        conns.push_back(QObject::connect(c, &VtkHostWidget::frameSwapped, [&] { ++swapped; }));
    QJsonArray axes;
    for (int axis : {0, 2}) {
        SliceViewState st = l.driver->canvas()->state();
        st.axis = axis;
        st.index = 0;
        l.driver->applyState(st);
        QTest::mouseClick(l.driver->controls()->axisButton(axis), Qt::LeftButton); // through the UI: links follow
        QSlider* slider = l.driver->controls()->slider();
        int index = 0;
        auto next = [&] {
            index = (index + 1) % int(n);
            return index;
        };
        auto renderAll = [&] {
            for (SliceCanvas* c : l.canvases)
                c->renderNow();
        };
        for (int w = 0; w < 5; ++w) {
            slider->setValue(next());
            renderAll();
        }
        std::vector<double> render, screen, frame, cpu;
        for (int s = 0; s < steps; ++s) {
            QElapsedTimer t;
            t.start();
            slider->setValue(next());
            cpu.push_back(double(t.nsecsElapsed()) / 1e6);
            renderAll();
            render.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        for (int s = 0; s < steps; ++s) {
            QCoreApplication::processEvents();
            const int before = swapped;
            QElapsedTimer t;
            t.start();
            slider->setValue(next());
            bench::waitUntil([&] { return swapped >= before + int(l.canvases.size()); }, 5000);
            screen.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        for (int s = 0; s < steps; ++s) {
            QElapsedTimer t;
            t.start();
            renderAll();
            frame.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        // What Qt needs to put unchanged frames on screen (composition and swap of the window):
        // update() without a VTK render only blits.
        std::vector<double> present;
        for (int s = 0; s < steps; ++s) {
            QCoreApplication::processEvents();
            const int before = swapped;
            QElapsedTimer t;
            t.start();
            for (SliceCanvas* c : l.canvases)
                c->requestPresent();
            bench::waitUntil([&] { return swapped >= before + int(l.canvases.size()); }, 5000);
            present.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        const bench::Summary p = bench::summarize(present);
        const bench::Summary r = bench::summarize(render), sc = bench::summarize(screen), f = bench::summarize(frame),
                             c = bench::summarize(cpu);
        const QSize size = l.canvases.front()->size();
        std::fprintf(stderr,
            "  slices %zu^3, %s (%zu × %dx%d), axis %c: step→rendered median %.2f ms p95 %.2f | frame-only %.2f"
            " (ratio %.2f) | CPU part %.2f | on screen median %.2f p95 %.2f (present-only %.2f)\n",
            n, qPrintable(l.name), l.canvases.size(), size.width(), size.height(), "xyz"[axis], r.median, r.p95,
            f.median, f.median > 0 ? r.median / f.median : 0.0, c.median, sc.median, sc.p95, p.median);
        axes.append(QJsonObject {{"axis", QString(QLatin1Char("xyz"[axis]))}, {"step_to_rendered", r.json()},
            {"step_to_screen", sc.json()}, {"frame_only_baseline", f.json()}, {"step_cpu_part", c.json()},
            {"present_only_baseline", p.json()},
            {"ratio_rendered_to_frame_only", f.median > 0 ? r.median / f.median : 0.0}});
    }
    for (const auto& c : conns)
        QObject::disconnect(c);
    const QSize size = l.canvases.front()->size();
    return {{"layout", l.name}, {"panels", double(l.canvases.size())},
        {"canvas", QStringLiteral("%1x%2").arg(size.width()).arg(size.height())}, {"axes", axes}};
}

} // namespace

QJsonObject benchSlices(std::size_t n, int steps)
{
    QElapsedTimer make;
    make.start();
    const Snapshot snapshot = syntheticSnapshot(n);
    const double makeMs = double(make.nsecsElapsed()) / 1e6;
    QJsonArray layouts;
    {
        MainWindow w;
        w.resize(1600, 1000);
        w.show();
        if (!QTest::qWaitForWindowExposed(&w))
            std::fprintf(stderr, "bench: the window was never shown\n");
        LinkedSlicesView* v = w.explorer()->slices();
        v->setSnapshot(snapshot);
        Layout l {QStringLiteral("explorer, three linked panels"), v->panel(0), {}};
        for (int i = 0; i < v->panelCount(); ++i)
            l.canvases.push_back(v->panel(i)->canvas());
        bench::waitUntil([&] { return l.canvases.back()->isGlReady() && l.canvases.back()->renderCount() > 0; }, 10000);
        layouts.append(measure(l, n, steps));
    }
    {
        SlicePanel panel;
        panel.setCubes({snapshot.cubes.back()}, 0);
        panel.resize(700, 720); // a 600×600 canvas with its colour bar, header and controls
        panel.show();
        if (!QTest::qWaitForWindowExposed(&panel))
            std::fprintf(stderr, "bench: the window was never shown\n");
        Layout l {QStringLiteral("one panel"), &panel, {panel.canvas()}};
        bench::waitUntil([&] { return panel.canvas()->isGlReady() && panel.canvas()->renderCount() > 0; }, 10000);
        layouts.append(measure(l, n, steps));
    }
    return {{"n", double(n)}, {"make_cubes_ms", makeMs}, {"layouts", layouts}};
}

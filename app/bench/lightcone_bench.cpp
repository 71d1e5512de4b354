#include "lightcone_bench.h"

#include "bench_util.h"

#include "cube/comoving.h"
#include "explorer/explorer_workspace.h"
#include "explorer/lightcone_view.h"
#include "explorer/session.h"
#include "io/cube_loader.h"
#include "io/reionscope_h5.h"
#include "shell/main_window.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdio>
#include <ctime>

using namespace rs::ui;

namespace {

/// A δT_b-like lightcone: ionized patches (negative values come from nowhere: 0 there) growing
/// towards low z, 1.5 Mpc cells starting at D_C(z = 7).
rs::Cube syntheticLightcone(std::size_t n, std::size_t nLos)
{
    const rs::ComovingDistance dc;
    auto axis = std::make_shared<rs::LightconeAxis>();
    const double d0 = dc.distance(7.0), cell = 1.5;
    for (std::size_t k = 0; k < nLos; ++k) {
        axis->distances.push_back(d0 + double(k) * cell);
        axis->redshifts.push_back(dc.redshift(axis->distances.back()));
    }
    rs::CubeMetadata meta;
    meta.quantity = rs::Quantity::BrightnessTemperature;
    meta.kind = rs::FieldKind::Lightcone;
    meta.redshift = axis->redshifts.front();
    meta.lightcone = axis;
    rs::Cube c = rs::Cube::uninitialized({n, n, nLos}, {n * cell, n * cell, nLos * cell}, meta);
    std::vector<float> si(n), cj(n), ck(nLos);
    for (std::size_t i = 0; i < n; ++i) {
        si[i] = float(std::sin(0.21 * double(i)));
        cj[i] = float(std::cos(0.17 * double(i)));
    }
    for (std::size_t k = 0; k < nLos; ++k)
        ck[k] = float(1.6 * double(k) / double(nLos) - 0.8);
    float* v = c.mutableData();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < nLos; ++k) {
                const float s = si[i] * cj[j] + ck[k] + 0.3f * si[(j + k) % n];
                v[(i * n + j) * nLos + k] = s > 0 ? 28.0f * (1.0f + 0.4f * si[(i + k) % n]) : 0.0f;
            }
    return c;
}

double medianOf(const QJsonObject& reference, const QString& figure)
{
    for (const auto& l : reference[QStringLiteral("layouts")].toArray())
        if (l.toObject()[QStringLiteral("layout")].toString() == QLatin1String("one panel"))
            for (const auto& a : l.toObject()[QStringLiteral("axes")].toArray())
                if (a.toObject()[QStringLiteral("axis")].toString() == QLatin1String("z"))
                    return a.toObject()[figure].toObject()[QStringLiteral("median_ms")].toDouble();
    return 0.0;
}

/// Arrow-key steps along the line of sight until the view has painted each one; `guiCpuMs`: the
/// GUI thread's CPU time per step (what the load of other processes does not inflate).
bench::Summary scroll(LightconeView* view, int steps, double& guiCpuMs)
{
    view->setFocus();
    std::vector<double> ms;
    timespec cpu0 {}, cpu1 {};
    for (int s = 0; s < steps + 3; ++s) {
        QCoreApplication::processEvents();
        const int before = view->paintCount();
        QElapsedTimer t;
        t.start();
        QTest::keyClick(view, s % 40 < 20 ? Qt::Key_Right : Qt::Key_Left);
        bench::waitUntil([&] { return view->paintCount() > before; }, 5000);
        if (s >= 3) // the first steps warm caches
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
        if (s == 2)
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
    guiCpuMs = (double(cpu1.tv_sec - cpu0.tv_sec) * 1e3 + double(cpu1.tv_nsec - cpu0.tv_nsec) / 1e6) / double(steps);
    return bench::summarize(ms);
}

} // namespace

QJsonObject benchLightcone(std::size_t n, std::size_t nLos, int steps, const QJsonObject& reference)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lightcone_bench.h5"));
    QElapsedTimer t;
    t.start();
    rs::writeReionScopeH5(path.toStdString(), {syntheticLightcone(n, nLos)});
    const double writeMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    const rs::Cube warm = rs::loadCube(path.toStdString()); // page cache warm; also the bare load time
    const double loadMs = double(t.nsecsElapsed()) / 1e6;

    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        std::fprintf(stderr, "bench: the window was never shown\n");
    LightconeView* view = w.explorer()->lightconeView();
    QTest::qWait(200);
    const int before = view->paintCount();
    double snapshotMs = 0;
    QObject::connect(w.session(), &Session::snapshotChanged, &w, [&] { snapshotMs = double(t.nsecsElapsed()) / 1e6; });
    t.restart();
    w.openPaths({path});
    const bool opened = bench::waitUntil(
        [&] { return !view->lightcone().empty() && view->paintCount() > before && view->isVisible(); }, 60000);
    const double openMs = double(t.nsecsElapsed()) / 1e6;
    QTest::qWait(300);
    double cpuInWindow = 0, cpuAlone = 0;
    const bench::Summary inWindow = scroll(view, steps, cpuInWindow);

    LightconeView lone;
    lone.resize(1200, 640);
    t.restart();
    lone.setLightcone(warm);
    const double setMs = double(t.nsecsElapsed()) / 1e6;
    lone.show();
    if (!QTest::qWaitForWindowExposed(&lone))
        std::fprintf(stderr, "bench: the window was never shown\n");
    const bench::Summary alone = scroll(&lone, steps, cpuAlone);

    const double refRendered = medianOf(reference, QStringLiteral("step_to_rendered"));
    const double refScreen = medianOf(reference, QStringLiteral("step_to_screen"));
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::fprintf(stderr,
        "  lightcone %zu x %zu x %zu (%.0f MB): write %.0f ms, bare load %.0f ms | open to first slice %.0f ms%s "
        "(snapshot loaded at %.0f ms; view set-up alone %.0f ms) (target 1000; %.1f x slice step→screen %.1f ms) | "
        "scroll step in Explorer median %.1f p95 %.1f ms (GUI thread CPU %.1f ms a step), "
        "lone view %.1f p95 %.1f ms (CPU %.1f ms) (target 16; %.2f x slice step→rendered %.1f ms)\n",
        n, n, nLos, double(n * n * nLos * 4) / 1e6, writeMs, loadMs, openMs, opened ? "" : " (TIMED OUT)", snapshotMs,
        setMs, ratio(openMs, refScreen), refScreen, inWindow.median, inWindow.p95, cpuInWindow, alone.median, alone.p95,
        cpuAlone, ratio(alone.median, refRendered), refRendered);
    return {{"shape", QJsonArray {double(n), double(n), double(nLos)}}, {"write_ms", writeMs}, {"bare_load_ms", loadMs},
        {"open_to_snapshot_loaded_ms", snapshotMs}, {"view_set_up_ms", setMs}, {"open_to_first_slice_ms", openMs},
        {"opened", opened}, {"scroll_step_in_explorer", inWindow.json()}, {"scroll_step_lone_view", alone.json()},
        {"scroll_gui_thread_cpu_ms_per_step_in_explorer", cpuInWindow},
        {"scroll_gui_thread_cpu_ms_per_step_lone", cpuAlone}, {"slice_reference_step_to_rendered_ms", refRendered},
        {"slice_reference_step_to_screen_ms", refScreen}, {"open_over_slice_step_to_screen", ratio(openMs, refScreen)},
        {"scroll_explorer_over_slice_step_to_screen", ratio(inWindow.median, refScreen)},
        {"scroll_lone_over_slice_step_to_rendered", ratio(alone.median, refRendered)}};
}

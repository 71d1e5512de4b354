// bench_views: how fast the Training studio's Generator view follows its sliders (issue 13's
// target: the grid redrawn within 100 ms of a slider move), and screenshots of the model views.
// A benchmark, never a test: it prints figures (a table on stderr, JSON on stdout) and asserts
// nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/app/bench/bench_views --generator RUN
//       [--moves 40] [--count 9] [--threads 1] [--size N] [--at Z,ZETA] [--unet RUN [--density BOX --truth XHI_BOX
//       --zeta Q]] [--ae
//       RUN]
//       [--screenshots DIR] [--json FILE]
//
// Phases: (1) generate() alone for the same count, to split the latency; (2) single moves: the z
// or ζ slider jumps to a random position once the previous draw is on screen, latency = move →
// the grid's finished repaint (GeneratorView::redrawn); (3) a drag: the slider moves every 16 ms
// for 3 s (a mouse drag's event rate): how late the grid shows the final position after the last
// move, and how many draws the drag caused (positions overtaken by newer ones are skipped).
// The screenshots after them show (z, ζ) = --at (default 8,30).
// CPU seconds of the process (user + system) are reported beside each phase's wall time. With
// --size N the single moves are repeated with maps of N² (the view's size control).
#include "bench_util.h"

#include "cube/cube_stats.h"
#include "io/cube_loader.h"
#include "ml/generator.h"
#include "ml/ml_setup.h"
#include "ml/run_folder.h"
#include "shell/job_runner.h"
#include "studio/generator_view.h"
#include "studio/latent_view.h"
#include "studio/map_grid.h"
#include "studio/predictor_pool.h"
#include "studio/translation_view.h"
#include "vtk/vtk_host_widget.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QSlider>
#include <QTimer>

#include <cstdio>
#include <random>
#include <sys/resource.h>

namespace {

QString arg(const QStringList& args, const QString& name, const QString& fallback = {})
{
    const int i = int(args.indexOf(name));
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
}

double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void shoot(QWidget& w, const QString& dir, const QString& name)
{
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    rs::ui::grabWithGlViews(&w).save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

QJsonObject generateAlone(const std::string& run, int count, int threads, int repeats)
{
    rs::ml::setComputeThreads(threads);
    const rs::ml::MapGenerator g(run);
    const rs::ml::RunConfig& c = g.config();
    std::vector<double> ms;
    const double cpu0 = cpuSeconds();
    QElapsedTimer all;
    all.start();
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer t;
        t.start();
        g.generate(0.5 * (c.conditionMin[0] + c.conditionMax[0]), 0.5 * (c.conditionMin[1] + c.conditionMax[1]),
            std::size_t(count), std::uint64_t(i));
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    const bench::Summary s = bench::summarize(ms);
    std::fprintf(stderr, "generate() alone, %d maps of %zux%zu, %d threads: median %.1f ms, p95 %.1f ms (%d repeats)\n",
        count, c.rows, c.cols, threads, s.median, s.p95, repeats);
    QJsonObject o = s.json();
    o[QStringLiteral("wall_s")] = double(all.nsecsElapsed()) / 1e9;
    o[QStringLiteral("cpu_s")] = cpuSeconds() - cpu0;
    return o;
}

QJsonObject singleMoves(rs::ui::GeneratorView& view, int moves)
{
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> pos(0, view.zSlider()->maximum());
    std::vector<double> ms;
    const double cpu0 = cpuSeconds();
    QElapsedTimer all;
    all.start();
    for (int i = 0; i < moves; ++i) {
        QSlider* s = i % 2 ? view.zetaSlider() : view.zSlider();
        int to = pos(rng);
        if (to == s->value())
            to = (to + 17) % (s->maximum() + 1);
        const int before = view.drawsDone();
        s->setValue(to); // what a click on the slider's groove or a key press does
        if (!bench::waitUntil([&] { return view.drawsDone() > before && !view.job()->isRunning(); }, 20000))
            break;
        // The comparison with the simulations (charts) ends before the next move: it starts idle.
        bench::waitUntil([&] { return !view.isComparing(); }, 20000);
        bench::waitUntil([] { return false; }, 30);
        ms.push_back(view.lastRedrawMs());
    }
    const bench::Summary s = bench::summarize(ms);
    std::fprintf(stderr, "single slider moves → grid repainted: median %.1f ms, p95 %.1f ms, max %.1f ms (%zu moves)\n",
        s.median, s.p95, s.max, s.n);
    QJsonObject o = s.json();
    o[QStringLiteral("within_100ms")] = double(std::count_if(ms.begin(), ms.end(), [](double v) { return v <= 100; }))
        / double(std::max<std::size_t>(1, ms.size()));
    o[QStringLiteral("wall_s")] = double(all.nsecsElapsed()) / 1e9;
    o[QStringLiteral("cpu_s")] = cpuSeconds() - cpu0;
    QJsonArray each;
    for (double v : ms)
        each.append(v);
    o[QStringLiteral("each_ms")] = each;
    return o;
}

QJsonObject drag(rs::ui::GeneratorView& view)
{
    QSlider* s = view.zetaSlider();
    const int before = view.drawsDone();
    int moves = 0;
    const double cpu0 = cpuSeconds();
    QElapsedTimer all;
    all.start();
    QTimer timer;
    timer.setInterval(16);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        s->setValue((s->value() + 1) % (s->maximum() + 1));
        ++moves;
    });
    timer.start();
    bench::waitUntil([&] { return all.elapsed() >= 3000; }, 10000);
    timer.stop();
    bench::waitUntil([&] { return !view.job()->isRunning() && view.lastRedrawMs() >= 0; }, 20000);
    const double finalMs = view.lastRedrawMs();
    std::fprintf(stderr,
        "drag (a move every 16 ms for 3 s): %d moves, %d draws; final position on screen %.1f ms after the "
        "last move\n",
        moves, view.drawsDone() - before, finalMs);
    QJsonObject o;
    o[QStringLiteral("moves")] = moves;
    o[QStringLiteral("draws")] = view.drawsDone() - before;
    o[QStringLiteral("final_position_ms")] = finalMs;
    o[QStringLiteral("wall_s")] = double(all.nsecsElapsed()) / 1e9;
    o[QStringLiteral("cpu_s")] = cpuSeconds() - cpu0;
    return o;
}

/// The Translation and Latent views on the given runs, for screenshots only.
void otherViews(const QStringList& args, const QString& shots)
{
    rs::ui::PredictorPool pool;
    if (const QString unet = arg(args, QStringLiteral("--unet")); !unet.isEmpty()) {
        rs::ui::TranslationView view;
        view.resize(1500, 800);
        view.show();
        view.setMaxSamples(32);
        view.setRun(unet, rs::ml::readRunConfig(unet.toStdString()));
        bench::waitUntil([&] { return view.metrics().has_value(); }, 120000);
        view.showSlice(5);
        bench::waitUntil([] { return false; }, 1500);
        shoot(view, shots, QStringLiteral("views-translation"));
        std::fprintf(stderr, "translation: %s\n", qPrintable(view.metricsText().left(300)));
        const QString density = arg(args, QStringLiteral("--density")), truth = arg(args, QStringLiteral("--truth"));
        if (!density.isEmpty() && !truth.isEmpty()) { // the Explorer-cube mode on any density box
            auto loaded = [](const QString& path) {
                const rs::Cube c = rs::loadCube(path.toStdString());
                return rs::ui::LoadedCube {c, rs::summarize(c), QFileInfo(path).fileName(), {}};
            };
            view.setExplorerCubes({loaded(density), loaded(truth)});
            view.setCubeParameters(0, arg(args, QStringLiteral("--zeta"), QStringLiteral("0")).toDouble());
            view.setSource(rs::ui::TranslationView::Source::ExplorerCube);
            bench::waitUntil([&] { return view.metrics() && view.metrics()->cells > 64 * 64 * 64 - 1; }, 120000);
            bench::waitUntil([] { return false; }, 1500);
            shoot(view, shots, QStringLiteral("views-translation-cube"));
            std::fprintf(
                stderr, "translation of %s: %s\n", qPrintable(density), qPrintable(view.metricsText().left(400)));
        }
    }
    if (const QString ae = arg(args, QStringLiteral("--ae")); !ae.isEmpty()) {
        rs::ui::LatentView view(&pool);
        view.resize(1100, 800);
        view.show();
        view.setRun(ae, rs::ml::readRunConfig(ae.toStdString()));
        bench::waitUntil([&] { return view.pca() && view.decoded()->count() == 1; }, 120000);
        view.setPosition(2.0);
        bench::waitUntil([] { return false; }, 1000);
        shoot(view, shots, QStringLiteral("views-latent"));
        std::fprintf(stderr, "latent: %s, move → decoded map %.1f ms\n", qPrintable(view.note()), view.lastRedrawMs());
    }
}

} // namespace

int main(int argc, char** argv)
{
    rs::ml::configureAllocatorForTraining(); // as reionscope's main does: freed tensors stay in the heap
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString run = arg(args, QStringLiteral("--generator"));
    const QString shots = arg(args, QStringLiteral("--screenshots"));
    const int moves = arg(args, QStringLiteral("--moves"), QStringLiteral("40")).toInt();
    const int count = arg(args, QStringLiteral("--count"), QStringLiteral("9")).toInt();
    const int threads = arg(args, QStringLiteral("--threads"), QStringLiteral("1")).toInt();
    const int size = arg(args, QStringLiteral("--size"), QStringLiteral("0")).toInt();
    const QStringList at = arg(args, QStringLiteral("--at"), QStringLiteral("8,30")).split(QLatin1Char(','));
    const double atZ = at.value(0).toDouble(), atZeta = at.value(1).toDouble();
    QJsonObject doc;
    doc[QStringLiteral("load_average")] = bench::loadAverage();
    if (!run.isEmpty()) {
        try {
            doc[QStringLiteral("generate_alone")] = generateAlone(run.toStdString(), count, threads, 20);
            rs::ui::GeneratorView view;
            view.resize(1400, 900);
            view.setComputeThreads(threads);
            view.setCount(count);
            view.show();
            view.setRun(run, rs::ml::readRunConfig(run.toStdString()));
            bench::waitUntil([&] { return view.drawsDone() > 0 && !view.job()->isRunning(); }, 60000);
            // The comparison (charts) follows the maps once the sliders rest: shoot it done.
            bench::waitUntil([&] { return !view.isComparing(); }, 60000);
            bench::waitUntil([] { return false; }, 300);
            shoot(view, shots, QStringLiteral("views-generator"));
            doc[QStringLiteral("single_moves")] = singleMoves(view, moves);
            doc[QStringLiteral("drag")] = drag(view);
            view.setParameters(atZ, atZeta);
            bench::waitUntil([&] { return !view.job()->isRunning(); }, 20000);
            bench::waitUntil([] { return false; }, 300);
            shoot(view, shots, QStringLiteral("views-generator-z%1-zeta%2").arg(atZ).arg(atZeta));
            std::fprintf(stderr, "at z %g, ζ %g: %s\n", atZ, atZeta, qPrintable(view.metricsText()));
            if (size > 0) { // a larger sky from the same run: the same single moves at that size
                view.setMapSize(size);
                bench::waitUntil([&] { return view.mapSize() == size && !view.job()->isRunning(); }, 60000);
                doc[QStringLiteral("size")] = size;
                doc[QStringLiteral("single_moves_at_size")] = singleMoves(view, moves);
                view.setParameters(atZ, atZeta);
                bench::waitUntil([&] { return !view.job()->isRunning() && !view.isComparing(); }, 60000);
                bench::waitUntil([] { return false; }, 300);
                shoot(view, shots, QStringLiteral("views-generator-size%1").arg(size));
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_views: %s\n", e.what());
            return 1;
        }
    }
    otherViews(args, shots);
    doc[QStringLiteral("count")] = count;
    doc[QStringLiteral("threads")] = threads;
    bench::writeReport(doc, arg(args, QStringLiteral("--json")));
    return 0;
}

#include "sweep_bench.h"

#include "studio_bench.h"

#include "shell/main_window.h"
#include "studio/runs_filter_model.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/training_workspace.h"
#include "vtk/vtk_host_widget.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace bench {

namespace {

QString option(const QStringList& args, const QString& name, const QString& fallback = {})
{
    const int i = int(args.indexOf(name));
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
}

/// The sweep's command line: a cnn z classifier over the grid, one trainer thread each.
QStringList sweepArguments(const QStringList& args, const QString& dataset, const QString& out)
{
    return {QStringLiteral("sweep"), QStringLiteral("--dataset"), dataset, QStringLiteral("--model"),
        QStringLiteral("cnn"), QStringLiteral("--target"), QStringLiteral("z"), QStringLiteral("--grid"),
        option(args, QStringLiteral("--grid"), QStringLiteral("lr=1e-3,3e-3,1e-2;batch=16,32;weight_decay=0,1e-4")),
        QStringLiteral("--parallel"), option(args, QStringLiteral("--parallel"), QStringLiteral("2")),
        QStringLiteral("--epochs"), option(args, QStringLiteral("--epochs"), QStringLiteral("3")),
        QStringLiteral("--max-batches"), option(args, QStringLiteral("--max-batches"), QStringLiteral("0")),
        QStringLiteral("--history-every"), QStringLiteral("5"), QStringLiteral("--threads"), QStringLiteral("1"),
        QStringLiteral("--out"), out};
}

struct RunCounts {
    int listed = 0, finished = 0;
};

RunCounts countRuns(const rs::ui::RunsModel* model)
{
    RunCounts c;
    c.listed = model->rowCount();
    for (int r = 0; r < c.listed; ++r)
        c.finished += model->entry(r).finished ? 1 : 0;
    return c;
}

/// The 2 s windows of one phase (the window idle before the sweep, or following it).
struct Phase {
    explicit Phase(const char* n)
        : name(n)
    { }
    const char* name;
    std::vector<double> all, curvesTab, sweepTab; // every lateness; each window's longest per tab
    int over50 = 0;
    double guiCpu = 0, processCpu = 0;
    QJsonArray windows;

    /// One window: the Curves or the Sweep tab in front (a run selected), switched and repainted
    /// before the measurement starts (the switch is the bench's doing, not the studio's).
    void measure(rs::ui::TrainingWorkspace* studio, double tS)
    {
        const bool sweepShown = windows.size() % 2 == 1;
        const rs::ui::RunsModel* model = studio->runsModel();
        if (model->rowCount() > 0 && studio->runsPanel()->selectedRuns().isEmpty())
            studio->runsPanel()->selectRuns({model->entry(0).path});
        studio->showTab(sweepShown ? rs::ui::TrainingWorkspace::Tab::Sweep : rs::ui::TrainingWorkspace::Tab::Curves);
        waitUntil([] { return false; }, 300);
        CpuShare cpu;
        const Summary s = timerLateness(2000, &cpu, &all);
        (sweepShown ? sweepTab : curvesTab).push_back(s.max);
        const RunCounts n = countRuns(model);
        over50 += s.max > 50 ? 1 : 0;
        guiCpu += cpu.guiThread;
        processCpu += cpu.process;
        windows.append(QJsonObject {{"t_s", tS}, {"tab", sweepShown ? "sweep" : "curves"}, {"max_ms", s.max},
            {"gui_thread_cpu", cpu.guiThread}, {"process_cpu", cpu.process}, {"runs_listed", n.listed},
            {"runs_finished", n.finished}});
        std::fprintf(stderr,
            "  %s t %6.1f s %-6s tab: longest stall %6.1f ms, CPU: GUI thread %3.0f %%, process %3.0f %%; %2d runs "
            "listed, %2d finished\n",
            name, tS, sweepShown ? "sweep" : "curves", s.max, 100 * cpu.guiThread, 100 * cpu.process, n.listed,
            n.finished);
    }

    QJsonObject report() const
    {
        const Summary total = summarize(all);
        const double n = std::max(1.0, double(windows.size()));
        std::fprintf(stderr,
            "  %s, %lld windows: longest stall %.1f ms (curves tab %.1f, sweep tab %.1f), p99 %.1f ms, p95 %.1f ms, "
            "median %.2f ms; %d windows with a stall > 50 ms; mean CPU: GUI thread %.1f %%, process %.1f %% "
            "(the rest: Qt's and llvmpipe's threads)\n",
            name, qlonglong(windows.size()), total.max, summarize(curvesTab).max, summarize(sweepTab).max, total.p99,
            total.p95, total.median, over50, 100 * guiCpu / n, 100 * processCpu / n);
        return {{"timer_lateness", total.json()}, {"longest_stall_curves_tab_ms", summarize(curvesTab).max},
            {"longest_stall_sweep_tab_ms", summarize(sweepTab).max}, {"windows_over_50ms", over50},
            {"gui_thread_cpu", guiCpu / n}, {"process_cpu", processCpu / n}, {"windows", windows}};
    }
};

} // namespace

int runSweepBench(const QStringList& args)
{
    const QString dataset = option(args, QStringLiteral("--sweep")), out = option(args, QStringLiteral("--out"));
    if (dataset.isEmpty() || out.isEmpty() || (QDir(out).exists() && !QDir(out).isEmpty())) {
        std::fprintf(stderr,
            "usage: bench_studio --sweep DATASET.h5 --out NEW_RUNS_FOLDER [--grid G] [--parallel K] [--epochs E] "
            "[--max-batches N] [--nice N] [--json FILE] [--screenshot FILE.png] [--trace-stalls]\n");
        return 2;
    }
    QDir().mkpath(out);
    rs::ui::MainWindow w;
    w.resize(1600, 1000);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        std::fprintf(stderr, "bench: the window was never shown\n");
    rs::ui::TrainingWorkspace* studio = w.training();
    studio->setRunsFolder(out);
    w.showWorkspace(studio);
    waitUntil([] { return false; }, 1500);

    // The same window and tab changes before the sweep: what the machine's load alone costs.
    Phase idle("idle"), busy("sweep");
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 6; ++i)
        idle.measure(studio, clock.elapsed() / 1000.0);

    QProcess sweep;
    // The sweep and its trainers at a lower priority than the window (default nice 10, as the
    // studio's own trainer runs): the machine's CPU goes to training, the GUI thread stays quick.
    const int niceness = option(args, QStringLiteral("--nice"), QStringLiteral("10")).toInt();
    sweep.setChildProcessModifier([niceness] { (void)::nice(niceness); });
    sweep.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QString log = QDir::cleanPath(out) + QStringLiteral(".log"); // beside: the sweep wants an empty folder
    sweep.setStandardOutputFile(log);
    const QStringList sweepArgs = sweepArguments(args, dataset, out);
    std::fprintf(stderr, "bench_studio --sweep: %d cores, load %.2f; reionscope-cli %s > %s\n",
        QThread::idealThreadCount(), loadAverage(), qPrintable(sweepArgs.join(QLatin1Char(' '))), qPrintable(log));
    clock.restart();
    sweep.start(QStringLiteral(REIONSCOPE_CLI), sweepArgs);
    sweep.waitForStarted();
    int firstListedMs = -1;
    while (sweep.state() == QProcess::Running) {
        busy.measure(studio, clock.elapsed() / 1000.0);
        if (studio->runsModel()->rowCount() > 0 && firstListedMs < 0)
            firstListedMs = int(clock.elapsed());
    }
    const double sweepS = clock.elapsed() / 1000.0;
    waitUntil([] { return false; }, 2500); // the watcher's last look
    const RunCounts n = countRuns(studio->runsModel());
    std::fprintf(stderr,
        "  sweep exit %d after %.1f s; %d runs listed (%d finished), grouped by '%s'; first listed after %.1f s; "
        "load %.2f\n",
        sweep.exitCode(), sweepS, n.listed, n.finished, qPrintable(studio->runsPanel()->filterModel()->groupKey()),
        firstListedMs / 1000.0, loadAverage());
    const QJsonObject idleReport = idle.report(), busyReport = busy.report();
    if (const QString shot = option(args, QStringLiteral("--screenshot")); !shot.isEmpty() && n.listed > 0) {
        studio->runsPanel()->selectRuns({studio->runsModel()->entry(0).path});
        studio->showTab(rs::ui::TrainingWorkspace::Tab::Sweep);
        waitUntil([] { return false; }, 800);
        rs::ui::grabWithGlViews(&w).save(shot);
    }
    writeReport(
        QJsonObject {{"sweep_arguments", sweepArgs.join(QLatin1Char(' '))}, {"sweep_log", log},
            {"sweep_nice", niceness}, {"sweep_exit_code", sweep.exitCode()}, {"sweep_wall_s", sweepS},
            {"runs_listed", n.listed}, {"runs_finished", n.finished}, {"first_listed_s", firstListedMs / 1000.0},
            {"grouped_by", studio->runsPanel()->filterModel()->groupKey()}, {"idle", idleReport},
            {"following_sweep", busyReport}, {"load_average_at_end", loadAverage()}},
        option(args, QStringLiteral("--json")));
    return sweep.exitCode() == 0 && sweep.exitStatus() == QProcess::NormalExit ? 0 : 1;
}

} // namespace bench

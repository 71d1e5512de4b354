// bench_studio: how the GUI holds up while a run trains on both cores of this machine, and how
// fast that run trains with the GUI open compared with reionscope-cli. A benchmark, never a
// test: it prints figures (a table on stderr, JSON on stdout) and asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/app/bench/bench_studio [--quick] [--json FILE]
//       [--screenshots DIR] [--keep DIR] [--nice N] [--trace-stalls]
//   bench_studio --sweep DATASET.h5 --out NEW_RUNS [--grid G] [--parallel K] [--epochs E]
//       [--max-batches N] [--nice N] [--json FILE] [--screenshot FILE.png] [--trace-stalls]
//
// Phases: a dataset of 64×64 δT_b slices from the simulator (z = 8–11, 6 seeds); the CLI trains a
// cnn z-classifier (batch 32, 2 threads) alone; then the main window (Explorer on three linked
// 200³ panels) is measured idle, and again while the same run trains in the Training tab: the
// GUI thread's stalls (late firings of a 5 ms timer) with the live curves on screen, slice
// stepping in the Explorer, and the trainer's samples/s in both phases. --trace-stalls names
// every event that kept the GUI thread busy for more than 30 ms (how the frame pacing was tuned).
// --sweep: instead, the main window follows a `reionscope-cli sweep` run in other processes
// (sweep_bench.h): the GUI thread's stalls and the runs listed over time.
#include "bench_util.h"
#include "slice_bench.h"
#include "studio_bench.h"
#include "studio_screenshots.h"
#include "sweep_bench.h"

#include "explorer/explorer_workspace.h"
#include "explorer/linked_slices_view.h"
#include "ml/dataset.h"
#include "ml/ml_setup.h"
#include "ml/run_folder.h"
#include "ml/sim_sources.h"
#include "shell/main_window.h"
#include "studio/curves_view.h"
#include "studio/new_run_dialog.h"
#include "studio/run_progress_bar.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/training_controller.h"
#include "studio/training_workspace.h"
#include "vtk/vtk_host_widget.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>
#include <filesystem>

namespace {

QString arg(const QStringList& args, const QString& name)
{
    const int i = int(args.indexOf(name));
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : QString();
}

QString env(const char* name)
{
    return qEnvironmentVariableIsSet(name) ? qEnvironmentVariable(name) : QStringLiteral("(unset)");
}

rs::ml::RunConfig benchConfig(const QString& dataset, std::size_t batchesPerEpoch, int epochs)
{
    rs::ml::RunConfig c;
    c.model = rs::ml::ModelKind::Cnn;
    c.task = rs::ml::Task::Classify;
    c.target = rs::ml::Target::Z;
    c.datasetPath = dataset.toStdString();
    c.batch = 32;
    c.epochs = epochs;
    c.threads = 2;
    c.historyEvery = 5;
    c.maxBatchesPerEpoch = batchesPerEpoch;
    return c;
}

/// Runs reionscope-cli; returns its wall time in seconds (NaN on failure).
double runCli(const QStringList& args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer t;
    t.start();
    p.start(QStringLiteral(REIONSCOPE_CLI), args);
    if (!p.waitForFinished(30 * 60 * 1000) || p.exitCode() != 0) {
        std::fprintf(stderr, "bench: reionscope-cli %s failed: %s\n", qPrintable(args.join(' ')),
            p.readAllStandardOutput().constData());
        return NAN;
    }
    return double(t.nsecsElapsed()) / 1e9;
}

/// With --trace-stalls: names every event the GUI thread took more than 30 ms to handle.
class TracingApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool trace = false;
    bool notify(QObject* receiver, QEvent* e) override
    {
        if (!trace)
            return QApplication::notify(receiver, e);
        QElapsedTimer t;
        t.start();
        const int type = int(e->type());
        const QByteArray cls = receiver->metaObject()->className();
        const QString name = receiver->objectName();
        ++depth;
        const bool r = QApplication::notify(receiver, e);
        --depth;
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (ms > 30 && ms < 2000) // longer: a nested event loop (the bench's own waits)
            std::fprintf(stderr, "  stall: %.1f ms in event %d to %s %s (depth %d)\n", ms, type, cls.constData(),
                qPrintable(name), depth);
        return r;
    }
    int depth = 0;
};

/// The bench's dataset (z classifier on 64² δT_b slices of 24 simulator cubes), built once per
/// work folder.
QString ensureBenchDataset(const QString& work)
{
    const QString dataset = QDir(work).filePath(QStringLiteral("ds.h5"));
    if (!QFileInfo::exists(dataset)) {
        QElapsedTimer t;
        t.start();
        rs::ml::SimulationGrid g;
        g.base.dim = 64;
        g.base.boxMpc = 96;
        g.redshifts = {8, 9, 10, 11};
        g.zetas = {20};
        g.seeds = {1, 2, 3, 4, 5, 6};
        rs::ml::DatasetBuildOptions o;
        o.stride = 2;
        rs::ml::buildDataset(
            rs::ml::sourcesFromSimulator(g, rs::Quantity::BrightnessTemperature), o, dataset.toStdString());
        std::fprintf(stderr, "  dataset: %.1f s\n", double(t.nsecsElapsed()) / 1e9);
    }
    return dataset;
}

/// Bytes of a run's history.jsonl so far (the trainer's throughput is read from what it gained).
std::uint64_t historyBytes(const QString& run)
{
    return std::uint64_t(QFileInfo(rs::ml::historyPath(run.toStdString()).c_str()).size());
}

/// GUI stalls and the trainer's samples/s while the Training tab shows live curves.
double measureCurvesOnScreen(
    rs::ui::TrainingWorkspace* studio, const QString& guiRun, int stallMs, bool configsTab, QJsonObject& training)
{
    bench::CpuShare curvesCpu;
    std::uint64_t a = historyBytes(guiRun);
    if (configsTab)
        studio->showTab(rs::ui::TrainingWorkspace::Tab::Configs);
    const int refreshes = studio->curves()->refreshCount();
    const bench::Summary curvesStall = bench::timerLateness(stallMs * 2, &curvesCpu);
    const int redraws = studio->curves()->refreshCount() - refreshes;
    std::uint64_t b = historyBytes(guiRun);
    int guiLines = 0;
    const double guiRate = bench::historySamplesPerSecond(guiRun, a, b, &guiLines);
    training.insert(QStringLiteral("timer_lateness_training_tab"), curvesStall.json());
    training.insert(QStringLiteral("gui_thread_cpu_training_tab"), curvesCpu.guiThread);
    training.insert(QStringLiteral("process_cpu_training_tab"), curvesCpu.process);
    training.insert(QStringLiteral("curve_redraws_per_s"), redraws / (stallMs * 2 / 1000.0));
    std::fprintf(stderr,
        "  training, curves on screen: longest stall %.1f ms (p95 %.1f), %.1f redraws/s; trainer %.0f samples/s "
        "(%d windows); CPU: GUI thread %.0f %%, process %.0f %%\n",
        curvesStall.max, curvesStall.p95, redraws / (stallMs * 2 / 1000.0), guiRate, guiLines,
        100 * curvesCpu.guiThread, 100 * curvesCpu.process);

    return guiRate;
}

/// GUI stalls, slice steps and the trainer's samples/s with the Explorer in front while a run trains.
/// Phase 3: the Explorer with nothing training: timer lateness and slice steps. Returns the steps.
bench::Summary measureExplorerIdle(rs::ui::LinkedSlicesView* slices, int stallMs, int steps, QJsonObject& idle)
{
    bench::CpuShare idleCpu;
    const bench::Summary idleStall = bench::timerLateness(stallMs, &idleCpu);
    const bench::Summary idleSteps = bench::sliceSteps(slices, steps);
    idle.insert(QStringLiteral("timer_lateness_explorer"), idleStall.json());
    idle.insert(QStringLiteral("gui_thread_cpu"), idleCpu.guiThread);
    idle.insert(QStringLiteral("slice_step_to_rendered"), idleSteps.json());
    std::fprintf(stderr, "  idle: longest stall %.1f ms (p95 %.1f); slice step median %.1f ms (p95 %.1f)\n",
        idleStall.max, idleStall.p95, idleSteps.median, idleSteps.p95);
    return idleSteps;
}

bench::Summary measureExplorerWhileTraining(rs::ui::LinkedSlicesView* slices, const QString& guiRun, int stallMs,
    int steps, const bench::Summary& idleSteps, QJsonObject& training)
{
    bench::CpuShare explorerCpu;
    std::uint64_t a = historyBytes(guiRun);
    const bench::Summary explorerStall = bench::timerLateness(stallMs, &explorerCpu);
    const bench::Summary busySteps = bench::sliceSteps(slices, steps);
    const std::uint64_t b = historyBytes(guiRun);
    int stepLines = 0;
    const double stepRate = bench::historySamplesPerSecond(guiRun, a, b, &stepLines);
    training.insert(QStringLiteral("timer_lateness_explorer"), explorerStall.json());
    training.insert(QStringLiteral("gui_thread_cpu_explorer"), explorerCpu.guiThread);
    training.insert(QStringLiteral("process_cpu_explorer"), explorerCpu.process);
    training.insert(QStringLiteral("slice_step_to_rendered"), busySteps.json());
    training.insert(QStringLiteral("samples_per_s_while_stepping"), stepRate);
    std::fprintf(stderr,
        "  training, Explorer: longest stall %.1f ms (p95 %.1f); slice step median %.1f ms (p95 %.1f) = %.2f× idle; "
        "trainer meanwhile %.0f samples/s; CPU while not stepping: GUI thread %.0f %%, process %.0f %%\n",
        explorerStall.max, explorerStall.p95, busySteps.median, busySteps.p95, busySteps.median / idleSteps.median,
        stepRate, 100 * explorerCpu.guiThread, 100 * explorerCpu.process);
    return busySteps;
}

/// The report's header (machine, renderer, load), also printed on stderr.
QJsonObject startReport()
{
    QJsonObject doc {{"when", QDateTime::currentDateTime().toString(Qt::ISODate)}, {"gl_renderer", bench::glRenderer()},
        {"cpu_cores", QThread::idealThreadCount()}, {"load_average_at_start", bench::loadAverage()},
        {"omp_wait_policy", env("OMP_WAIT_POLICY")}, {"platform", QGuiApplication::platformName()}};
    std::fprintf(stderr, "bench_studio on %s, %d cores, load %.2f, OMP_WAIT_POLICY=%s\n",
        qPrintable(doc["gl_renderer"].toString()), QThread::idealThreadCount(), bench::loadAverage(),
        qPrintable(env("OMP_WAIT_POLICY")));
    return doc;
}

} // namespace

int main(int argc, char** argv)
{
    // Settings and the default runs folder of a throw-away home: the bench never touches yours.
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    rs::ml::configureAllocatorForTraining(); // as reionscope's main does
    rs::ui::VtkHostWidget::installDefaultSurfaceFormat();
    QApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    TracingApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReionScope"));
    QApplication::setOrganizationName(QStringLiteral("ReionScope"));
    const QStringList args = app.arguments().mid(1);
    const bool quick = args.contains(QStringLiteral("--quick"));
    app.trace = args.contains(QStringLiteral("--trace-stalls"));
    if (args.contains(QStringLiteral("--sweep")))
        return bench::runSweepBench(args);
    const QString shots = arg(args, QStringLiteral("--screenshots"));
    QTemporaryDir tmp;
    const QString work
        = arg(args, QStringLiteral("--keep")).isEmpty() ? tmp.path() : arg(args, QStringLiteral("--keep"));
    QDir().mkpath(work);
    const QString runs = QDir(work).filePath(QStringLiteral("runs"));
    QDir().mkpath(runs);

    QJsonObject doc = startReport();

    const QString dataset = ensureBenchDataset(work);
    // 48 batches of 32 per epoch; the CLI baseline trains `cliEpochs` epochs (validation included),
    // long enough for its throughput to settle.
    const std::size_t batches = 400;
    const int cliEpochs = quick ? 4 : 10;

    // 2. The same run from the CLI, alone (again after the GUI phases: the machine is shared and
    // its load drifts, so the baseline is the mean of a run before and a run after).
    const QString cliRun = QDir(runs).filePath(QStringLiteral("cli-cnn"));
    auto cliTrain = [&](int* windows, double* wall) {
        std::filesystem::remove_all(cliRun.toStdString());
        *wall = runCli({"train", "--dataset", dataset, "--model", "cnn", "--target", "z", "--epochs",
            QString::number(cliEpochs), "--batch", "32", "--threads", "2", "--history-every", "5", "--max-batches",
            QString::number(batches), "--out", cliRun});
        return bench::historySamplesPerSecond(cliRun, 0, 0, windows);
    };
    int cliLines = 0;
    double cliWall = 0;
    const double cliRate1 = cliTrain(&cliLines, &cliWall);
    std::fprintf(stderr, "  reionscope-cli train: %.0f samples/s (median of %d windows), %.1f s wall\n", cliRate1,
        cliLines, cliWall);
    if (!shots.isEmpty()) // an autoencoder run for the reconstruction screenshots
        runCli({"train", "--dataset", dataset, "--model", "ae", "--epochs", "2", "--batch", "32", "--threads", "2",
            "--max-batches", "40", "--out", QDir(runs).filePath(QStringLiteral("ae-recon"))});

    // 3. The window: Explorer with three linked 200³ panels, runs folder with the CLI run.
    rs::ui::MainWindow w;
    w.resize(1600, 1000);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        std::fprintf(stderr, "bench: the window was never shown\n");
    rs::ui::LinkedSlicesView* slices = w.explorer()->slices();
    slices->setSnapshot(syntheticSnapshot(200));
    rs::ui::TrainingWorkspace* studio = w.training();
    studio->setRunsFolder(runs);
    bench::waitUntil([&] { return studio->runsModel()->rowOf(cliRun) >= 0; }, 20000);
    bench::waitUntil([&] { return false; }, 1500);

    const int stallMs = quick ? 3000 : 8000;
    const int steps = quick ? 30 : 80;
    QJsonObject idle, training;
    w.showWorkspace(w.explorer());
    const bench::Summary idleSteps = measureExplorerIdle(slices, stallMs, steps, idle);

    // 4. Training in the window: the same configuration, more epochs so it outlasts the phases.
    const QString guiRun = QDir(runs).filePath(QStringLiteral("gui-cnn"));
    std::filesystem::remove_all(guiRun.toStdString());
    const int nice = arg(args, QStringLiteral("--nice")).isEmpty() ? 10 : arg(args, QStringLiteral("--nice")).toInt();
    studio->controller()->setWorkerNice(nice);
    doc.insert(QStringLiteral("worker_nice"), nice);
    studio->startRun({guiRun, benchConfig(dataset, batches, 1000)});
    w.showWorkspace(studio);
    bench::waitUntil([&] { return studio->controller()->lastProgress().has_value(); }, 60000);
    bench::waitUntil([&] { return false; }, 2000); // warm-up
    const double guiRate
        = measureCurvesOnScreen(studio, guiRun, stallMs, args.contains(QStringLiteral("--configs-tab")), training);
    w.showWorkspace(w.explorer());
    const bench::Summary busySteps = measureExplorerWhileTraining(slices, guiRun, stallMs, steps, idleSteps, training);

    if (!shots.isEmpty())
        takeStudioScreenshots(w, shots, cliRun, guiRun, QDir(runs).filePath(QStringLiteral("ae-recon")), dataset);

    // 5. Stop: how long until the run has its checkpoint.
    QElapsedTimer stop;
    stop.start();
    studio->controller()->stopAndWait(120000);
    const double stopMs = double(stop.nsecsElapsed()) / 1e6;
    std::fprintf(stderr, "  stop → checkpoint written: %.0f ms\n", stopMs);

    double cliWall2 = 0;
    const double cliRate2 = cliTrain(&cliLines, &cliWall2);
    const double cliRate = 0.5 * (cliRate1 + cliRate2);
    std::fprintf(stderr,
        "  reionscope-cli train again: %.0f samples/s; baseline %.0f samples/s; with the GUI open %.0f %%\n", cliRate2,
        cliRate, 100 * guiRate / cliRate);
    doc.insert(QStringLiteral("cli"),
        QJsonObject {{"samples_per_s_before", cliRate1}, {"samples_per_s_after", cliRate2}, {"samples_per_s", cliRate},
            {"wall_s_before", cliWall}, {"wall_s_after", cliWall2}});
    training.insert(QStringLiteral("samples_per_s_curves_on_screen"), guiRate);
    training.insert(QStringLiteral("throughput_vs_cli"), guiRate / cliRate);
    training.insert(QStringLiteral("slice_step_ratio_to_idle"), busySteps.median / idleSteps.median);
    training.insert(QStringLiteral("stop_to_checkpoint_ms"), stopMs);
    doc.insert(QStringLiteral("idle"), idle);
    doc.insert(QStringLiteral("training"), training);
    doc.insert(QStringLiteral("config"),
        QJsonObject {{"model", "cnn"}, {"input", "64x64"}, {"batch", 32}, {"threads", 2},
            {"batches_per_epoch", double(batches)}});
    doc.insert(QStringLiteral("load_average_at_end"), bench::loadAverage());
    bench::writeReport(doc, arg(args, QStringLiteral("--json")));
    return 0;
}

// `sweep`: a hyper-parameter grid (or a random subset of it) trained point by point, each point
// an ordinary run folder inside --out, up to --parallel trainer processes at a time. Started
// again on the same folder it continues: finished points are kept, stopped or killed ones resume
// from their checkpoints, and nothing is repeated.
#include "cli_common.h"
#include "run_config_options.h"

#include "ml/dataset.h"
#include "ml/run_config.h"
#include "ml/run_folder.h"
#include "ml/run_status.h"
#include "ml/sweep.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rs::cli {

namespace {

using namespace rs::ml;
namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;
void onSweepInterrupt(int)
{
    g_interrupted = 1;
}

struct SweepOptions {
    RunConfig base;
    std::shared_ptr<RunConfigOptions> runOptions;
    std::string grid, out, name;
    std::size_t random = 0, parallel = 1;
    std::uint64_t seed = 0;
};

std::string workPath(const std::string& out, const std::string& point, const char* ext)
{
    return (fs::path(out) / ".sweep" / (point + ext)).string();
}

/// Starts `reionscope-cli train --config <point>.json --out <point>` with its output in
/// .sweep/<point>.log. The child gets SIGTERM when the sweep dies (even by kill -9), so it stops
/// after its current batch with a checkpoint.
pid_t startPoint(const std::string& out, const std::string& point)
{
    const std::string cfg = workPath(out, point, ".json"), log = workPath(out, point, ".log");
    const std::string dir = (fs::path(out) / point).string();
    std::vector<std::string> args = {"reionscope-cli", "train", "--config", cfg, "--out", dir};
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw IoError(dir, std::string("cannot start a trainer process: ") + std::strerror(errno));
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(130);
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execv("/proc/self/exe", argv.data());
        ::_exit(127);
    }
    return pid;
}

/// Removes a point folder that a killed trainer left before writing config.json (no files).
void clearEmptyLeftover(const std::string& dir)
{
    std::error_code ec;
    if (!fs::exists(dir, ec) || isRunFolder(dir))
        return;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir, ec))
        if (e.is_regular_file(ec))
            throw FormatError(dir, "exists and is not a run folder; move it away to train this sweep point");
    fs::remove_all(dir, ec);
}

std::string outcomeText(const std::string& dir)
{
    const std::vector<RunSummary> runs = listRuns(dir);
    if (runs.empty())
        return "no run folder";
    const RunSummary& s = runs.front();
    std::string t = runStatusName(s.status);
    if (s.bestEpoch) {
        char buf[160];
        std::snprintf(buf, sizeof buf, ", best epoch %d: val loss %.4g, val %s %.4g", s.bestEpoch->epoch,
            s.bestEpoch->valLoss, metricName(s.config.task), s.bestEpoch->valMetric);
        t += buf;
    }
    return t;
}

SweepManifest prepareSweep(SweepOptions& o)
{
    finishRunConfig(*o.runOptions, o.base);
    if (o.parallel < 1)
        throw ParameterError("--parallel", "must be at least 1");
    o.base.datasetPath = fs::absolute(o.base.datasetPath).lexically_normal().string();
    SweepManifest m;
    fs::path outPath = fs::absolute(o.out).lexically_normal();
    if (!outPath.has_filename()) // "runs/"
        outPath = outPath.parent_path();
    m.name = o.name.empty() ? outPath.filename().string() : o.name;
    m.grid = o.grid;
    m.random = o.random;
    m.seed = o.seed;
    m.base = o.base;
    m.points = sweepPoints(parseSweepGrid(o.grid), o.random, o.seed);
    // Every point's settings are checked against the dataset before anything starts.
    auto ds = DatasetFile::open(o.base.datasetPath);
    for (const SweepPoint& p : m.points) {
        RunConfig c = applySweepPoint(o.base, p, m.name);
        resolveRunConfig(c, *ds);
    }
    std::error_code ec;
    fs::create_directories(fs::path(o.out) / ".sweep", ec);
    if (ec)
        throw IoError(o.out, "cannot create the sweep folder: " + ec.message());
    if (const auto old = readSweepManifest(o.out)) {
        if (!sameSweep(*old, m))
            throw ParameterError("--out",
                o.out + ": holds another sweep (grid \"" + old->grid + "\" or other settings); choose a new --out");
    } else {
        for (const fs::directory_entry& e : fs::directory_iterator(o.out))
            if (e.path().filename() != ".sweep")
                throw ParameterError("--out", o.out + ": is not empty and holds no sweep.json; choose a new --out");
    }
    writeSweepManifest(o.out, m);
    return m;
}

/// What a sweep started again does with each point: finished, failed or busy points are skipped
/// (said so, with their outcome), the rest are trained (stopped or killed ones resume).
struct SweepPlan {
    std::vector<std::size_t> todo;
    std::vector<std::string> startNote; ///< per point: "starting" or "resuming after E complete epoch(s)"
    int kept = 0, failed = 0;
};

SweepPlan planSweep(const SweepOptions& o, const SweepManifest& m)
{
    SweepPlan plan;
    plan.startNote.resize(m.points.size(), "starting");
    for (std::size_t i = 0; i < m.points.size(); ++i) {
        const std::string dir = (fs::path(o.out) / m.points[i].name).string();
        clearEmptyLeftover(dir);
        if (isRunFolder(dir)) {
            const RunSummary s = listRuns(dir).front();
            std::string why;
            if (s.status == RunStatus::Finished)
                why = "skipped: already finished";
            else if (s.status == RunStatus::Failed)
                why = "skipped: it failed before; see " + workPath(o.out, m.points[i].name, ".log");
            else if (s.status == RunStatus::Running || s.status == RunStatus::Paused)
                why = "skipped: another process is training it";
            if (!why.empty()) {
                std::cout << "[" << i + 1 << "/" << m.points.size() << "] " << m.points[i].name << ": "
                          << outcomeText(dir) << " (kept; " << why << ")\n";
                ++plan.kept;
                plan.failed += s.status == RunStatus::Failed;
                continue;
            }
            plan.startNote[i] = "resuming after " + std::to_string(s.epochsDone) + " complete epoch(s)";
        }
        const std::string text = runConfigJson(applySweepPoint(o.base, m.points[i], m.name));
        writeFileAtomically(workPath(o.out, m.points[i].name, ".json"), text.data(), text.size());
        plan.todo.push_back(i);
    }
    return plan;
}

int runSweep(SweepOptions& o)
{
    try {
        const SweepManifest m = prepareSweep(o);
        const SweepPlan plan = planSweep(o, m);
        const std::vector<std::size_t>& todo = plan.todo;
        int failed = plan.failed;
        std::cout << m.name << ": " << m.points.size() << " points, " << plan.kept << " kept, " << todo.size()
                  << " to train, " << o.parallel << " at a time\n"
                  << std::flush;

        struct sigaction sa { };
        sa.sa_handler = onSweepInterrupt; // no SA_RESTART: waitpid returns on a signal
        ::sigaction(SIGINT, &sa, nullptr);
        ::sigaction(SIGTERM, &sa, nullptr);
        std::vector<std::pair<pid_t, std::size_t>> running;
        std::size_t next = 0;
        bool forwarded = false;
        while (next < todo.size() || !running.empty()) {
            while (!g_interrupted && running.size() < o.parallel && next < todo.size()) {
                const std::size_t i = todo[next++];
                running.emplace_back(startPoint(o.out, m.points[i].name), i);
                std::cout << "[" << i + 1 << "/" << m.points.size() << "] " << m.points[i].name << ": "
                          << plan.startNote[i] << "\n"
                          << std::flush;
            }
            if (g_interrupted && !forwarded) {
                for (const auto& r : running)
                    ::kill(r.first, SIGTERM);
                forwarded = true;
                next = todo.size();
            }
            int status = 0;
            const pid_t pid = ::waitpid(-1, &status, 0);
            if (pid < 0) {
                if (errno == EINTR)
                    continue;
                break;
            }
            const auto it
                = std::find_if(running.begin(), running.end(), [pid](const auto& r) { return r.first == pid; });
            if (it == running.end())
                continue;
            const std::size_t i = it->second;
            running.erase(it);
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            failed += code != 0 && code != 130;
            std::cout << "[" << i + 1 << "/" << m.points.size() << "] " << m.points[i].name << ": "
                      << outcomeText((fs::path(o.out) / m.points[i].name).string())
                      << (code != 0 && code != 130 ? " (trainer exit " + std::to_string(code) + "; see "
                                     + workPath(o.out, m.points[i].name, ".log") + ")"
                                                   : "")
                      << "\n"
                      << std::flush;
        }
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        if (g_interrupted) {
            std::cout << m.name << ": interrupted; run the same command again to continue\n";
            return 130;
        }
        return failed ? 1 : 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addSweepCommand(CLI::App& app)
{
    auto o = std::make_shared<SweepOptions>();
    CLI::App* sw = app.add_subcommand("sweep", "Train a grid of settings, one run folder per point (resumable)");
    o->runOptions = addRunConfigOptions(*sw, o->base, "--train-seed");
    sw->add_option("--grid", o->grid, "Settings to vary: \"lr=1e-3,3e-3;batch=16,32\"")->required();
    sw->add_option("--random", o->random, "Train only N points of the grid, drawn at random (default: all)");
    sw->add_option("--seed", o->seed, "Seed of the --random draw (default 0)");
    sw->add_option("--parallel", o->parallel, "Trainer processes at a time (default 1)");
    sw->add_option("--name", o->name, "The sweep's name (default: the --out folder's name)");
    sw->add_option("--out", o->out, "Sweep folder (run folders and sweep.json)")->required();
    sw->callback([o] { exitCode() = runSweep(*o); });
}

} // namespace rs::cli

// `bench dist`: training samples/s of N data-parallel ranks × T/N threads against one rank × T
// threads on the same dataset, model and global batch (real `train` processes on loopback Gloo,
// samples/s read back from their history), and one rank × T/N threads on the per-rank batch B/N:
// the compute of one rank alone, so the difference of step times is what the collectives cost.
// A benchmark, never a test.
#include "cli_common.h"

#include "ml/bench.h"
#include "ml/distributed.h"
#include "ml/run_folder.h"
#include "util/error.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

namespace fs = std::filesystem;
using namespace rs::ml;

struct BenchDistOptions {
    std::string dataset, model = "cnn", workDir;
    std::size_t size = 64, batch = 32, batches = 40;
    int nproc = 2, threads = 2;
    bool json = false;
};

/// Median samples/s of the history's batch windows after the first (warm-up) window.
double medianSamplesPerSecond(const std::string& run)
{
    std::vector<double> v;
    bool first = true;
    for (const HistoryRecord& r : readHistory(run))
        if (r.type == "batch" && std::isfinite(r.samplesPerSecond)) {
            if (!first)
                v.push_back(r.samplesPerSecond);
            first = false;
        }
    if (v.empty())
        throw FormatError(run, "no timed batch windows in history.jsonl (raise --batches)");
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double timeRun(const BenchDistOptions& o, const std::string& dataset, int ranks, int threads, std::size_t batch,
    const std::string& out)
{
    const std::vector<std::string> args {"train", "--dataset", dataset, "--model", o.model, "--batch",
        std::to_string(batch), "--threads", std::to_string(threads), "--max-batches", std::to_string(o.batches),
        "--epochs", "1", "--history-every", "5", "--device", "cpu", "--out", out};
    std::fprintf(stderr, "bench dist: %d rank%s x %d thread%s ...\n", ranks, ranks == 1 ? "" : "s", threads,
        threads == 1 ? "" : "s");
    if (const int code = launchLocalRanks(ranks, args, (fs::path(out).parent_path() / "ranks.log").string()))
        throw Error("bench dist: the " + std::to_string(ranks) + "-rank training run failed (exit "
            + std::to_string(code) + ")");
    return medianSamplesPerSecond(out);
}

int runBenchDist(const BenchDistOptions& o)
{
    try {
        if (o.nproc < 2)
            throw ParameterError("--nproc", "must be at least 2 (it is compared with one rank)");
        const bool scratch = o.workDir.empty();
        const fs::path dir = scratch
            ? fs::temp_directory_path() / ("reionscope-bench-dist-" + std::to_string(::getpid()))
            : fs::path(o.workDir);
        fs::create_directories(dir);
        const std::string ds
            = o.dataset.empty() ? makeBenchDataset(dir.string(), o.size, o.batch * o.batches) : o.dataset;
        const int t1 = std::max(1, o.threads / o.nproc);
        const std::size_t share = std::max<std::size_t>(1, o.batch / std::size_t(o.nproc));
        const double one = timeRun(o, ds, 1, o.threads, o.batch, (dir / "one").string());
        const double many = timeRun(o, ds, o.nproc, t1, o.batch, (dir / "many").string());
        const double alone = timeRun(o, ds, 1, t1, share, (dir / "alone").string());
        if (scratch)
            fs::remove_all(dir);
        const double stepMany = double(o.batch) / many, stepAlone = double(share) / alone; // seconds per step
        if (o.json) {
            std::cout << nlohmann::json {{"bench", "dist"}, {"model", o.model},
                {"dataset", o.dataset.empty() ? "synthetic" : o.dataset}, {"size", o.size}, {"global_batch", o.batch},
                {"batches", o.batches}, {"one_rank", {{"ranks", 1}, {"threads", o.threads}, {"samples_per_s", one}}},
                {"ranks", {{"ranks", o.nproc}, {"threads", t1}, {"samples_per_s", many}}}, {"ratio", many / one},
                {"one_rank_share", {{"threads", t1}, {"batch", share}, {"samples_per_s", alone}}},
                {"step_ms", stepMany * 1e3}, {"compute_ms", stepAlone * 1e3},
                {"collective_ms", (stepMany - stepAlone) * 1e3}, {"efficiency", stepAlone / stepMany}}
                             .dump(2)
                      << std::endl;
        } else {
            std::printf(
                "%-6s global batch %zu: 1 rank x %d threads %.1f samples/s; %d ranks x %d thread%s %.1f samples/s; "
                "ratio %.2f\n  step %.2f ms = one rank's compute on %zu samples %.2f ms + collectives %.2f ms "
                "(efficiency %.2f)\n",
                o.model.c_str(), o.batch, o.threads, one, o.nproc, t1, t1 == 1 ? "" : "s", many, many / one,
                stepMany * 1e3, share, stepAlone * 1e3, (stepMany - stepAlone) * 1e3, stepAlone / stepMany);
        }
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    } catch (const fs::filesystem_error& e) {
        printError(e.path1().string() + ": " + e.code().message());
        return 1;
    }
}

} // namespace

void addBenchDistCommand(CLI::App& app)
{
    CLI::App* bench = subcommandOf(app, "bench", "Benchmarks (never tests): reionscope-cli bench <what>");
    auto o = std::make_shared<BenchDistOptions>();
    CLI::App* b = bench->add_subcommand("dist", "Data-parallel training: N ranks x T/N threads vs 1 rank x T threads");
    b->add_option("--dataset", o->dataset, "Dataset .h5 (default: a synthetic one of --size)");
    b->add_option("--model", o->model, "ae, mlp, cnn (default) or another model without an encoder run");
    b->add_option("--size", o->size, "Sample side of the synthetic dataset (default 64)");
    b->add_option("--batch", o->batch, "Global batch (default 32)");
    b->add_option(
        "--batches", o->batches, "Training steps per run (default 40; history every 5, first window dropped)");
    b->add_option("--nproc", o->nproc, "Ranks (default 2)");
    b->add_option("--threads", o->threads, "Threads in all (default 2): 1 rank x T against N ranks x T/N");
    b->add_option("--work-dir", o->workDir, "Keep the runs here (default: a temporary folder, removed)");
    b->add_flag("--json", o->json, "JSON output");
    b->callback([o] { exitCode() = runBenchDist(*o); });
}

} // namespace rs::cli

// `bench train`: training/inference samples/s of every model, engine vs a bare LibTorch loop.
// `bench data`: training samples/s and peak RSS streamed out of core vs held in memory.
#include "cli_common.h"

#include "ml/bench.h"
#include "util/error.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

using namespace rs::ml;

struct BenchCliOptions {
    bool json = false;
    std::string sizes = "200,64";
    std::vector<std::string> models {"ae", "mlp", "cnn", "codes-cnn"};
    std::size_t batch = 32, batches = 8;
    int threads = 2;
};

int runBench(const BenchCliOptions& o)
{
    try {
        BenchOptions b;
        b.models = o.models;
        b.sizes.clear();
        for (double s : parseNumberList(o.sizes, "--sizes"))
            b.sizes.push_back(std::size_t(s));
        b.batch = o.batch;
        b.timedBatches = o.batches;
        b.threads = o.threads;
        const std::vector<BenchRow> rows = benchTrain(b, [](double f, const std::string& stage) {
            std::fprintf(stderr, "\r[%3d%%] %-40s", int(f * 100), stage.c_str());
        });
        std::fprintf(stderr, "\n");
        nlohmann::json list = nlohmann::json::array();
        if (!o.json)
            std::printf("%-10s %5s %5s %3s | %12s %12s %6s | %12s %12s %6s   (samples/s)\n", "model", "size", "batch",
                "thr", "engine train", "bare train", "ratio", "engine infer", "bare infer", "ratio");
        for (const BenchRow& r : rows) {
            list.push_back({{"model", r.model}, {"size", r.size}, {"batch", r.batch}, {"threads", r.threads},
                {"engine_train_samples_per_s", r.engineTrain}, {"bare_train_samples_per_s", r.bareTrain},
                {"train_ratio", r.trainRatio()}, {"engine_infer_samples_per_s", r.engineInfer},
                {"bare_infer_samples_per_s", r.bareInfer}, {"infer_ratio", r.inferRatio()}});
            if (!o.json)
                std::printf("%-10s %5zu %5zu %3d | %12.1f %12.1f %5.0f%% | %12.1f %12.1f %5.0f%%\n", r.model.c_str(),
                    r.size, r.batch, r.threads, r.engineTrain, r.bareTrain, 100 * r.trainRatio(), r.engineInfer,
                    r.bareInfer, 100 * r.inferRatio());
        }
        if (o.json)
            std::cout << nlohmann::json {{"bench", "train"}, {"results", list}}.dump(2) << std::endl;
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

int runBenchData(const DataBenchOptions& o, bool json)
{
    try {
        const DataBenchResult r = benchData(o, [](double f, const std::string& stage) {
            std::fprintf(stderr, "\r[%3d%%] %-60s", int(f * 100), stage.c_str());
        });
        std::fprintf(stderr, "\n");
        nlohmann::json runs = nlohmann::json::array();
        for (const DataBenchRun& run : r.runs)
            runs.push_back({{"mode", run.streamed ? "streamed" : "in_memory"}, {"samples_per_s", run.samplesPerSecond},
                {"rss_before_mb", run.rssBeforeMb}, {"peak_rss_mb", run.peakRssMb}});
        if (json) {
            std::cout << nlohmann::json {{"bench", "data"}, {"model", o.model}, {"dataset", r.dataset},
                {"dataset_mb", r.datasetMb}, {"train_samples", r.trainSamples}, {"sample_bytes", r.sampleBytes},
                {"split_mb", r.splitMb}, {"cache_mb", r.cacheMb}, {"batch", o.batch}, {"threads", o.threads},
                {"timed_batches", o.timedBatches}, {"cold", o.cold},
                {"warmup",
                    {{"samples_per_s", r.warmup.samplesPerSecond}, {"rss_before_mb", r.warmup.rssBeforeMb},
                        {"peak_rss_mb", r.warmup.peakRssMb}}},
                {"runs", runs}, {"streamed_samples_per_s", r.streamed}, {"in_memory_samples_per_s", r.inMemory},
                {"ratio", r.ratio()}, {"streamed_peak_rss_mb", r.streamedPeakRssMb},
                {"in_memory_peak_rss_mb", r.inMemoryPeakRssMb}, {"training_overhead_mb", r.trainingOverheadMb},
                {"bound_mb", r.boundMb}, {"within_bound", r.streamedPeakRssMb <= r.boundMb}}
                             .dump(2)
                      << std::endl;
        } else {
            std::printf("%s: %.0f MiB (training split %.0f MiB, %zu samples of %zu bytes); cache %.0f MiB\n",
                r.dataset.c_str(), r.datasetMb, r.splitMb, r.trainSamples, r.sampleBytes, r.cacheMb);
            std::printf("  warm-up (streamed, not counted): peak RSS %.1f MiB (%.1f before)\n", r.warmup.peakRssMb,
                r.warmup.rssBeforeMb);
            for (const DataBenchRun& run : r.runs)
                std::printf("  %-9s %8.1f samples/s  peak RSS %7.1f MiB (%.1f before)\n",
                    run.streamed ? "streamed" : "in memory", run.samplesPerSecond, run.peakRssMb, run.rssBeforeMb);
            std::printf("streamed %.1f / in memory %.1f samples/s = %.0f%%; peak RSS streamed %.1f MiB (bound %.1f = "
                        "before + cache + training's own %.1f + 8), in memory %.1f MiB\n",
                r.streamed, r.inMemory, 100 * r.ratio(), r.streamedPeakRssMb, r.boundMb, r.trainingOverheadMb,
                r.inMemoryPeakRssMb);
        }
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addBenchTrainCommand(CLI::App& app)
{
    CLI::App* bench = subcommandOf(app, "bench", "Benchmarks (never tests): reionscope-cli bench <what>");
    bench->require_subcommand(1);
    auto b = std::make_shared<BenchCliOptions>();
    CLI::App* bt
        = bench->add_subcommand("train", "Training/inference samples/s of every model, engine vs bare LibTorch");
    bt->add_flag("--json", b->json, "JSON output");
    bt->add_option("--sizes", b->sizes, "Input sides, comma-separated (default 200,64)");
    bt->add_option("--models", b->models, "Models, comma-separated (default ae,mlp,cnn,codes-cnn)")->delimiter(',');
    bt->add_option("--batch", b->batch, "Batch size (default 32)");
    bt->add_option("--batches", b->batches, "Timed batches per measurement (default 8)");
    bt->add_option("--threads", b->threads, "Compute threads (default 2)");
    bt->callback([b] { exitCode() = runBench(*b); });

    auto d = std::make_shared<DataBenchOptions>();
    auto dJson = std::make_shared<bool>(false);
    CLI::App* bd = bench->add_subcommand(
        "data", "Training samples/s and peak RSS: dataset streamed out of core vs held in memory");
    bd->add_option("--dataset", d->dataset, "Dataset .h5 (default: a synthetic one of --dataset-mb)");
    bd->add_option("--model", d->model, "ae, mlp or cnn (default cnn)");
    bd->add_option("--size", d->size, "Synthetic samples' side (default 128)");
    bd->add_option("--dataset-mb", d->datasetMb, "Synthetic dataset size in MiB (default 512)");
    bd->add_option("--cache-mb", d->cacheMb, "Streamed runs' cache (--data-memory-mb, default 32)");
    bd->add_option("--batch", d->batch, "Batch size (default 32)");
    bd->add_option("--batches", d->timedBatches, "Timed batches per run (default 40, after 5 warm-up batches)");
    bd->add_option("--threads", d->threads, "Compute threads (default 2)");
    bd->add_option("--rounds", d->rounds, "Rounds of one streamed and one in-memory run (default 2)");
    bd->add_flag("--cold", d->cold, "Drop the dataset from the page cache before each run (reads from disk)");
    bd->add_option("--work-dir", d->workDir, "Scratch folder (default: a temporary one, removed)");
    bd->add_flag("--json", *dJson, "JSON output");
    bd->callback([d, dJson] { exitCode() = runBenchData(*d, *dJson); });
}

} // namespace rs::cli

// `bench train`: training/inference samples/s of every model, engine vs a bare LibTorch loop.
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
}

} // namespace rs::cli

// Maps from a trained generator run: `generate` (an HDF5 file of N maps at chosen z and zeta),
// `calibrate` (fit how it draws to another dataset's simulations) and `bench generate` (seconds to
// draw a batch of maps).
#include "cli_common.h"

#include "ml/generator.h"
#include "ml/ml_setup.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

using namespace rs::ml;
using Clock = std::chrono::steady_clock;

/// `body`'s exit code, or one printed line for an rs::Error: kExitUsage for a ParameterError, else 1.
template<class Body> int exitCodeOf(Body&& body)
{
    try {
        return body();
    } catch (const ParameterError& e) {
        printError(e.what());
        return kExitUsage;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

struct GenerateOptions {
    std::string run, out;
    double z = std::nan(""), zeta = std::nan(""), fesc = std::nan("");
    std::size_t count = 16, size = 0;
    std::uint64_t seed = 0;
    int threads = 2;
    bool json = false;
};

int runGenerate(GenerateOptions o)
{
    return exitCodeOf([&] {
        if (o.count < 1)
            throw ParameterError("--count", "must be at least 1");
        const bool byFesc = !std::isnan(o.fesc);
        if (byFesc == !std::isnan(o.zeta))
            throw ParameterError("--zeta/--fesc", "give the source parameter once: --zeta Q or --fesc F");
        if (byFesc)
            o.zeta = o.fesc * kZetaPerFesc;
        setComputeThreads(o.threads);
        const MapGenerator g(o.run);
        const std::vector<std::string> warnings = g.rangeWarnings(o.z, o.zeta, byFesc);
        for (const std::string& w : warnings)
            std::cerr << "warning: " << o.run << ": " << w << "\n";
        const auto t0 = Clock::now();
        const GeneratedMaps maps = g.generate(o.z, o.zeta, o.count, o.seed, o.size, o.size);
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        writeGeneratedMaps(o.out, maps, o.run);
        double sum = 0;
        for (float v : maps.values)
            sum += v;
        const double mean = sum / double(maps.values.size());
        const char* units = maps.quantity == Quantity::BrightnessTemperature ? " mK" : "";
        if (o.json)
            std::cout << nlohmann::json {{"run", o.run}, {"output", o.out}, {"dataset", "maps"},
                {"shape", {maps.count, maps.rows, maps.cols}}, {"quantity", std::string(quantityName(maps.quantity))},
                {"z", o.z}, {"zeta", o.zeta}, {"fesc", o.zeta / kZetaPerFesc}, {"seed", o.seed}, {"mean", number(mean)},
                {"seconds", seconds}, {"warnings", warnings}}
                             .dump(2)
                      << std::endl;
        else
            std::cout << o.out << ": " << maps.count << " maps of " << maps.rows << "x" << maps.cols << " "
                      << quantityName(maps.quantity) << " at z " << formatValue(o.z)
                      << (byFesc ? ", f_esc " + formatValue(o.fesc) : ", zeta " + formatValue(o.zeta)) << " (mean "
                      << formatValue(mean) << units << ", " << formatValue(std::round(seconds * 1000) / 1000)
                      << " s)\n";
        return 0;
    });
}

struct CalibrateOptions {
    std::string run, dataset;
    int threads = 2;
    bool json = false;
};

int runCalibrate(const CalibrateOptions& o)
{
    return exitCodeOf([&] {
        setComputeThreads(o.threads);
        const GeneratorCalibration c = calibrateGeneratorRun(o.run, o.dataset);
        for (const std::string& w : c.warnings)
            std::fprintf(stderr, "warning: %s\n", w.c_str());
        if (o.json)
            std::cout << nlohmann::json {{"run", o.run}, {"dataset", o.dataset}, {"points", c.points}, {"rows", c.rows},
                {"cols", c.cols}, {"metrics_updated", c.metricsUpdated}, {"message", c.message},
                {"warnings", c.warnings}}
                             .dump(2)
                      << std::endl;
        else
            std::cout << o.run << ": " << c.message << "\n";
        return 0;
    });
}

struct BenchGenerateOptions {
    std::string run;
    std::size_t count = 64, size = 0;
    int repeats = 5, threads = 2;
    bool json = false;
};

int runBenchGenerate(const BenchGenerateOptions& o)
{
    try {
        if (o.repeats < 1 || o.count < 1)
            throw ParameterError("bench generate", "needs --repeats >= 1 and --count >= 1");
        setComputeThreads(o.threads);
        const MapGenerator g(o.run);
        const RunConfig& c = g.config();
        const std::size_t rows = o.size ? o.size : c.rows, cols = o.size ? o.size : c.cols;
        const double z = 0.5 * (c.conditionMin[0] + c.conditionMax[0]);
        const double zeta = 0.5 * (c.conditionMin[1] + c.conditionMax[1]);
        std::vector<double> seconds;
        for (int r = 0; r <= o.repeats; ++r) { // the first run warms up (oneDNN primitives, pages)
            const auto t0 = Clock::now();
            // Each run a little further along ζ, as a slider moves: a new place, whose reference
            // maps (a run with neutral points) are decoded anew, not kept from the last run.
            g.generate(z, zeta + 0.01 * r, o.count, std::uint64_t(r), rows, cols);
            if (r)
                seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2];
        if (o.json)
            std::cout << nlohmann::json {{"bench", "generate"}, {"run", o.run}, {"count", o.count}, {"rows", rows},
                {"cols", cols}, {"threads", o.threads}, {"seconds", seconds},
                {"median_s",
                    median}}.dump(2)
                      << std::endl;
        else
            std::cout << "generate " << o.count << " maps of " << rows << "x" << cols << " on " << o.threads
                      << " threads: median " << formatValue(median) << " s over " << o.repeats << " runs (min "
                      << formatValue(seconds.front()) << " s)\n";
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addGenerateCommands(CLI::App& app)
{
    auto o = std::make_shared<GenerateOptions>();
    CLI::App* g = app.add_subcommand(
        "generate", "Draw dTb (or x_HI) maps at chosen z and zeta (or f_esc) with a generator run");
    g->add_option("run", o->run, "Run folder of a generator run")->required();
    g->add_option("--z", o->z, "Redshift")->required();
    g->add_option("--zeta", o->zeta, "Ionizing efficiency (or --fesc)")->check(CLI::PositiveNumber);
    g->add_option("--fesc", o->fesc,
         "Escape fraction instead of --zeta (runs on --fesc or --sources v2 datasets: F_ESC10; zeta = 250 x f_esc)")
        ->check(CLI::PositiveNumber)
        ->check(CLI::Range(0.0, 1.0));
    g->add_option("--count", o->count, "Number of maps (default 16)");
    g->add_option("--seed", o->seed, "Seed of the latent noise (default 0; same seed, same maps)");
    g->add_option("--size", o->size,
        "Map side in cells (default: the training maps'; any multiple of 8, at the training cell size: a larger sky)");
    g->add_option("--threads", o->threads, "Compute threads (default 2)");
    g->add_flag("--json", o->json, "JSON output");
    g->add_option("--out", o->out, "Output HDF5 file: dataset 'maps' (count, rows, cols), float32")->required();
    g->callback([o] { exitCode() = runGenerate(*o); });

    auto cal = std::make_shared<CalibrateOptions>();
    CLI::App* c = app.add_subcommand("calibrate",
        "Fit how a generator run draws (per (z, zeta): ionized fraction, value distribution, noise) to the training "
        "split of a dataset, e.g. 200x200 maps of larger boxes at the same cell size; rewrites its config.json");
    c->add_option("run", cal->run, "Run folder of a finished generator run")->required();
    c->add_option("--dataset", cal->dataset,
        "Dataset of the generator's quantity and cell size (default: the run's own, as training calibrated it)");
    c->add_option("--threads", cal->threads, "Compute threads (default 2)");
    c->add_flag("--json", cal->json, "JSON output");
    c->callback([cal] { exitCode() = runCalibrate(*cal); });

    CLI::App* bench = subcommandOf(app, "bench", "Benchmarks (never tests): reionscope-cli bench <what>");
    auto b = std::make_shared<BenchGenerateOptions>();
    CLI::App* bg = bench->add_subcommand("generate", "Seconds to draw a batch of maps with a generator run");
    bg->add_option("run", b->run, "Run folder of a generator run")->required();
    bg->add_option("--count", b->count, "Maps per batch (default 64)");
    bg->add_option("--repeats", b->repeats, "Timed runs after one warm-up (default 5)");
    bg->add_option("--size", b->size, "Map side in cells (default: the training maps')");
    bg->add_option("--threads", b->threads, "Compute threads (default 2)");
    bg->add_flag("--json", b->json, "JSON output");
    bg->callback([b] { exitCode() = runBenchGenerate(*b); });
}

} // namespace rs::cli

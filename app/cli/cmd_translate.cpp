// Density → ionization translation with a trained unet run: `translate` (whole cubes, optional
// comparison with the true fields) and `bench translate` (seconds per cube).
#include "cli_common.h"

#include "io/cube_loader.h"
#include "io/reionscope_h5.h"
#include "ml/translation_metrics.h"
#include "ml/translator.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <time.h>

namespace rs::cli {

namespace {

using namespace rs::ml;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct TranslateCliOptions {
    std::string run, out, axes = "z";
    std::vector<std::string> inputs, truths;
    double z = std::nan(""), zeta = std::nan(""), sharpen = 3;
    bool json = false;
    int threads = 2;
};

nlohmann::json metricsJson(const TranslationMetrics& m)
{
    nlohmann::json r = nlohmann::json::object();
    for (std::size_t i = 0; i < 3; ++i)
        r[formatValue(translationMetricKs()[i])] = number(m.rK[i]);
    return {{"pixel_accuracy", number(m.pixelAccuracy)}, {"iou_ionized", number(m.iouIonized)},
        {"nf_error", number(m.nfError)}, {"mean_predicted", number(m.meanPredicted)}, {"mean_true", number(m.meanTrue)},
        {"power_ratio_median", number(m.powerRatioMedian)}, {"r_k", r}};
}

/// `<out>/<input file name without .h5/.hdf5/.npy>_<target quantity>.h5`, made unique among this
/// call's outputs (classic 21cmFAST names hold dots that are not extensions).
std::string outputPath(
    const std::string& dir, const std::string& input, Quantity target, std::vector<std::string>& used)
{
    fs::path name = fs::path(input).filename();
    const std::string ext = name.extension().string();
    if (ext == ".h5" || ext == ".hdf5" || ext == ".npy")
        name = name.stem();
    const std::string base = (fs::path(dir) / name).string() + "_" + std::string(quantityName(target));
    std::string path = base + ".h5";
    for (int i = 2; std::find(used.begin(), used.end(), path) != used.end(); ++i)
        path = base + "_" + std::to_string(i) + ".h5";
    used.push_back(path);
    return path;
}

/// One input: translate, write, compare with the truth when given. Returns its JSON entry.
nlohmann::json translateOne(
    const Translator& t, const TranslateCliOptions& o, std::size_t i, std::vector<std::string>& used)
{
    const std::string& path = o.inputs[i];
    const Cube density = loadCube(path, Quantity::Density);
    TranslateOptions to;
    if (std::isfinite(o.z))
        to.z = o.z;
    if (std::isfinite(o.zeta))
        to.zeta = o.zeta;
    to.axes = o.axes;
    to.threads = o.threads;
    to.sharpen = o.sharpen;
    const auto t0 = Clock::now();
    const TranslationResult r = t.translate(density, to);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::string out = outputPath(o.out, path, t.config().targetQuantity, used);
    writeReionScopeH5(out, {r.predicted});
    const bool nf = t.config().targetQuantity == Quantity::NeutralFraction;
    nlohmann::json e = {{"input", path}, {"output", out}, {"z", number(r.z)}, {"zeta", number(r.zeta)},
        {nf ? "nf" : "mean_mK", r.mean}, {"seconds", seconds}, {"notes", r.notes}};
    if (!o.json)
        std::cout << path << "\n  " << (nf ? "nf " : "mean dTb ") << formatValue(r.mean) << " (z " << formatValue(r.z)
                  << ", zeta " << formatValue(r.zeta) << ") -> " << out << "  ["
                  << formatValue(std::round(seconds * 100) / 100) << " s]\n";
    for (const std::string& note : r.notes)
        if (!o.json)
            std::cout << "  note: " << note << "\n";
    if (!o.truths.empty()) {
        const Cube truth = loadCube(o.truths[i], t.config().targetQuantity);
        if (truth.shape() != density.shape())
            throw FormatError(o.truths[i], "has another grid than " + path);
        const TranslationMetrics m = compareCubes(r.predicted, truth, t.config().targetQuantity);
        e["truth"] = o.truths[i];
        e["metrics"] = metricsJson(m);
        if (!o.json)
            std::cout << "  vs " << o.truths[i] << ": pixel accuracy " << formatValue(m.pixelAccuracy)
                      << ", IoU ionized " << formatValue(m.iouIonized) << ", nf error " << formatValue(m.nfError)
                      << ", power ratio " << formatValue(m.powerRatioMedian) << ", r(k=0.1, 0.3, 1) "
                      << formatValue(m.rK[0]) << " " << formatValue(m.rK[1]) << " " << formatValue(m.rK[2]) << "\n";
    }
    return e;
}

int runTranslate(const TranslateCliOptions& o)
{
    int failures = 0;
    nlohmann::json list = nlohmann::json::array();
    try {
        if (!o.truths.empty() && o.truths.size() != o.inputs.size())
            throw ParameterError(
                "--truth", "give one truth file per density file (" + std::to_string(o.inputs.size()) + "), or none");
        std::error_code ec;
        fs::create_directories(o.out, ec);
        if (ec)
            throw IoError(o.out, "cannot create output folder: " + ec.message());
        const Translator t(o.run);
        std::vector<std::string> used;
        for (std::size_t i = 0; i < o.inputs.size(); ++i) {
            try {
                list.push_back(translateOne(t, o, i, used));
            } catch (const Error& e) {
                printError(e.what());
                ++failures;
            }
        }
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
    if (o.json)
        std::cout << nlohmann::json {{"run", o.run}, {"translations", list}}.dump(2) << std::endl;
    return failures ? 1 : 0;
}

struct BenchTranslateOptions {
    std::string run;
    std::size_t size = 200;
    double box = 300;
    int repeats = 3, threads = 2;
    bool json = false;
};

/// CPU seconds of the whole process (all threads) so far.
double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// A Gaussian random density cube (timing does not depend on its values) with z 8 and ζ 20.
Cube benchDensity(std::size_t n, double box)
{
    CubeMetadata meta;
    meta.quantity = Quantity::Density;
    meta.redshift = 8.0;
    meta.parameters[param::zeta] = 20.0;
    Cube c = Cube::uninitialized({n, n, n}, {box, box, box}, meta);
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.0f, 0.4f);
    float* d = c.mutableData();
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        d[i] = g(rng);
    return c;
}

int runBenchTranslate(const BenchTranslateOptions& o)
{
    try {
        if (o.repeats < 1 || o.size < 8)
            throw ParameterError("bench translate", "needs --repeats >= 1 and --size >= 8");
        const Translator t(o.run);
        const Cube density = benchDensity(o.size, o.box);
        TranslateOptions to;
        to.threads = o.threads;
        std::vector<double> seconds, cpu, context, network;
        for (int r = 0; r <= o.repeats; ++r) { // the first run warms up (oneDNN primitives, pages)
            const auto t0 = Clock::now();
            const double c0 = processCpuSeconds();
            const TranslationResult res = t.translate(density, to);
            if (r) {
                seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
                cpu.push_back(processCpuSeconds() - c0);
                context.push_back(res.contextSeconds);
                network.push_back(res.networkSeconds);
            }
        }
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2];
        if (o.json)
            std::cout << nlohmann::json {{"bench", "translate"}, {"run", o.run}, {"size", o.size},
                {"threads", o.threads}, {"seconds", seconds}, {"cpu_seconds", cpu}, {"context_seconds", context},
                {"network_seconds", network},
                {"median_s",
                    median}}.dump(2)
                      << std::endl;
        else
            std::cout << "translate " << o.size << "^3 on " << o.threads << " threads: median " << formatValue(median)
                      << " s over " << o.repeats << " runs (min " << formatValue(seconds.front()) << " s; CPU "
                      << formatValue(cpu.front()) << " s, 3D context " << formatValue(context.front()) << " s, network "
                      << formatValue(network.front()) << " s in the first)\n";
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addTranslateCommands(CLI::App& app)
{
    auto o = std::make_shared<TranslateCliOptions>();
    CLI::App* tr
        = app.add_subcommand("translate", "Predict whole x_HI (or dTb) cubes from density cubes with a unet run");
    tr->add_option("run", o->run, "Run folder of a unet run")->required();
    tr->add_option("density", o->inputs, "Density cube files (any readable format)")->required();
    tr->add_option("--z", o->z, "Redshift (default: each cube's own)");
    tr->add_option("--zeta", o->zeta, "Ionizing efficiency (default: each cube's own)")->check(CLI::PositiveNumber);
    tr->add_option("--truth", o->truths, "True x_HI (or dTb) files, one per density file: report metrics")
        ->expected(1, -1);
    tr->add_option("--axes", o->axes, "Slicing axes, predictions averaged (default z)");
    tr->add_option("--threads", o->threads, "Compute threads (default 2)");
    tr->add_option("--sharpen", o->sharpen,
          "x_HI: sharpen the probabilities p to sigmoid(T logit p) at the same mean (default 3; 1: off)")
        ->check(CLI::PositiveNumber);
    tr->add_flag("--json", o->json, "JSON output");
    tr->add_option("--out", o->out, "Output folder (ReionScope HDF5, one file per input)")->required();
    tr->callback([o] { exitCode() = runTranslate(*o); });

    CLI::App* bench = subcommandOf(app, "bench", "Benchmarks (never tests): reionscope-cli bench <what>");
    auto b = std::make_shared<BenchTranslateOptions>();
    CLI::App* bt = bench->add_subcommand("translate", "Seconds to translate one density cube with a unet run");
    bt->add_option("run", b->run, "Run folder of a unet run")->required();
    bt->add_option("--size", b->size, "Cube side N (default 200)");
    bt->add_option("--box", b->box, "Box length [Mpc] (default 300: 1.5 Mpc cells at N 200)");
    bt->add_option("--repeats", b->repeats, "Timed runs after one warm-up (default 3)");
    bt->add_option("--threads", b->threads, "Compute threads (default 2)");
    bt->add_flag("--json", b->json, "JSON output");
    bt->callback([b] { exitCode() = runBenchTranslate(*b); });
}

} // namespace rs::cli

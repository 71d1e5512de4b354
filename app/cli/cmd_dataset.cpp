// `dataset build|info`: cut cubes into labelled samples split by simulation, and describe them.
// The numerics live in core/ml (dataset_*.h); this file parses options and prints results.
#include "cli_common.h"
#include "ml/dataset_health.h"
#include "stats_common.h"

#include "ml/dataset.h"
#include "ml/dataset_observe.h"
#include "ml/dataset_shards.h"
#include "ml/density_context.h"
#include "ml/sim_sources.h"
#include "sim/param_grid.h"
#include "sim_cli.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/memory.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

using namespace rs::ml;

std::array<double, 3> parseSplit(const std::string& text)
{
    const std::vector<double> v = parseNumberList(text, "--split");
    if (v.size() != 3)
        throw CLI::ValidationError("--split", "needs three fractions: train,validation,test");
    return {v[0], v[1], v[2]};
}

struct DatasetOptions {
    std::vector<std::string> from;
    bool simulate = false;
    std::size_t dim = 64;
    double box = 96;
    std::string z, zeta, fesc;
    std::string seeds = "3"; ///< a count N (seeds 1..N) or a list/range (1-6, 2,5)
    std::string sources = "constant";
    ParkSources park; ///< v2: everything but F_ESC10 (--fesc)
    std::string recombinations = "on";
    std::string velocities = "off";
    std::string quantity = "brightness_temperature";
    /// barrier: 0.992 mean pixel accuracy on whole held-out mid-reionization cubes, band maxima 0.969 (README)
    std::string targetField, context = "barrier";
    std::string mode = "slices";
    std::string axes = "xyz";
    std::size_t stride = 1, patch = 0;
    std::string split = "0.7,0.15,0.15";
    std::uint64_t splitSeed = 0;
    int deflate = 1;
    std::string out;
    int threads = 2;
    std::string shard; ///< "I/N": cut only this shard of the sources (merge the shards with `dataset merge`)
    std::string observe; ///< telescope (ska-low, hera): observe each δT_b cube before cutting
    double hours = 1000;
    std::string wedge = "off";
    std::uint64_t observeSeed = 1;
};

/// --context: 'none', 'default', radii, 'max' or 'max:EDGES' (band maxima: negated edges, density_context.h);
/// 'barrier' / 'barrier:EDGES' give the same edges (the caller marks the barrier kind).
std::vector<double> contextRadiiOption(const std::string& context)
{
    if (context == "none")
        return {};
    if (context == "default")
        return defaultContextRadii();
    if (context == "barrier" || context.rfind("barrier:", 0) == 0) // the same edges, barrierContext's channels
        return contextRadiiOption(context == "barrier" ? "max" : "max:" + context.substr(8));
    if (context != "max" && context.rfind("max:", 0) != 0)
        return parseNumberList(context, "--context");
    std::vector<double> edges
        = context == "max" ? defaultBandMaxEdges() : parseNumberList(context.substr(4), "--context");
    for (double& e : edges) {
        if (!(e > 0))
            throw ParameterError("--context", "band edges must be positive");
        e = -e;
    }
    return edges;
}

/// --observe TELESCOPE [--hours] [--wedge] [--observe-seed] as observe options (none without --observe).
std::optional<ObserveOptions> observeOptions(const DatasetOptions& o)
{
    if (o.observe.empty())
        return std::nullopt;
    return observeOptionsOf("--observe", o.observe, o.hours, o.wedge, o.observeSeed);
}

std::vector<DatasetSource> simulatorSources(const DatasetOptions& o, std::optional<Quantity> target);

std::vector<DatasetSource> simulatorSources(const DatasetOptions& o, std::optional<Quantity> target)
{
    SimulationGrid g;
    g.base.dim = o.dim;
    g.base.boxMpc = o.box;
    g.base.threads = o.threads;
    g.base.sources = sourceModelFromName(o.sources);
    if (g.base.sources == SourceModel::ParkV2) { // one history per (seed, F_ESC10), every z from it
        if (o.z.empty() || o.fesc.empty() || !o.zeta.empty())
            throw ParameterError(
                "--simulate", "with --sources v2 needs --z LIST and --fesc LIST (F_ESC10), not --zeta");
        g.base.park = o.park;
        g.base.park.recombinations = o.recombinations != "off";
        g.fescs = parseNumberList(o.fesc, "--fesc");
    } else {
        if (o.z.empty() || o.zeta.empty() == o.fesc.empty())
            throw ParameterError("--simulate", "needs --z LIST and either --zeta LIST or --fesc LIST");
        g.zetas = o.zeta.empty() ? parseNumberList(o.fesc, "--fesc") : parseNumberList(o.zeta, "--zeta");
        if (o.zeta.empty()) // ζ = N_γ f_* f_esc with the classic N_γ = 5000, f_* = 0.05 (as simulate --fesc)
            for (double& zeta : g.zetas)
                zeta *= g.base.nGamma * g.base.fStar;
    }
    g.redshifts = parseNumberList(o.z, "--z");
    const bool count = !o.seeds.empty() && o.seeds.find_first_not_of("0123456789") == std::string::npos;
    if (count && std::stoull(o.seeds.substr(0, 7)) < 1)
        throw ParameterError("--seeds", "must be at least 1");
    if (count) // a plain number N: seeds 1..N
        for (std::uint64_t s = 1; s <= std::stoull(o.seeds.substr(0, 7)); ++s)
            g.seeds.push_back(s);
    else
        g.seeds = parseSeedList(o.seeds);
    const Quantity q = quantityFromName(o.quantity).value_or(Quantity::BrightnessTemperature);
    if (o.velocities != "off" && o.velocities != "on" && o.velocities != "both")
        throw ParameterError("--velocities", "'" + o.velocities + "' is not one of off, on, both");
    return sourcesFromSimulator(g, q, o.velocities, target);
}

std::string datasetText(const DatasetInfo& i)
{
    std::string s = i.path + "\n";
    s += "  samples     " + std::to_string(i.samples) + " " + sampleModeName(i.mode) + " of " + std::to_string(i.rows)
        + "x" + std::to_string(i.cols) + " (" + std::string(quantityName(i.quantity)) + ", cell " + fmt(i.cellSizeMpc)
        + " Mpc)\n";
    s += "  split       train " + std::to_string(i.splitCounts[0]) + ", val " + std::to_string(i.splitCounts[1])
        + ", test " + std::to_string(i.splitCounts[2]) + " samples (by simulation)\n";
    std::size_t per[3] = {0, 0, 0};
    for (const DatasetCube& c : i.cubes)
        ++per[int(c.split)];
    s += "  cubes       " + std::to_string(i.cubes.size()) + " (train " + std::to_string(per[0]) + ", val "
        + std::to_string(per[1]) + ", test " + std::to_string(per[2]) + ")\n";
    if (!i.parameters.empty()) { // what every source cube shares, e.g. a simulated grid's source model
        std::string shared;
        for (const auto& [name, value] : i.parameters)
            shared += (shared.empty() ? "" : ", ") + name + " " + formatValue(value);
        s += "  parameters  " + shared + "\n";
    }
    s += "  normalise   mean " + fmt(i.normMean) + ", std " + fmt(i.normStd) + " (training split)\n";
    if (i.paired()) {
        std::string radii;
        for (double r : i.contextRadiiMpc)
            radii += (radii.empty() ? "" : ", ") + fmt(std::abs(r));
        s += "  target      " + std::string(quantityName(i.targetQuantity)) + " (mean " + fmt(i.targetMean) + ", std "
            + fmt(i.targetStd) + "); context "
            + (i.contextBarrier                    ? "barrier ratio maxima to "
                    : isBandMax(i.contextRadiiMpc) ? "band maxima to "
                                                   : "radii ")
            + (radii.empty() ? "none" : radii + " Mpc") + "\n";
    }
    s += "  hash        " + i.contentHash + "\n";
    return s;
}

/// "  observed    ska-low, 1000 h, ..." for a dataset built with --observe ("" otherwise).
std::string observedText(const std::string& path)
{
    const Parameters a = readObserveAttributes(path);
    if (a.empty())
        return {};
    auto text = [&](const char* key) { return a.count(key) ? formatValue(a.at(key)) : std::string("?"); };
    auto onOff = [&](const char* key) {
        const auto v = a.count(key) ? numberOf(a.at(key)) : std::nullopt;
        return v ? (*v != 0 ? "on" : "off") : "?";
    };
    return "  observed    " + text("telescope") + ", " + text("hours") + " h, noise " + onOff("noise") + ", wedge "
        + onOff("wedge") + ", noise seed " + text("seed") + " (source i: seed + i)\n";
}

std::string warningsText(const std::vector<std::string>& warnings)
{
    std::string s;
    for (const std::string& w : warnings)
        s += "  warning     " + w + "\n";
    return s;
}

nlohmann::json datasetJson(const DatasetInfo& i)
{
    nlohmann::json cubes = nlohmann::json::array();
    for (const DatasetCube& c : i.cubes)
        cubes.push_back({{"id", c.id}, {"group", c.group}, {"split", splitName(c.split)}, {"z", number(c.z)},
            {"zeta", number(c.zeta)}, {"f_esc", number(c.fesc)}, {"nf", number(c.nf)}});
    return {{"path", i.path}, {"mode", sampleModeName(i.mode)}, {"quantity", std::string(quantityName(i.quantity))},
        {"rows", i.rows}, {"cols", i.cols}, {"cell_size_mpc", number(i.cellSizeMpc)}, {"samples", i.samples},
        {"split_counts", {{"train", i.splitCounts[0]}, {"val", i.splitCounts[1]}, {"test", i.splitCounts[2]}}},
        {"norm_mean", i.normMean}, {"norm_std", i.normStd}, {"content_hash", i.contentHash}, {"cubes", cubes},
        {"target_quantity",
            i.paired() ? nlohmann::json(std::string(quantityName(i.targetQuantity))) : nlohmann::json()},
        {"context_radii_mpc", i.contextRadiiMpc}, {"context_band_max", isBandMax(i.contextRadiiMpc)},
        {"context_barrier", i.contextBarrier}, {"parameters", toJson(i.parameters)}};
}

int runDatasetBuild(const DatasetOptions& o)
{
    try {
        if (o.simulate == !o.from.empty())
            throw ParameterError("dataset build", "give either --from PATH... or --simulate");
        DatasetBuildOptions b;
        const auto q = quantityFromName(o.quantity);
        if (!q)
            throw ParameterError("--quantity", "'" + o.quantity + "' is not a known quantity");
        b.quantity = *q;
        if (!o.targetField.empty()) {
            b.target = quantityFromName(o.targetField);
            if (!b.target)
                throw ParameterError("--target-field", "'" + o.targetField + "' is not a known quantity");
            b.contextRadiiMpc = contextRadiiOption(o.context);
            b.contextBarrier = o.context == "barrier" || o.context.rfind("barrier:", 0) == 0;
        }
        if (o.mode != "slices" && o.mode != "patches")
            throw ParameterError("--mode", "'" + o.mode + "' is not one of slices, patches");
        b.mode = o.mode == "slices" ? SampleMode::Slices : SampleMode::Patches;
        b.axes = o.axes;
        b.stride = o.stride;
        b.patch = o.patch;
        b.split = parseSplit(o.split);
        b.splitSeed = o.splitSeed;
        b.deflateLevel = o.deflate;
        if (!o.shard.empty())
            b.shard = parseShard(o.shard);
        const std::optional<ObserveOptions> observe = observeOptions(o);
        const std::vector<DatasetSource> sources
            = o.simulate ? simulatorSources(o, b.target) : sourcesFromFiles(o.from, b.quantity, b.target);
        const ProgressFn progress = [](double f, const std::string& stage) {
            std::fprintf(stderr, "\r[%3d%%] %-70.70s", int(f * 100), stage.c_str());
        };
        if (observe)
            buildObservedDataset(sources, b, *observe, o.out, progress);
        else
            buildDataset(sources, b, o.out, progress);
        std::fprintf(stderr, "\n");
        if (!b.shard.whole()) {
            const DatasetShardInfo si = readDatasetShardInfo(o.out);
            std::cout << o.out << "\n  shard       " << si.shard.text() << ": sources " << si.sourceBegin << "-"
                      << si.sourceEnd << " of " << si.sourcesTotal << ", " << si.samples
                      << " samples\n  next        dataset merge SHARD_FILES... --out DATASET\n";
            return 0;
        }
        const auto built = DatasetFile::open(o.out);
        std::cout << datasetText(built->info()) << observedText(o.out) << warningsText(datasetWarnings(*built));
        return 0;
    } catch (const ParameterError& e) { // an option's value, found before any work: bad usage
        printError(e.what());
        return kExitUsage;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addDatasetCommands(CLI::App& app)
{
    CLI::App* dataset = app.add_subcommand("dataset", "Machine-learning datasets: build, info, merge");
    dataset->require_subcommand(1);
    auto d = std::make_shared<DatasetOptions>();
    CLI::App* build
        = dataset->add_subcommand("build", "Cut cubes into labelled slices or patches, split by simulation");
    build->add_option("--from", d->from, "Cube files or folders");
    build->add_flag("--simulate", d->simulate, "Simulate a parameter grid instead of reading files");
    build->add_option("--dim", d->dim, "Simulator grid size N (N^3 cells)")->check(CLI::Range(8, 4096));
    build->add_option("--box", d->box, "Simulator box length [Mpc]")->check(CLI::Range(1e-3, 1e6));
    build->add_option("--z", d->z, "Simulator redshifts, comma-separated");
    build->add_option("--zeta", d->zeta, "Simulator ionizing efficiencies, comma-separated");
    build->add_option("--fesc", d->fesc,
        "Simulator escape fractions, comma-separated: zeta = 5000 x 0.05 x f_esc (constant); with --sources v2 "
        "the F_ESC10 values (one history per seed and value, from --z-start down)");
    build->add_option("--sources", d->sources,
        "Simulator source model: constant (zeta, default) or v2 (21cmFAST v2 default, Park+2019; takes --fesc "
        "and the v2 options below)");
    addParkOptions(build, d->park, d->recombinations);
    build->add_option("--seeds", d->seeds,
        "Simulator realizations per grid point: a count N (seeds 1..N, default 3) or a list/range (1-6, 2,5)");
    build->add_option(
        "--quantity,--input", d->quantity, "Cube sampled: brightness_temperature (default), density, neutral_fraction");
    build->add_option("--target-field", d->targetField,
        "Paired dataset: also store the neutral_fraction or brightness_temperature slices (input density)");
    build->add_option("--context", d->context,
        "Paired dataset: 3D context channels. 'barrier' (default) or 'barrier:EDGES': per band (edges "
        "ascending, default 1.5,2.25,3.4,5,7.5,11,17,25,50 Mpc), the log of the simulator's ionizing ratio "
        "at each cube's z and zeta, largest over the radius ladder at and above the band (channel 0 >= 0 where "
        "the simulator ionizes a cell; the cubes must carry zeta); 'max' or 'max:EDGES': the maximum of the "
        "density smoothed over the ladder within each band (stored as negative radii); radii [Mpc] sampled, "
        "comma-separated; 'default' (1.5,2.25,3.4,5,7.5,11,17,25); 'none'");
    build->add_option("--velocities", d->velocities,
        "Simulator δT_b velocity terms along z (classic delta_T_v3: gradient factor and sub-cell RSD): off (default), "
        "on, or both (each cube twice)");
    build->add_option("--mode", d->mode, "slices (default) or patches");
    build->add_option("--axes", d->axes, "Slicing axes, any of xyz (default xyz)");
    build->add_option("--stride", d->stride, "Every S-th slice (default 1)")->check(CLI::Range(1, 1 << 20));
    // Given explicitly, a patch side must be a real one (0 used to mean the default silently).
    build->add_option("--patch", d->patch, "Patch side for --mode patches (default: a quarter of the slice)")
        ->check(CLI::Range(2, 1 << 16));
    build->add_option(
        "--split", d->split, "Train,validation,test fractions of the simulations (default 0.7,0.15,0.15)");
    build->add_option("--split-seed", d->splitSeed, "Seed of the simulation shuffle before splitting (default 0)");
    build->add_option("--deflate", d->deflate, "Compression level 0-9 (default 1)")->check(CLI::Range(0, 9));
    build->add_option("--threads", d->threads, "Threads for the simulator")->check(CLI::Range(1, maxThreads()));
    build->add_option("--out", d->out, "Output dataset .h5")->required();
    build
        ->add_option(
            "--observe", d->observe, "Observe each dTb cube with ska-low or hera before cutting (see `observe`)")
        ->check(CLI::IsMember({"ska-low", "hera"}));
    build->add_option("--hours", d->hours, "--observe: integration time [h] (default 1000; noise rms ~ 1/sqrt(hours))")
        ->check(CLI::Range(1e-6, 1e9));
    build->add_option("--wedge", d->wedge, "--observe: remove the foreground wedge (on/off, default off)")
        ->check(CLI::IsMember({"on", "off"}));
    build->add_option("--observe-seed", d->observeSeed, "--observe: noise seed of the first cube (cube i: seed + i)");
    build->add_option("--shard", d->shard, "Cut only shard I of N of the sources (0-based I/N, a job-array task)");
    build->callback([d] {
        requireOutputFile("--out", d->out, d->from);
        removeStaleTemporaries(std::filesystem::absolute(d->out).parent_path().string());
        returnLargeBlocksToSystem(); // cube-sized arrays back to the system when freed (memory.h)
        exitCode() = runDatasetBuild(*d);
    });

    auto merge = std::make_shared<std::pair<std::vector<std::string>, std::string>>();
    CLI::App* mg
        = dataset->add_subcommand("merge", "Join the shard files of a `dataset build --shard I/N` into one dataset");
    mg->add_option("shards", merge->first, "Shard files, in any order")->required();
    mg->add_option("--out", merge->second, "Output dataset .h5")->required();
    mg->callback([merge] {
        try {
            mergeDatasetShards(merge->first, merge->second, [](double f, const std::string& stage) {
                std::fprintf(stderr, "\r[%3d%%] %-70.70s", int(f * 100), stage.c_str());
            });
            std::fprintf(stderr, "\n");
            std::cout << datasetText(DatasetFile::open(merge->second)->info()) << observedText(merge->second);
            exitCode() = 0;
        } catch (const Error& e) {
            printError(e.what());
            exitCode() = 1;
        }
    });

    auto infoPath = std::make_shared<std::string>();
    auto infoJson = std::make_shared<bool>(false);
    CLI::App* info = dataset->add_subcommand("info", "Describe a dataset: samples, splits, cubes, normalisation");
    info->add_option("path", *infoPath, "Dataset .h5")->required();
    info->add_flag("--json", *infoJson, "JSON output");
    info->callback([infoPath, infoJson] {
        try {
            const auto ds = DatasetFile::open(*infoPath);
            const std::vector<std::string> warnings = datasetWarnings(*ds);
            nlohmann::json j = datasetJson(ds->info());
            const Parameters observed = readObserveAttributes(*infoPath);
            j["observe"] = observed.empty() ? nlohmann::json() : toJson(observed); // null: not observed
            j["warnings"] = warnings;
            std::cout << (*infoJson ? dumpJson(j) + "\n"
                                    : datasetText(ds->info()) + observedText(*infoPath) + warningsText(warnings));
            exitCode() = 0;
        } catch (const Error& e) {
            printError(e.what());
            exitCode() = 1;
        }
    });
}

} // namespace rs::cli

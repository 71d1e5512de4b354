// `dataset build|info`: cut cubes into labelled samples split by simulation, and describe them.
// The numerics live in core/ml (dataset_*.h); this file parses options and prints results.
#include "cli_common.h"

#include "ml/dataset.h"
#include "ml/sim_sources.h"
#include "util/error.h"

#include <cstdio>
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
    std::string z, zeta;
    int seeds = 3;
    std::string velocities = "off";
    std::string quantity = "brightness_temperature";
    std::string mode = "slices";
    std::string axes = "xyz";
    std::size_t stride = 1, patch = 0;
    std::string split = "0.7,0.15,0.15";
    std::uint64_t splitSeed = 0;
    int deflate = 1;
    std::string out;
    int threads = 2;
};

std::vector<DatasetSource> simulatorSources(const DatasetOptions& o);

std::vector<DatasetSource> simulatorSources(const DatasetOptions& o)
{
    SimulationGrid g;
    g.base.dim = o.dim;
    g.base.boxMpc = o.box;
    g.base.threads = o.threads;
    if (o.z.empty() || o.zeta.empty())
        throw ParameterError("--simulate", "needs --z LIST and --zeta LIST");
    g.redshifts = parseNumberList(o.z, "--z");
    g.zetas = parseNumberList(o.zeta, "--zeta");
    if (o.seeds < 1)
        throw ParameterError("--seeds", "must be at least 1");
    for (int s = 1; s <= o.seeds; ++s)
        g.seeds.push_back(std::uint64_t(s));
    const Quantity q = quantityFromName(o.quantity).value_or(Quantity::BrightnessTemperature);
    if (o.velocities != "off" && o.velocities != "on" && o.velocities != "both")
        throw ParameterError("--velocities", "'" + o.velocities + "' is not one of off, on, both");
    // both: every (seed, z, zeta) twice, δT_b without and with the line-of-sight velocity term.
    g.base.velocities = o.velocities == "on";
    std::vector<DatasetSource> out = sourcesFromSimulator(g, q);
    if (o.velocities == "both") {
        g.base.velocities = true;
        for (DatasetSource& s : sourcesFromSimulator(g, q))
            out.push_back(std::move(s));
    }
    return out;
}


std::string datasetText(const DatasetInfo& i)
{
    std::string s = i.path + "\n";
    s += "  samples     " + std::to_string(i.samples) + " " + sampleModeName(i.mode) + " of " + std::to_string(i.rows)
         + "x" + std::to_string(i.cols) + " (" + std::string(quantityName(i.quantity)) + ", cell "
         + fmt(i.cellSizeMpc) + " Mpc)\n";
    s += "  split       train " + std::to_string(i.splitCounts[0]) + ", val " + std::to_string(i.splitCounts[1])
         + ", test " + std::to_string(i.splitCounts[2]) + " samples (by simulation)\n";
    std::size_t per[3] = {0, 0, 0};
    for (const DatasetCube& c : i.cubes)
        ++per[int(c.split)];
    s += "  cubes       " + std::to_string(i.cubes.size()) + " (train " + std::to_string(per[0]) + ", val "
         + std::to_string(per[1]) + ", test " + std::to_string(per[2]) + ")\n";
    s += "  normalise   mean " + fmt(i.normMean) + ", std " + fmt(i.normStd) + " (training split)\n";
    s += "  hash        " + i.contentHash + "\n";
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
            {"norm_mean", i.normMean}, {"norm_std", i.normStd}, {"content_hash", i.contentHash}, {"cubes", cubes}};
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
        if (o.mode != "slices" && o.mode != "patches")
            throw ParameterError("--mode", "'" + o.mode + "' is not one of slices, patches");
        b.mode = o.mode == "slices" ? SampleMode::Slices : SampleMode::Patches;
        b.axes = o.axes;
        b.stride = o.stride;
        b.patch = o.patch;
        b.split = parseSplit(o.split);
        b.splitSeed = o.splitSeed;
        b.deflateLevel = o.deflate;
        const std::vector<DatasetSource> sources = o.simulate ? simulatorSources(o) : sourcesFromFiles(o.from, b.quantity);
        buildDataset(sources, b, o.out, [](double f, const std::string& stage) {
            std::fprintf(stderr, "\r[%3d%%] %-70.70s", int(f * 100), stage.c_str());
        });
        std::fprintf(stderr, "\n");
        std::cout << datasetText(DatasetFile::open(o.out)->info());
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addDatasetCommands(CLI::App& app)
{
    CLI::App* dataset = app.add_subcommand("dataset", "Machine-learning datasets: build, info");
    dataset->require_subcommand(1);
    auto d = std::make_shared<DatasetOptions>();
    CLI::App* build = dataset->add_subcommand("build", "Cut cubes into labelled slices or patches, split by simulation");
    build->add_option("--from", d->from, "Cube files or folders");
    build->add_flag("--simulate", d->simulate, "Simulate a parameter grid instead of reading files");
    build->add_option("--dim", d->dim, "Simulator grid size N (N^3 cells)");
    build->add_option("--box", d->box, "Simulator box length [Mpc]");
    build->add_option("--z", d->z, "Simulator redshifts, comma-separated");
    build->add_option("--zeta", d->zeta, "Simulator ionizing efficiencies, comma-separated");
    build->add_option("--seeds", d->seeds, "Simulator realizations per grid point");
    build->add_option("--velocities", d->velocities,
                      "Simulator δT_b velocity term along z: off (default), on, or both (each cube twice)");
    build->add_option("--quantity", d->quantity, "Cube sampled: brightness_temperature (default), density, neutral_fraction");
    build->add_option("--mode", d->mode, "slices (default) or patches");
    build->add_option("--axes", d->axes, "Slicing axes, any of xyz (default xyz)");
    build->add_option("--stride", d->stride, "Every S-th slice (default 1)");
    build->add_option("--patch", d->patch, "Patch side for --mode patches (default: a quarter of the slice)");
    build->add_option("--split", d->split, "Train,validation,test fractions of the simulations (default 0.7,0.15,0.15)");
    build->add_option("--split-seed", d->splitSeed, "Seed of the simulation shuffle before splitting (default 0)");
    build->add_option("--deflate", d->deflate, "Compression level 0-9 (default 1)")->check(CLI::Range(0, 9));
    build->add_option("--threads", d->threads, "Threads for the simulator");
    build->add_option("--out", d->out, "Output dataset .h5")->required();
    build->callback([d] { exitCode() = runDatasetBuild(*d); });

    auto infoPath = std::make_shared<std::string>();
    auto infoJson = std::make_shared<bool>(false);
    CLI::App* info = dataset->add_subcommand("info", "Describe a dataset: samples, splits, cubes, normalisation");
    info->add_option("path", *infoPath, "Dataset .h5")->required();
    info->add_flag("--json", *infoJson, "JSON output");
    info->callback([infoPath, infoJson] {
        try {
            const DatasetInfo i = DatasetFile::open(*infoPath)->info();
            std::cout << (*infoJson ? datasetJson(i).dump(2) + "\n" : datasetText(i));
            exitCode() = 0;
        } catch (const Error& e) {
            printError(e.what());
            exitCode() = 1;
        }
    });
}

} // namespace rs::cli

// `lightcone`: a lightcone (line of sight along the last axis) from coeval snapshots of one run
// (ReionScope simulations, classic boxes, py21cmfast caches), written as ReionScope HDF5.
#include "cli_common.h"

#include "catalog/catalog.h"
#include "cube/lightcone.h"
#include "io/cube_loader.h"
#include "io/reionscope_h5.h"
#include "util/error.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <unistd.h>

namespace rs::cli {

namespace {

struct LightconeCliOptions {
    std::vector<std::string> inputs;
    std::string quantity = "brightness_temperature";
    std::optional<double> zMin, zMax;
    std::string out;
};

/// The one run of the inputs that holds `q`; throws FormatError naming the inputs otherwise.
const CatalogRun& pickRun(const std::vector<CatalogRun>& runs, Quantity q, const std::string& where)
{
    const CatalogRun* pick = nullptr;
    std::string labels;
    int n = 0;
    for (const CatalogRun& r : runs) {
        bool has = false;
        for (const auto& [z, byQ] : r.cubes)
            has = has || (byQ.count(q) && !isUnknownRedshift(z));
        if (!has)
            continue;
        ++n;
        pick = pick ? pick : &r;
        labels += (labels.empty() ? "" : "; ") + r.label;
    }
    if (!pick)
        throw FormatError(where, "holds no coeval " + std::string(quantityName(q)) + " cube with a known redshift");
    if (n > 1)
        throw FormatError(
            where, "holds " + std::to_string(n) + " runs (" + labels + "); give the files or folder of one run");
    return *pick;
}

Cube makeLightcone(const LightconeCliOptions& o, Quantity q, int& failures, std::size_t& snapshotCount)
{
    return lightconeFromInputs(o.inputs, q, o.zMin, o.zMax, o.out, failures, snapshotCount);
}

} // namespace

std::string lightconeSummary(const Cube& cube, std::size_t snapshots, const std::string& out)
{
    const auto& z = cube.metadata().lightcone->redshifts;
    char buf[256];
    std::snprintf(buf, sizeof buf,
        "wrote %s lightcone %zu x %zu x %zu (z %.4f .. %.4f, %.3f .. %.3f MHz) from %zu "
        "snapshots to ",
        std::string(quantityName(cube.quantity())).c_str(), cube.shape()[0], cube.shape()[1], cube.shape()[2],
        z.front(), z.back(), frequencyMhz(z.back()), frequencyMhz(z.front()), snapshots);
    return buf + out;
}

Cube lightconeFromInputs(const std::vector<std::string>& inputs, Quantity q, std::optional<double> zMin,
    std::optional<double> zMax, const std::string& out, int& failures, std::size_t& snapshotCount)
{
    LightconeCliOptions o;
    o.inputs = inputs;
    o.zMin = zMin;
    o.zMax = zMax;
    o.out = out;
    std::vector<CubeEntry> entries;
    for (CubeEntry& e : collectCubeEntries(o.inputs, failures))
        if (e.kind == FieldKind::Coeval)
            entries.push_back(std::move(e));
    const std::string where = o.inputs.size() == 1 ? o.inputs.front() : o.inputs.front() + " ...";
    const std::vector<CatalogRun> runs = groupIntoRuns(entries);
    const CatalogRun& run = pickRun(runs, q, where);
    std::vector<LightconeSnapshot> snapshots;
    const CubeEntry* first = nullptr;
    for (const auto& [z, byQ] : run.cubes) {
        auto it = byQ.find(q);
        if (it == byQ.end() || isUnknownRedshift(z))
            continue;
        first = first ? first : &it->second;
        const CubeEntry e = it->second;
        snapshots.push_back({*e.redshift, [e] { return loadEntry(e); }});
    }
    LightconeOptions lo;
    lo.zMin = o.zMin;
    lo.zMax = o.zMax;
    lo.cosmology = backgroundFrom(first->parameters);
    snapshotCount = snapshots.size();
    Cube cube = buildLightcone(std::move(snapshots), lo);
    writeReionScopeH5(o.out, {cube});
    return cube;
}

namespace {

int runLightcone(const LightconeCliOptions& o)
{
    const auto q = quantityFromName(o.quantity);
    if (!q) {
        printError("--quantity: unknown quantity '" + o.quantity + "'");
        return 2;
    }
    int failures = 0;
    try {
        std::size_t count = 0;
        const Cube cube = makeLightcone(o, *q, failures, count);
        std::cout << lightconeSummary(cube, count, o.out) << "\n";
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
    return failures ? 1 : 0;
}

struct LightconeBenchOptions {
    std::size_t dim = 200;
    std::size_t snapshots = 50;
    std::size_t slices = 1000;
    double zMin = 7.0;
    std::string folder;
    bool json = false;
};

/// Writes `snapshots` classic δT_b boxes (dim³, 1.5 Mpc cells) spanning exactly `slices` slices
/// of line of sight from zMin, then times `lightcone` on them (files in the page cache).
int runLightconeBench(const LightconeBenchOptions& o)
{
    try {
        if (o.snapshots < 2 || o.dim < 8 || o.slices < 2)
            throw ParameterError("bench", "needs at least 2 snapshots, dim 8 and 2 slices");
        const double cell = 1.5, box = cell * double(o.dim);
        const ComovingDistance dc;
        const double zMax = dc.redshift(dc.distance(o.zMin) + cell * double(o.slices - 1) + 1e-6);
        const std::filesystem::path dir = o.folder.empty()
            ? std::filesystem::temp_directory_path() / ("reionscope-bench-lightcone-" + std::to_string(::getpid()))
            : std::filesystem::path(o.folder);
        std::filesystem::create_directories(dir);
        std::vector<float> voxels(o.dim * o.dim * o.dim);
        for (std::size_t s = 0; s < o.snapshots; ++s) {
            const double z = o.zMin + (zMax - o.zMin) * double(s) / double(o.snapshots - 1);
            for (std::size_t i = 0; i < voxels.size(); ++i)
                voxels[i] = float((i * 2654435761u + s * 97u) % 1000u) * 0.03f;
            char name[128];
            std::snprintf(name, sizeof name, "delta_T_v3_z%06.2f_nf0.500000_useTs0_%zu_%.0fMpc", z, o.dim, box);
            std::ofstream f(dir / name, std::ios::binary);
            f.write(reinterpret_cast<const char*>(voxels.data()), std::streamsize(voxels.size() * sizeof(float)));
            if (!f)
                throw IoError((dir / name).string(), "cannot write benchmark snapshot");
        }
        LightconeCliOptions lo;
        lo.inputs = {dir.string()};
        lo.out = (dir / "lightcone.h5").string();
        int failures = 0;
        std::size_t count = 0;
        const auto t0 = std::chrono::steady_clock::now();
        const Cube cube = makeLightcone(lo, Quantity::BrightnessTemperature, failures, count);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (o.folder.empty())
            std::filesystem::remove_all(dir);
        if (o.json)
            std::cout << nlohmann::json {{"seconds", seconds}, {"snapshots", count}, {"dim", o.dim},
                {"shape", {cube.shape()[0], cube.shape()[1], cube.shape()[2]}}}
                             .dump(2)
                      << std::endl;
        else
            std::printf("lightcone %zu x %zu x %zu from %zu snapshots of %zu^3 (scan, load, build, write): %.2f s\n",
                cube.shape()[0], cube.shape()[1], cube.shape()[2], count, o.dim, seconds);
        return failures ? 1 : 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addLightconeCommand(CLI::App& app)
{
    auto o = std::make_shared<LightconeCliOptions>();
    CLI::App* cmd = app.add_subcommand("lightcone",
        "Build a lightcone (line of sight along the last axis) from the "
        "coeval snapshots of one run, interpolated in comoving distance");
    cmd->add_option("inputs", o->inputs, "Coeval files or folders of one run")->required();
    cmd->add_option("--quantity", o->quantity, "Quantity (brightness_temperature, neutral_fraction, density, ...)");
    cmd->add_option("--zmin", o->zMin, "Lowest redshift (default: the lowest snapshot)");
    cmd->add_option("--zmax", o->zMax, "Highest redshift (default: the highest snapshot)");
    cmd->add_option("--out", o->out, "Output ReionScope HDF5 file")->required();
    cmd->callback([o] { exitCode() = runLightcone(*o); });

    auto b = std::make_shared<LightconeBenchOptions>();
    CLI::App* bench
        = subcommandOf(app, "bench", "Benchmarks (never part of the tests)")
              ->add_subcommand("lightcone", "Time `lightcone` on synthetic classic snapshots written first");
    bench->add_option("--dim", b->dim, "Snapshot grid (cells per side)");
    bench->add_option("--snapshots", b->snapshots, "Number of coeval snapshots");
    bench->add_option("--slices", b->slices, "Slices along the line of sight");
    bench->add_option("--folder", b->folder, "Keep the snapshots and the lightcone here (default: a temporary folder)");
    bench->add_flag("--json", b->json, "Print JSON");
    bench->callback([b] { exitCode() = runLightconeBench(*b); });
}

} // namespace rs::cli

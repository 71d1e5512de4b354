// `simulate` and `demo-data`: the built-in reionization simulator (its statistics, `stats`, are
// in cmd_stats.cpp).
#include "cli_common.h"
#include "sim_cli.h"

#include "sim/demo_data.h"
#include "sim/param_grid.h"
#include "sim/sim_writer.h"
#include "util/error.h"
#include "util/memory.h"
#include "util/shard.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

struct SimulateOptions {
    std::size_t dim = 0;
    double box = 0;
    std::string z;
    AstroOptions astro;
    std::string seeds, shard; // a grid of seeds; this task's share of the grid
    std::string format = "h5";
    bool linear = false;
    std::string density = "classic";
    int lpt = 1;
    std::string out;
    bool json = false;
    bool quiet = false;
    bool lightcone = false; ///< also write a δT_b lightcone through the redshifts
};

/// The run's parameters with every grid axis at its first value (the grid's base point).
SimulationParams baseParams(const SimulateOptions& o)
{
    SimulationParams p;
    p.dim = o.dim;
    p.boxMpc = o.box;
    p.redshifts = parseNumberList(o.z, "--z");
    AstroOptions first = o.astro;
    for (std::string* list : {&first.zeta, &first.fesc, &first.tvir, &first.mmin, &first.rmax})
        if (!list->empty())
            *list = list->substr(0, list->find(','));
    applyAstroOptions(first, p);
    p.zeldovich = !o.linear;
    p.cellSmoothing = o.density == "classic";
    p.lpt = o.lpt;
    return p;
}

/// The grid the options describe; single values are one-point axes. The v2 source model sweeps
/// seeds only.
SimulationSweep sweepOf(const SimulateOptions& o)
{
    SimulationSweep s;
    s.base = baseParams(o);
    auto list = [](const std::string& text, const char* option) {
        return text.empty() ? std::vector<double> {} : parseNumberList(text, option);
    };
    s.seeds = o.seeds.empty() ? std::vector<std::uint64_t> {o.astro.seed} : parseSeedList(o.seeds);
    if (s.base.sources == SourceModel::ParkV2) {
        s.zetas = {s.base.effectiveZeta()}; // one point: the v2 parameters stay as given
        return s;
    }
    s.zetas = list(o.astro.zeta, "--zeta");
    s.fescs = list(o.astro.fesc, "--fesc");
    s.tvirs = list(o.astro.tvir, "--tvir");
    s.mmins = list(o.astro.mmin, "--mmin");
    s.rmaxs = list(o.astro.rmax, "--rmax");
    return s;
}

nlohmann::json timingsJson(const SimulationTimings& t)
{
    return {{"initial_conditions", t.initialConditions}, {"evolution", t.evolution}, {"ionization", t.ionization},
        {"brightness", t.brightness}};
}

nlohmann::json redshiftsJson(const std::vector<SimulatedRedshift>& summaries)
{
    nlohmann::json zs = nlohmann::json::array();
    for (const SimulatedRedshift& s : summaries)
        zs.push_back({{"redshift", s.z}, {"neutral_fraction", number(s.nf)},
            {"mean_brightness_temperature_mk", number(s.meanTb)}});
    return zs;
}

/// A grid (or one shard of it): every point into its own folder OUT/<label>.
int runSimulateGrid(
    const SimulateOptions& o, const std::vector<SweepPoint>& points, const Shard& shard, SimOutputFormat format)
{
    const std::size_t begin = shard.begin(points.size()), end = shard.end(points.size());
    nlohmann::json done = nlohmann::json::array();
    if (!o.json)
        std::printf("shard %s: points %zu-%zu of %zu\n", shard.text().c_str(), begin, end, points.size());
    if (begin == end && !o.json)
        std::printf("nothing to do: %zu points among %zu shards leave this one empty\n", points.size(), shard.count);
    for (std::size_t i = begin; i < end; ++i) {
        const SweepPoint& pt = points[i];
        const std::string dir = (std::filesystem::path(o.out) / pt.label).string();
        SimulationTimings t;
        std::vector<SimulatedRedshift> summaries;
        const std::vector<std::string> files = simulateToFolder(
            pt.params, dir, format, stderrProgress(o.quiet || o.json), interruptToken(), &t, &summaries);
        done.push_back(
            {{"index", pt.index}, {"label", pt.label}, {"out", dir}, {"parameters", toJson(pt.params.toParameters())},
                {"redshifts", redshiftsJson(summaries)}, {"files", files}, {"seconds", timingsJson(t)}});
        if (!o.json)
            std::printf("point %zu %-32s %zu files in %s (%.2f s)\n", pt.index, pt.label.c_str(), files.size(),
                dir.c_str(), t.total());
    }
    if (o.json)
        std::cout << nlohmann::json {{"out", o.out}, {"format", simOutputFormatName(format)}, {"shard", shard.text()},
            {"points_total", points.size()},
            {"points",
                done}}.dump(2)
                  << std::endl;
    return 0;
}

int runSimulate(const SimulateOptions& o)
{
    returnLargeBlocksToSystem(); // cube-sized arrays back to the system when freed (memory.h)
    try {
        const SimulationSweep sweep = sweepOf(o);
        std::vector<SweepPoint> points = expandSweep(sweep); // validates every point first
        if (sweep.base.sources == SourceModel::ParkV2)
            for (SweepPoint& pt : points) { // a v2 grid sweeps seeds: the source parameters stay as given
                const std::uint64_t seed = pt.params.seed;
                pt.params = sweep.base;
                pt.params.seed = seed;
            }
        const Shard shard = o.shard.empty() ? Shard {} : parseShard(o.shard);
        const SimOutputFormat format = simOutputFormatFromName(o.format);
        installInterruptHandler();
        if (points.size() > 1 || !o.seeds.empty() || !o.shard.empty())
            return runSimulateGrid(o, points, shard, format);

        // One point: the base parameters exactly as given (the v2 model's included).
        const SimulationParams& p = points.front().params;
        if (o.lightcone && p.redshifts.size() < 2)
            throw ParameterError("lightcone", "--lightcone needs at least two redshifts in --z");
        SimulationTimings t;
        std::vector<SimulatedRedshift> summaries;
        const std::vector<std::string> files
            = simulateToFolder(p, o.out, format, stderrProgress(o.quiet || o.json), interruptToken(), &t, &summaries);
        std::string lightcone;
        if (o.lightcone) { // δT_b along the line of sight through the snapshots just written
            lightcone = (std::filesystem::path(o.out) / "lightcone_brightness_temperature.h5").string();
            int failures = 0;
            std::size_t n = 0;
            const Cube lc = lightconeFromInputs(
                files, Quantity::BrightnessTemperature, std::nullopt, std::nullopt, lightcone, failures, n);
            if (!o.json)
                std::cout << lightconeSummary(lc, n, lightcone) << "\n";
        }
        if (o.json) {
            std::cout << nlohmann::json {{"out", o.out}, {"format", simOutputFormatName(format)},
                {"parameters", toJson(p.toParameters())}, {"redshifts", redshiftsJson(summaries)}, {"files", files},
                {"lightcone", lightcone.empty() ? nlohmann::json(nullptr) : nlohmann::json(lightcone)},
                {"seconds",
                    timingsJson(
                        t)}}.dump(2)
                      << std::endl;
        } else {
            for (const SimulatedRedshift& s : summaries) {
                std::printf("z = %6.2f   nf = %.6f   mean dTb = %8.4f mK\n", s.z, s.nf, s.meanTb);
            }
            std::printf("wrote %zu file%s to %s (%.2f s: initial conditions %.2f, evolution %.2f, ionization %.2f, "
                        "dTb %.2f)\n",
                files.size(), files.size() == 1 ? "" : "s", o.out.c_str(), t.total(), t.initialConditions, t.evolution,
                t.ionization, t.brightness);
        }
        return 0;
    } catch (const CancelledError&) {
        printError("simulate: cancelled; the point being simulated left nothing in " + o.out);
        return 130;
    } catch (const ParameterError& e) { // validate() runs before any work: bad usage
        printError(e.what());
        return kExitUsage;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

int runDemoData(const std::string& out, int threads, bool quiet)
{
    try {
        installInterruptHandler();
        DemoDataSpec spec;
        spec.threads = threads;
        const auto files = writeDemoData(out, stderrProgress(quiet), interruptToken(), spec);
        std::printf("wrote %zu demo files to %s\n", files.size(), out.c_str());
        return 0;
    } catch (const CancelledError&) {
        printError("demo-data: cancelled; nothing was left in " + out);
        return 130;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addSimulateCommands(CLI::App& app)
{
    auto so = std::make_shared<SimulateOptions>();
    CLI::App* sim = app.add_subcommand(
        "simulate", "Run the built-in semi-numerical simulator: density, x_HI and dTb cubes for each redshift");
    sim->add_option("--dim", so->dim, "Cells per axis N (8-4096)")->required()->check(CLI::Range(8, 4096));
    sim->add_option("--box", so->box, "Box length L [comoving Mpc]")->required()->check(CLI::Range(1e-3, 1e6));
    sim->add_option("--z", so->z, "Redshift(s), comma separated: the same initial conditions evolved to each")
        ->required();
    addAstroOptions(sim, so->astro);
    auto* seedsOpt = sim->add_option("--seeds", so->seeds, "Grid of seeds: 1-3, 1,4,9 (each point into OUT/<label>)");
    seedsOpt->excludes(sim->get_option("--seed"));
    sim->add_option("--shard", so->shard, "Do only shard I of N of the grid (0-based I/N, e.g. a Slurm array task)");
    sim->add_option("--format", so->format, "Output: h5 (ReionScope HDF5, default) or classic (raw 21cmFAST boxes)");
    sim->add_option("--density", so->density,
           "Evolved density: classic (default; 21cmFAST's assignment: cell top-hat smoothed ICs, 3^3 "
           "sub-particles per cell, 0.2-cell Gaussian; about 1.3x the fast path's evolution time, one FFT "
           "pair more per z) or fast (cloud-in-cell of one particle per cell, ReionScope 1.0; less "
           "small-scale density power than 21cmFAST)")
        ->check(CLI::IsMember({"classic", "fast"}));
    sim->add_option("--lpt", so->lpt,
           "Lagrangian displacement order: 1 (default; Zel'dovich) or 2 (adds the second-order 2LPT "
           "term as 21cmFAST does: its density skewness; ~20 % more CPU for one z at 200^3, 0.75 cube "
           "more memory)")
        ->check(CLI::IsMember({1, 2}));
    sim->add_flag("--linear", so->linear,
        "Linear density evolution instead of Zel'dovich (fastest; no non-linear skewness, nf off by "
        "a few percent)");
    sim->add_option("--out", so->out, "Output folder (created when missing)")->required();
    sim->add_flag("--json", so->json, "Print a JSON summary");
    sim->add_flag("--lightcone", so->lightcone,
        "Also write OUT/lightcone_brightness_temperature.h5: dTb along the line of sight through the redshifts");
    sim->add_flag("--quiet", so->quiet, "No progress on stderr");
    sim->callback([so] {
        if (std::filesystem::exists(so->out) && !std::filesystem::is_directory(so->out))
            throw CLI::ValidationError("--out", so->out + " is a file; give a folder");
        exitCode() = runSimulate(*so);
    });

    auto demoOut = std::make_shared<std::string>();
    auto demoThreads = std::make_shared<int>(0);
    auto demoQuiet = std::make_shared<bool>(false);
    CLI::App* demo = app.add_subcommand("demo-data",
        "Write the default demo grid (64^3 / 96 Mpc, z 7-10, zeta 10-40, "
        "3 seeds) that the GUI opens on first start");
    demo->add_option("--out", *demoOut, "Output folder")->required();
    demo->add_option("--threads", *demoThreads, "Threads (default: all cores)")->check(CLI::Range(0, maxThreads()));
    demo->add_flag("--quiet", *demoQuiet, "No progress on stderr");
    demo->callback([demoOut, demoThreads, demoQuiet] { exitCode() = runDemoData(*demoOut, *demoThreads, *demoQuiet); });
}

} // namespace rs::cli

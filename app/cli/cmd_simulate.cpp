// `simulate` and `demo-data`: the built-in reionization simulator (its statistics, `stats`, are
// in cmd_stats.cpp).
#include "cli_common.h"
#include "sim_cli.h"

#include "sim/demo_data.h"
#include "sim/sim_writer.h"
#include "util/error.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

struct SimulateOptions {
    std::size_t dim = 0;
    double box = 0;
    std::string z;
    AstroOptions astro;
    std::string format = "h5";
    bool linear = false;
    std::string density = "classic";
    std::string out;
    bool json = false;
    bool quiet = false;
};

int runSimulate(const SimulateOptions& o)
{
    try {
        SimulationParams p;
        p.dim = o.dim;
        p.boxMpc = o.box;
        p.redshifts = parseNumberList(o.z, "--z");
        applyAstroOptions(o.astro, p);
        p.zeldovich = !o.linear;
        p.cellSmoothing = o.density == "classic";
        const SimOutputFormat format = simOutputFormatFromName(o.format);
        p.validate();

        installInterruptHandler();
        SimulationTimings t;
        std::vector<SimulatedRedshift> summaries;
        const std::vector<std::string> files =
            simulateToFolder(p, o.out, format, stderrProgress(o.quiet || o.json), interruptToken(), &t, &summaries);
        if (o.json) {
            nlohmann::json zs = nlohmann::json::array();
            for (const SimulatedRedshift& s : summaries)
                zs.push_back({{"redshift", s.z}, {"neutral_fraction", number(s.nf)}, {"mean_brightness_temperature_mk", number(s.meanTb)}});
            std::cout << nlohmann::json{{"out", o.out},
                                        {"format", simOutputFormatName(format)},
                                        {"parameters", toJson(p.toParameters())},
                                        {"redshifts", zs},
                                        {"files", files},
                                        {"seconds",
                                         {{"initial_conditions", t.initialConditions},
                                          {"evolution", t.evolution},
                                          {"ionization", t.ionization},
                                          {"brightness", t.brightness}}}}
                             .dump(2)
                      << std::endl;
        } else {
            for (const SimulatedRedshift& s : summaries) {
                std::printf("z = %6.2f   nf = %.6f   mean dTb = %8.4f mK\n", s.z, s.nf, s.meanTb);
            }
            std::printf("wrote %zu file%s to %s (%.2f s: initial conditions %.2f, evolution %.2f, ionization %.2f, "
                        "dTb %.2f)\n",
                        files.size(), files.size() == 1 ? "" : "s", o.out.c_str(), t.total(), t.initialConditions,
                        t.evolution, t.ionization, t.brightness);
        }
        return 0;
    } catch (const CancelledError&) {
        printError("simulate: cancelled; nothing was left in " + o.out);
        return 130;
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
    sim->add_option("--dim", so->dim, "Cells per axis N (8-4096)")->required();
    sim->add_option("--box", so->box, "Box length L [comoving Mpc]")->required();
    sim->add_option("--z", so->z, "Redshift(s), comma separated: the same initial conditions evolved to each")->required();
    addAstroOptions(sim, so->astro);
    sim->add_option("--format", so->format, "Output: h5 (ReionScope HDF5, default) or classic (raw 21cmFAST boxes)");
    sim->add_option("--density", so->density,
                    "Evolved density: classic (default; 21cmFAST's assignment: cell top-hat smoothed ICs, 3^3 "
                    "sub-particles per cell, 0.2-cell Gaussian; about 1.3x the fast path's evolution time, one FFT "
                    "pair more per z) or fast (cloud-in-cell of one particle per cell, ReionScope 1.0; less "
                    "small-scale density power than 21cmFAST)")
        ->check(CLI::IsMember({"classic", "fast"}));
    sim->add_flag("--linear", so->linear,
                  "Linear density evolution instead of Zel'dovich (fastest; no non-linear skewness, nf off by "
                  "a few percent)");
    sim->add_option("--out", so->out, "Output folder (created when missing)")->required();
    sim->add_flag("--json", so->json, "Print a JSON summary");
    sim->add_flag("--quiet", so->quiet, "No progress on stderr");
    sim->callback([so] { exitCode() = runSimulate(*so); });

    auto demoOut = std::make_shared<std::string>();
    auto demoThreads = std::make_shared<int>(0);
    auto demoQuiet = std::make_shared<bool>(false);
    CLI::App* demo = app.add_subcommand("demo-data", "Write the default demo grid (64^3 / 96 Mpc, z 7-10, zeta 10-40, "
                                                     "3 seeds) that the GUI opens on first start");
    demo->add_option("--out", *demoOut, "Output folder")->required();
    demo->add_option("--threads", *demoThreads, "Threads (default: all cores)");
    demo->add_flag("--quiet", *demoQuiet, "No progress on stderr");
    demo->callback([demoOut, demoThreads, demoQuiet] { exitCode() = runDemoData(*demoOut, *demoThreads, *demoQuiet); });
}

} // namespace rs::cli

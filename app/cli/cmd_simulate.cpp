// `simulate`, `demo-data` and `stats`: the built-in reionization simulator and the statistics
// that go with it (power spectrum, histogram, nf(z), mean δT_b(z)).
#include "cli_common.h"

#include "catalog/catalog.h"
#include "io/cube_loader.h"
#include "sim/demo_data.h"
#include "sim/sim_writer.h"
#include "stats/histogram.h"
#include "stats/power_spectrum.h"
#include "util/error.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

namespace rs::cli {

namespace {

/// Ctrl-C asks the running simulation to stop; it then removes what it wrote.
StopToken& interruptToken()
{
    static StopToken token;
    return token;
}

extern "C" void onInterrupt(int)
{
    interruptToken().requestStop(); // a lock-free atomic store: safe in a signal handler
}

void installInterruptHandler()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

ProgressFn stderrProgress(bool quiet)
{
    if (quiet)
        return {};
    auto last = std::make_shared<int>(-1);
    return [last](double f, const std::string& stage) {
        const int pct = int(f * 100.0);
        if (pct / 5 != *last / 5) {
            *last = pct;
            std::fprintf(stderr, "\r%3d%%  %-48s", pct, stage.substr(0, 48).c_str());
            if (pct >= 100)
                std::fprintf(stderr, "\n");
            std::fflush(stderr);
        }
    };
}

struct SimulateOptions {
    std::size_t dim = 0;
    double box = 0;
    std::string z;
    std::optional<double> zeta, fesc, tvir;
    std::uint64_t seed = 1;
    double mmin = 5e8;
    double rmax = 50;
    std::string filter = "sharp-k";
    std::string format = "h5";
    bool velocities = false;
    bool linear = false;
    int threads = 0;
    std::string out;
    bool json = false;
    bool quiet = false;
    bool lightcone = false; ///< also write a δT_b lightcone through the redshifts
};

int runSimulate(const SimulateOptions& o)
{
    try {
        SimulationParams p;
        p.dim = o.dim;
        p.boxMpc = o.box;
        p.redshifts = parseNumberList(o.z, "--z");
        p.zeta = o.zeta;
        p.fesc = o.fesc;
        if (!o.zeta && !o.fesc)
            throw ParameterError("zeta", "give --zeta or --fesc");
        p.mMin = o.mmin;
        p.tVir = o.tvir;
        p.rMax = o.rmax;
        p.filter = filterFromName(o.filter);
        p.seed = o.seed;
        p.velocities = o.velocities;
        p.zeldovich = !o.linear;
        p.threads = o.threads;
        const SimOutputFormat format = simOutputFormatFromName(o.format);
        p.validate();
        if (o.lightcone && p.redshifts.size() < 2)
            throw ParameterError("lightcone", "--lightcone needs at least two redshifts in --z");

        installInterruptHandler();
        SimulationTimings t;
        std::vector<SimulatedRedshift> summaries;
        const std::vector<std::string> files =
            simulateToFolder(p, o.out, format, stderrProgress(o.quiet || o.json), interruptToken(), &t, &summaries);
        std::string lightcone;
        if (o.lightcone) { // δT_b along the line of sight through the snapshots just written
            lightcone = (std::filesystem::path(o.out) / "lightcone_brightness_temperature.h5").string();
            int failures = 0;
            std::size_t n = 0;
            const Cube lc = lightconeFromInputs(files, Quantity::BrightnessTemperature, std::nullopt, std::nullopt,
                                                lightcone, failures, n);
            if (!o.json)
                std::cout << lightconeSummary(lc, n, lightcone) << "\n";
        }
        if (o.json) {
            nlohmann::json zs = nlohmann::json::array();
            for (const SimulatedRedshift& s : summaries)
                zs.push_back({{"redshift", s.z}, {"neutral_fraction", number(s.nf)}, {"mean_brightness_temperature_mk", number(s.meanTb)}});
            std::cout << nlohmann::json{{"out", o.out},
                                        {"format", simOutputFormatName(format)},
                                        {"parameters", toJson(p.toParameters())},
                                        {"redshifts", zs},
                                        {"files", files},
                                        {"lightcone", lightcone.empty() ? nlohmann::json(nullptr) : nlohmann::json(lightcone)},
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

struct StatsOptions {
    std::vector<std::string> paths;
    bool json = false;
    int bins = 0;
    int histogramBins = 0;
};

nlohmann::json spectrumJson(const PowerSpectrum& ps)
{
    return {{"k", ps.k}, {"delta2", ps.delta2}, {"modes", ps.modes}, {"error", ps.error()}};
}

int runStats(const StatsOptions& o)
{
    int failures = 0;
    // Every cube entry named by the arguments (folders: all their primary cubes).
    std::vector<CubeEntry> entries = collectCubeEntries(o.paths, failures);
    // De-duplicate (a density box shared by several runs is listed once).
    std::map<std::string, CubeEntry> unique;
    for (CubeEntry& e : entries)
        unique.try_emplace(e.path + "#" + e.dataset, std::move(e));

    nlohmann::json cubes = nlohmann::json::array();
    std::vector<CubeEntry> loaded;
    std::map<std::string, double> means;
    for (auto& [key, e] : unique) {
        try {
            const Cube cube = loadEntry(e);
            const SummaryStats s = summarize(cube);
            const PowerSpectrum ps = powerSpectrum(cube, o.bins);
            means[key] = s.mean;
            loaded.push_back(e);
            if (o.json) {
                nlohmann::json j = cubeJson(cube, s);
                j["power_spectrum"] = spectrumJson(ps);
                if (o.histogramBins > 0) {
                    const Histogram h = histogram(cube, o.histogramBins);
                    j["histogram"] = {{"edges", h.edges}, {"counts", h.counts}, {"nonfinite", h.nonfinite}};
                }
                cubes.push_back(j);
            } else {
                std::cout << cubeText(cube, s);
                std::cout << "  power spectrum (k [1/Mpc], Delta^2 [" << (cube.quantity() == Quantity::BrightnessTemperature ? "mK^2" : "units^2")
                          << "], modes)\n";
                for (std::size_t i = 0; i < ps.k.size(); ++i) {
                    char buf[128];
                    std::snprintf(buf, sizeof buf, "    %10.5f  %12.6g  %8.0f\n", ps.k[i], ps.delta2[i], ps.modes[i]);
                    std::cout << buf;
                }
            }
        } catch (const Error& err) {
            printError(err.what());
            ++failures;
        }
    }

    // nf(z) and mean δT_b(z) for every run with several redshifts.
    nlohmann::json series = nlohmann::json::array();
    for (const CatalogRun& r : groupIntoRuns(loaded)) {
        if (r.cubes.size() < 2)
            continue;
        nlohmann::json z = nlohmann::json::array(), nf = nlohmann::json::array(), tb = nlohmann::json::array();
        for (const auto& [key, byQ] : r.cubes) {
            auto meanOf = [&](Quantity q) -> nlohmann::json {
                auto it = byQ.find(q);
                if (it == byQ.end())
                    return nullptr;
                return number(means.at(it->second.path + "#" + it->second.dataset));
            };
            z.push_back(number(key));
            nf.push_back(meanOf(Quantity::NeutralFraction));
            tb.push_back(meanOf(Quantity::BrightnessTemperature));
        }
        series.push_back({{"run", r.label}, {"folder", r.folder}, {"parameters", toJson(r.parameters)}, {"redshift", z},
                          {"neutral_fraction", nf}, {"mean_brightness_temperature_mk", tb}});
        if (!o.json) {
            std::cout << "series " << r.label << " (" << r.folder << ")\n      z        nf     mean dTb [mK]\n";
            for (std::size_t i = 0; i < z.size(); ++i) {
                char buf[128];
                std::snprintf(buf, sizeof buf, "  %7.3f  %8s  %12s\n", z[i].get<double>(),
                              nf[i].is_null() ? "-" : std::to_string(nf[i].get<double>()).substr(0, 8).c_str(),
                              tb[i].is_null() ? "-" : std::to_string(tb[i].get<double>()).substr(0, 10).c_str());
                std::cout << buf;
            }
        }
    }
    if (o.json)
        std::cout << nlohmann::json{{"cubes", cubes}, {"series", series}}.dump(2) << std::endl;
    return failures ? 1 : 0;
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
    auto* zetaOpt = sim->add_option("--zeta", so->zeta, "Ionizing efficiency zeta");
    auto* fescOpt = sim->add_option("--fesc", so->fesc, "Escape fraction (zeta = 5000 x 0.05 x f_esc)");
    zetaOpt->excludes(fescOpt);
    fescOpt->excludes(zetaOpt);
    sim->add_option("--seed", so->seed, "Random seed (default 1)");
    auto* mminOpt = sim->add_option("--mmin", so->mmin, "Minimum source halo mass [Msun] (default 5e8)");
    auto* tvirOpt = sim->add_option("--tvir", so->tvir, "Minimum virial temperature [K] (instead of --mmin)");
    mminOpt->excludes(tvirOpt);
    sim->add_option("--rmax", so->rmax, "Largest bubble radius / mean free path [Mpc] (default 50)");
    sim->add_option("--filter", so->filter, "Ionization filter: sharp-k (default), tophat or gauss");
    sim->add_option("--format", so->format, "Output: h5 (ReionScope HDF5, default) or classic (raw 21cmFAST boxes)");
    sim->add_flag("--velocities", so->velocities, "Include the line-of-sight velocity gradient in dTb (axis 2, like delta_T_v3)");
    sim->add_flag("--linear", so->linear, "Linear density evolution instead of Zel'dovich");
    sim->add_option("--threads", so->threads, "Threads (default: all cores)");
    sim->add_option("--out", so->out, "Output folder (created when missing)")->required();
    sim->add_flag("--json", so->json, "Print a JSON summary");
    sim->add_flag("--lightcone", so->lightcone,
                  "Also write OUT/lightcone_brightness_temperature.h5: dTb along the line of sight through the redshifts");
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

    auto st = std::make_shared<StatsOptions>();
    CLI::App* stats = app.add_subcommand("stats", "Everything `info` prints plus each cube's power spectrum and, for "
                                                  "runs with several redshifts, nf(z) and mean dTb(z)");
    stats->add_option("paths", st->paths, "Files or folders")->required();
    stats->add_flag("--json", st->json, "Print one JSON document {\"cubes\": [...], \"series\": [...]}");
    stats->add_option("--bins", st->bins, "Power-spectrum bins: 0 = classic 21cmFAST bins (default), N = N log bins")
        ->check(CLI::Range(0, 10000));
    stats->add_option("--histogram", st->histogramBins, "Also a histogram with this many bins (JSON only)")
        ->check(CLI::Range(0, 1000000));
    stats->callback([st] { exitCode() = runStats(*st); });
}

} // namespace rs::cli

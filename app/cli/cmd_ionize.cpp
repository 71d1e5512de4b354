// `ionize`: the simulator's ionization and dTb on a given density cube (e.g. 21cmFAST's
// updated_smoothed_deltax_* box), written like `simulate` writes its runs.
#include "cli_common.h"
#include "sim_cli.h"

#include "io/cube_loader.h"
#include "sim/sim_writer.h"
#include "sim/simulator.h"
#include "util/error.h"
#include "util/memory.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

struct IonizeOptions {
    std::string density;
    std::optional<double> z;
    AstroOptions astro;
    std::string format = "h5";
    std::string out;
    bool json = false;
    bool quiet = false;
};

int runIonize(const IonizeOptions& o)
{
    returnLargeBlocksToSystem(); // cube-sized arrays back to the system when freed (memory.h)
    try {
        SimulationParams p;
        applyAstroOptions(o.astro, p);
        const SimOutputFormat format = simOutputFormatFromName(o.format);
        Cube density = loadCube(o.density, Quantity::Density);
        const double z = o.z ? *o.z : density.metadata().redshift.value_or(NAN);
        if (!std::isfinite(z))
            throw FormatError(o.density, "the file does not say its redshift; give --z");
        try {
            p.dim = density.shape()[0];
            p.boxMpc = density.boxLength()[0];
            p.redshifts = {z};
            p.validate();
        } catch (const ParameterError& e) {
            throw FormatError(o.density, e.what());
        }

        installInterruptHandler();
        SimulationTimings t;
        const Parameters extra {{"density_file", o.density}};
        std::vector<SimulatedRedshift> results;
        try {
            results = ionizeDensity(
                density, z, {p.effectiveZeta()}, p, stderrProgress(o.quiet || o.json), interruptToken(), &t);
        } catch (const ParameterError& e) {
            throw FormatError(o.density, e.what());
        }
        for (SimulatedRedshift& r : results)
            for (Cube* c : {&r.density, &r.neutralFraction, &r.brightnessTemperature})
                c->metadata().parameters["density_file"] = o.density;
        SimulationWriter writer(o.out, format);
        std::vector<std::string> files;
        try {
            for (const SimulatedRedshift& r : results)
                for (const std::string& f : writer.write(r))
                    files.push_back(f);
        } catch (...) {
            writer.discard();
            throw;
        }
        const SimulatedRedshift& r = results.front();
        if (o.json) {
            std::cout << nlohmann::json {{"out", o.out}, {"density", o.density},
                {"format", simOutputFormatName(format)},
                {"parameters", toJson(r.neutralFraction.metadata().parameters)}, {"redshift", z},
                {"neutral_fraction", number(r.nf)}, {"mean_brightness_temperature_mk", number(r.meanTb)},
                {"files", files}, {"seconds", {{"ionization", t.ionization}, {"brightness", t.brightness}}}}
                             .dump(2)
                      << std::endl;
        } else {
            std::printf("z = %6.2f   nf = %.6f   mean dTb = %8.4f mK\n", z, r.nf, r.meanTb);
            std::printf("wrote %zu file%s to %s (%.2f s: ionization %.2f, dTb %.2f)\n", files.size(),
                files.size() == 1 ? "" : "s", o.out.c_str(), t.total(), t.ionization, t.brightness);
        }
        return 0;
    } catch (const CancelledError&) {
        printError("ionize: cancelled; nothing was left in " + o.out);
        return 130;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addIonizeCommand(CLI::App& app)
{
    auto o = std::make_shared<IonizeOptions>();
    CLI::App* cmd = app.add_subcommand("ionize",
        "Ionize a given density cube (e.g. 21cmFAST's updated_smoothed_deltax box) with the built-in "
        "simulator's excursion-set model and write x_HI and dTb as `simulate` does");
    cmd->add_option("--density", o->density, "Density contrast cube (any readable format, N^3 cells)")->required();
    cmd->add_option("--z", o->z, "Redshift (default: the file's own, e.g. from a classic 21cmFAST name)");
    addAstroOptions(cmd, o->astro);
    cmd->add_option("--format", o->format, "Output: h5 (ReionScope HDF5, default) or classic (raw 21cmFAST boxes)");
    cmd->add_option("--out", o->out, "Output folder (created when missing)")->required();
    cmd->add_flag("--json", o->json, "Print a JSON summary");
    cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
    cmd->callback([o] { exitCode() = runIonize(*o); });
}

} // namespace rs::cli

// `observe IN --telescope ska-low|hera --out OUT`: a δT_b cube as SKA-Low or HERA would see it
// (beam and bandwidth smoothing, thermal noise, mean removal, optional foreground wedge).
#include "stats_common.h"

#include "io/cube_loader.h"
#include "io/npy.h"
#include "io/reionscope_h5.h"
#include "observe/observe.h"
#include "util/error.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

struct ObserveCliOptions {
    std::string in, out, telescope = "ska-low", wedge = "off";
    double hours = 1000;
    std::optional<double> z;
    std::uint64_t seed = 1;
    bool json = false;
};

/// The δT_b cube of `path` (a file may hold several quantities).
Cube loadBrightness(const std::string& path)
{
    std::optional<CubeEntry> chosen;
    const std::vector<CubeEntry> entries = probeFile(path);
    for (const CubeEntry& e : entries)
        if (e.primary && e.quantity == Quantity::BrightnessTemperature)
            chosen = e;
    if (!chosen && entries.size() == 1 && entries.front().quantity == Quantity::Other)
        chosen = entries.front(); // e.g. a bare .npy: taken as δT_b in mK
    if (!chosen)
        throw FormatError(path, "holds no brightness-temperature (dTb) cube to observe");
    return loadEntry(*chosen);
}

void writeObservation(const std::string& out, const Cube& c)
{
    if (out.size() > 4 && out.compare(out.size() - 4, 4, ".npy") == 0) {
        writeNpy(out, c.data(), {c.shape()[0], c.shape()[1], c.shape()[2]});
        return;
    }
    if (out.size() < 3 || out.compare(out.size() - 3, 3, ".h5") != 0)
        throw ParameterError("--out", out + ": give a .h5 (ReionScope HDF5, keeps the metadata) or .npy file");
    writeReionScopeH5(out, {c});
}

} // namespace

ObserveOptions observeOptionsOf(
    const std::string& option, const std::string& telescope, double hours, const std::string& wedge, std::uint64_t seed)
{
    ObserveOptions opt;
    const auto t = telescopeFromName(telescope);
    if (!t)
        throw ParameterError(option, "must be ska-low or hera, got '" + telescope + "'");
    opt.telescope = *t;
    opt.hours = hours;
    opt.wedge = wedge == "on";
    opt.seed = seed;
    return opt;
}

namespace {

int runObserve(const ObserveCliOptions& o)
{
    return exitCodeOf([&] {
        const ObserveOptions opt = observeOptionsOf("--telescope", o.telescope, o.hours, o.wedge, o.seed);
        Cube in = loadBrightness(o.in);
        if (o.z)
            in.metadata().redshift = *o.z;
        const Observation obs = observe(in, opt);
        writeObservation(o.out, obs.cube);
        if (o.json) {
            std::cout << nlohmann::json {{"in", o.in}, {"out", o.out}, {"telescope", o.telescope}, {"hours", o.hours},
                {"wedge", opt.wedge}, {"seed", o.seed}, {"frequency_mhz", number(obs.frequencyMHz)},
                {"system_temperature_k", number(obs.systemTemperatureK)}, {"beam_fwhm_mpc", number(obs.beamFwhmMpc)},
                {"channel_mhz", number(obs.channelMHz)}, {"noise_rms_mk", number(obs.noiseRmsMk)},
                {"uv_cells", obs.uvCells}}
                             .dump(2)
                      << std::endl;
        } else {
            std::printf(
                "%s, %.0f h at %.2f MHz (T_sys %.0f K): beam %.2f Mpc, noise rms %.4g mK, %zu uv cells%s; wrote %s\n",
                o.telescope.c_str(), o.hours, obs.frequencyMHz, obs.systemTemperatureK, obs.beamFwhmMpc, obs.noiseRmsMk,
                obs.uvCells, opt.wedge ? ", wedge removed" : "", o.out.c_str());
        }
        return 0;
    });
}

} // namespace

void addObserveCommand(CLI::App& app)
{
    auto o = std::make_shared<ObserveCliOptions>();
    CLI::App* cmd = app.add_subcommand("observe",
        "A dTb cube as a radio array sees it: beam (lambda / longest baseline) and bandwidth smoothing, "
        "thermal noise from the uv coverage and observing time, each channel's mean removed, optional "
        "foreground wedge removal (model: README, Telescope model)");
    cmd->add_option("in", o->in, "dTb cube file (line of sight = last axis)")->required();
    cmd->add_option("--telescope", o->telescope, "ska-low (default) or hera")
        ->check(CLI::IsMember({"ska-low", "hera"}));
    cmd->add_option("--hours", o->hours, "Integration time on the field [h] (default 1000)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--wedge", o->wedge, "Remove the foreground (horizon) wedge: on or off (default)")
        ->check(CLI::IsMember({"on", "off"}));
    cmd->add_option("--seed", o->seed, "Noise realisation (default 1)");
    cmd->add_option("--z", o->z, "Redshift, for cubes that do not carry one");
    cmd->add_option("--out", o->out, "Output file: .h5 (ReionScope HDF5) or .npy")->required();
    cmd->add_flag("--json", o->json, "Print a JSON summary");
    cmd->callback([o] { exitCode() = runObserve(*o); });
}

} // namespace rs::cli

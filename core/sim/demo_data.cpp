#include "sim/demo_data.h"

#include "util/error.h"
#include "util/file_util.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace rs {

namespace fs = std::filesystem;

std::vector<std::string> writeDemoData(
    const std::string& dir, const ProgressFn& progress, const StopToken& stop, const DemoDataSpec& spec)
{
    if (spec.seeds.empty() || spec.redshifts.empty() || spec.zetas.empty())
        throw ParameterError("demo data", "needs at least one seed, redshift and ζ");
    SimulationParams base;
    base.dim = spec.dim;
    base.boxMpc = spec.boxMpc;
    base.redshifts = spec.redshifts;
    base.zeta = spec.zetas.front();
    base.threads = spec.threads;
    for (double zeta : spec.zetas) {
        SimulationParams check = base;
        check.zeta = zeta;
        check.validate();
    }
    SimulationWriter writer(dir, spec.format);
    try {
        const double steps = double(spec.seeds.size() * spec.redshifts.size());
        double done = 0;
        for (std::uint64_t seed : spec.seeds) {
            SimulationParams p = base;
            p.seed = seed;
            Simulator sim(p, {}, stop);
            for (double z : spec.redshifts) {
                const ProgressFn sub = subProgress(progress, done / steps, (done + 1) / steps);
                for (const SimulatedRedshift& r : sim.ionize(z, spec.zetas, sub, stop)) {
                    stop.throwIfStopped();
                    writer.write(r);
                }
                done += 1;
            }
        }
        nlohmann::json marker = {{"what", "ReionScope demo data"}, {"code_version", kSimulatorVersion},
            {"format", simOutputFormatName(spec.format)}, {"dim", spec.dim}, {"box_mpc", spec.boxMpc},
            {"redshifts", spec.redshifts}, {"zetas", spec.zetas}, {"seeds", spec.seeds},
            {"files", writer.written().size()}};
        const std::string text = marker.dump(2) + "\n";
        const std::string markerPath = (fs::path(dir) / kDemoMarker).string();
        stop.throwIfStopped();
        writeFileAtomically(markerPath, text.data(), text.size());
        if (progress)
            progress(1.0, "demo data written");
    } catch (...) {
        writer.discard();
        throw;
    }
    return writer.written();
}

bool hasDemoData(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / kDemoMarker, ec);
}

} // namespace rs

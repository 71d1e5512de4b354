#pragma once
// Pieces shared by the simulator's subcommands (`simulate`, `ionize`): Ctrl-C handling, progress on
// stderr, and the astrophysics options both commands take.

#include "sim/simulation_params.h"
#include "util/progress.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace rs::cli {

/// The token that Ctrl-C (SIGINT/SIGTERM, once installInterruptHandler() ran) stops.
StopToken& interruptToken();
void installInterruptHandler();

/// A progress callback printing "NN%  stage" on stderr every 5 %, or none when quiet.
ProgressFn stderrProgress(bool quiet);

/// The source model and ionization options of `simulate` and `ionize`.
struct AstroOptions {
    std::optional<double> zeta, fesc, tvir;
    double mmin = 5e8;
    double rmax = 50;
    std::string filter = "sharp-k";
    std::uint64_t seed = 1;
    bool velocities = false;
    int threads = 0;
    std::string sources = "constant";
    ParkSources park;
    std::optional<double> fesc10;
    std::string recombinations = "on";
};

/// Adds --zeta/--fesc, --mmin/--tvir, --rmax, --filter, --seed, --velocities, --threads and the v2
/// source model's --sources, --fstar10, --alpha-star, --fesc10, --alpha-esc, --mturn, --tstar,
/// --recombinations, --z-start.
void addAstroOptions(CLI::App* cmd, AstroOptions& o);

/// Copies the options into `p`. Throws ParameterError (no ζ given, unknown filter).
void applyAstroOptions(const AstroOptions& o, SimulationParams& p);

} // namespace rs::cli

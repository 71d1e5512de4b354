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

/// The source model and ionization options of `simulate` and `ionize`. ζ, f_esc, T_vir, M_min and
/// R_max are kept as text: `simulate` accepts a comma-separated list (a grid axis), `ionize` one
/// value; empty means "not given".
struct AstroOptions {
    std::string zeta, fesc, tvir, mmin, rmax;
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

/// The v2 source model's options other than F_ESC10: --fstar10, --alpha-star, --alpha-esc, --mturn,
/// --tstar, --recombinations (on|off), --z-start.
void addParkOptions(CLI::App* cmd, ParkSources& park, std::string& recombinations);

/// Copies the options into `p`; every list must hold one value. Throws ParameterError (no ζ
/// given, a list where one value is needed, unknown filter).
void applyAstroOptions(const AstroOptions& o, SimulationParams& p);

/// The value of a single-valued numeric option given as text (nullopt when empty). Throws
/// ParameterError naming `option` for a list or a malformed number.
std::optional<double> singleNumber(const std::string& text, const std::string& option);

} // namespace rs::cli

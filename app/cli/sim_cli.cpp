#include "sim_cli.h"

#include "cli_common.h"
#include "util/error.h"

#include <csignal>
#include <cstdio>
#include <memory>

namespace rs::cli {

StopToken& interruptToken()
{
    static StopToken token;
    return token;
}

namespace {

extern "C" void onInterrupt(int)
{
    interruptToken().requestStop(); // a lock-free atomic store: safe in a signal handler
}

} // namespace

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

void addAstroOptions(CLI::App* cmd, AstroOptions& o)
{
    cmd->add_option("--sources", o.sources,
        "Source model: constant (zeta above a sharp M_min, default) or v2 (21cmFAST v2 default, "
        "Park+2019: f_*(M), f_esc(M), duty cycle, recombinations; evolved from --z-start in steps of 0.2, "
        "about 40 ionization passes for z 20 -> 7)");
    auto* zetaOpt = cmd->add_option("--zeta", o.zeta,
        "Ionizing efficiency zeta (constant sources; for simulate a list "
        "makes a grid: 10,20,30)");
    auto* fescOpt = cmd->add_option(
        "--fesc", o.fesc, "Escape fraction: zeta = 5000 x 0.05 x f_esc (constant); with --sources v2 it is F_ESC10");
    zetaOpt->excludes(fescOpt);
    fescOpt->excludes(zetaOpt);
    cmd->add_option("--seed", o.seed, "Random seed (default 1; also keys the sub-grid Poisson draws)");
    auto* mminOpt = cmd->add_option("--mmin", o.mmin, "Minimum source halo mass [Msun] (default 5e8; a list: a grid)");
    auto* tvirOpt
        = cmd->add_option("--tvir", o.tvir, "Minimum virial temperature [K] (instead of --mmin; a list: a grid)");
    mminOpt->excludes(tvirOpt);
    cmd->add_option("--rmax", o.rmax, "Largest bubble radius / mean free path [Mpc] (default 50; a list: a grid)");
    cmd->add_option("--filter", o.filter, "Ionization filter: sharp-k (default), tophat or gauss");
    cmd->add_flag("--velocities", o.velocities,
        "Include the line-of-sight velocity terms in dTb (axis 2, like classic delta_T_v3: gradient factor and "
        "sub-cell RSD)");
    cmd->add_option("--threads", o.threads, "Threads (default: all cores)")->check(CLI::Range(0, maxThreads()));
    cmd->add_option("--fesc10", o.fesc10, "v2: escape fraction of 1e10 Msun haloes (default 0.1)");
    addParkOptions(cmd, o.park, o.recombinations);
}

void addParkOptions(CLI::App* cmd, ParkSources& park, std::string& recombinations)
{
    cmd->add_option("--fstar10", park.fStar10, "v2: stellar fraction of 1e10 Msun haloes (default 0.05)");
    cmd->add_option("--alpha-star", park.alphaStar, "v2: power-law index of f_*(M) (default 0.5)");
    cmd->add_option("--alpha-esc", park.alphaEsc, "v2: power-law index of f_esc(M) (default -0.5)");
    cmd->add_option("--mturn", park.mTurn, "v2: duty-cycle turnover mass [Msun] (default 5e8)");
    cmd->add_option("--tstar", park.tStar, "v2: star-formation time scale in Hubble times (default 0.5)");
    cmd->add_option("--recombinations", recombinations, "v2: inhomogeneous recombinations, on (default) or off")
        ->check(CLI::IsMember({"on", "off"}));
    cmd->add_option("--z-start", park.zStart, "v2: redshift where the history starts (default 20)");
}

std::optional<double> singleNumber(const std::string& text, const std::string& option)
{
    if (text.empty())
        return std::nullopt;
    std::vector<double> v;
    try {
        v = parseNumberList(text, option);
    } catch (const CLI::ValidationError& e) {
        throw ParameterError(option.substr(2), e.what());
    }
    if (v.size() != 1)
        throw ParameterError(
            option.substr(2), "takes one value here, got '" + text + "' (lists make grids in simulate)");
    return v.front();
}

void applyAstroOptions(const AstroOptions& o, SimulationParams& p)
{
    const std::optional<double> zeta = singleNumber(o.zeta, "--zeta"), fesc = singleNumber(o.fesc, "--fesc");
    const std::optional<double> tvir = singleNumber(o.tvir, "--tvir");
    const double mmin = singleNumber(o.mmin, "--mmin").value_or(p.mMin);
    const double rmax = singleNumber(o.rmax, "--rmax").value_or(p.rMax);
    p.sources = sourceModelFromName(o.sources);
    if (p.sources == SourceModel::ParkV2) {
        if (zeta)
            throw ParameterError("zeta", "--zeta is for constant sources; the v2 model takes --fstar10/--fesc10");
        if (fesc && o.fesc10)
            throw ParameterError("fesc10", "give --fesc or --fesc10, not both (with v2 both mean F_ESC10)");
        p.park = o.park;
        p.park.fEsc10 = o.fesc10 ? *o.fesc10 : fesc.value_or(p.park.fEsc10);
        p.park.recombinations = o.recombinations != "off";
        p.zeta.reset();
        p.fesc.reset();
        p.rMax = rmax;
        p.filter = filterFromName(o.filter);
        p.seed = o.seed;
        p.velocities = o.velocities;
        p.threads = o.threads;
        return;
    }
    if (!zeta && !fesc)
        throw ParameterError("zeta", "give --zeta or --fesc");
    p.zeta = zeta;
    p.fesc = fesc;
    p.mMin = mmin;
    p.tVir = tvir;
    p.rMax = rmax;
    p.filter = filterFromName(o.filter);
    p.seed = o.seed;
    p.velocities = o.velocities;
    p.threads = o.threads;
}

} // namespace rs::cli

#include "sim_cli.h"

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
    auto* zetaOpt = cmd->add_option("--zeta", o.zeta, "Ionizing efficiency zeta");
    auto* fescOpt = cmd->add_option("--fesc", o.fesc, "Escape fraction (zeta = 5000 x 0.05 x f_esc)");
    zetaOpt->excludes(fescOpt);
    fescOpt->excludes(zetaOpt);
    cmd->add_option("--seed", o.seed, "Random seed (default 1; also keys the sub-grid Poisson draws)");
    auto* mminOpt = cmd->add_option("--mmin", o.mmin, "Minimum source halo mass [Msun] (default 5e8)");
    auto* tvirOpt = cmd->add_option("--tvir", o.tvir, "Minimum virial temperature [K] (instead of --mmin)");
    mminOpt->excludes(tvirOpt);
    cmd->add_option("--rmax", o.rmax, "Largest bubble radius / mean free path [Mpc] (default 50)");
    cmd->add_option("--filter", o.filter, "Ionization filter: sharp-k (default), tophat or gauss");
    cmd->add_flag("--velocities", o.velocities,
                  "Include the line-of-sight velocity gradient in dTb (axis 2, like delta_T_v3)");
    cmd->add_option("--threads", o.threads, "Threads (default: all cores)");
}

void applyAstroOptions(const AstroOptions& o, SimulationParams& p)
{
    if (!o.zeta && !o.fesc)
        throw ParameterError("zeta", "give --zeta or --fesc");
    p.zeta = o.zeta;
    p.fesc = o.fesc;
    p.mMin = o.mmin;
    p.tVir = o.tvir;
    p.rMax = o.rmax;
    p.filter = filterFromName(o.filter);
    p.seed = o.seed;
    p.velocities = o.velocities;
    p.threads = o.threads;
}

} // namespace rs::cli

// `bench stats`: wall time of every statistic of `stats --json` on simulator cubes (x_HI with its
// bubble sizes, δT_b), one statistic at a time and all together, with the machine's load.
#include "stats_common.h"

#include "sim/simulator.h"
#include "stats/bubble_sizes.h"
#include "stats/cube_statistics.h"
#include "stats/fourier_box.h"
#include "stats/stats_json.h"
#include "util/error.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

struct BenchStatsOptions {
    std::size_t dim = 200;
    double box = 300;
    double z = 8;
    double zeta = 20;
    std::size_t rays = 1000000;
    int threads = 2;
    bool json = false;
};

double seconds(const std::function<void()>& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

nlohmann::json timeCube(const Cube& cube, const StatisticsOptions& o)
{
    nlohmann::json t;
    t["fft_power_spectra"] = seconds([&] {
        const FourierBox f = fourierTransform(cube);
        (void)powerSpectrum(f, o.bins);
        (void)cylindricalPowerSpectrum(f, o.perpBins, o.parBins);
    });
    t["pdf"] = seconds([&] { (void)pdf(cube, o.pdfBins); });
    if (cube.quantity() == Quantity::NeutralFraction) {
        t["mean_free_path"] = seconds([&] { (void)meanFreePath(cube, o.mfp); });
        t["friends_of_friends"] = seconds([&] { (void)friendsOfFriends(cube, o.mfp.threshold); });
    }
    std::size_t bytes = 0;
    t["all_with_json"] = seconds([&] { bytes = statisticsJson(computeStatistics(cube, o)).dump().size(); });
    t["json_bytes"] = bytes;
    return t;
}

int runBenchStats(const BenchStatsOptions& o)
{
    return exitCodeOf([&] {
        SimulationParams p;
        p.dim = o.dim;
        p.boxMpc = o.box;
        p.redshifts = {o.z};
        p.zeta = o.zeta;
        p.threads = o.threads;
        p.validate();
        std::fprintf(stderr, "simulating %zu^3 / %g Mpc at z = %g (not timed)...\n", o.dim, o.box, o.z);
        const std::vector<SimulatedRedshift> r = simulate(p);
        StatisticsOptions so;
        so.mfp.rays = o.rays;
        so.mfp.threads = o.threads;
        const std::string loadBefore = loadAverage();
        nlohmann::json xhi = timeCube(r.front().neutralFraction, so);
        nlohmann::json tb = timeCube(r.front().brightnessTemperature, so);
        const nlohmann::json doc = {{"dim", o.dim}, {"box_mpc", o.box}, {"redshift", o.z},
            {"neutral_fraction", number(r.front().nf)}, {"rays", o.rays}, {"threads", o.threads},
            {"load_average_before", loadBefore}, {"load_average_after", loadAverage()},
            {"seconds", {{"neutral_fraction", xhi}, {"brightness_temperature", tb}}}};
        if (o.json) {
            std::cout << doc.dump(2) << std::endl;
            return 0;
        }
        std::printf("stats of %zu^3 / %g Mpc cubes (z %g, nf %.3f), %d threads, %zu rays; load %s -> %s\n", o.dim,
            o.box, o.z, r.front().nf, o.threads, o.rays, loadBefore.c_str(), loadAverage().c_str());
        for (const auto& [name, t] : doc["seconds"].items()) {
            std::printf("  %-24s", name.c_str());
            for (const auto& [k, v] : t.items())
                if (k != "json_bytes")
                    std::printf("  %s %.3f s", k.c_str(), v.get<double>());
            std::printf("\n");
        }
        return 0;
    });
}

} // namespace

void addBenchStatsCommand(CLI::App& app)
{
    auto o = std::make_shared<BenchStatsOptions>();
    CLI::App* bench = subcommandOf(app, "bench", "Benchmarks (never part of the tests)");
    CLI::App* cmd = bench->add_subcommand("stats",
        "Time every statistic of `stats --json` on a simulated x_HI and dTb "
        "cube (default 200^3 / 300 Mpc, z 8, 1e6 mean-free-path rays)");
    cmd->add_option("--dim", o->dim, "Cells per axis (default 200)")->check(CLI::Range(16, 1024));
    cmd->add_option("--box", o->box, "Box length [Mpc] (default 300)");
    cmd->add_option("--z", o->z, "Redshift (default 8)");
    cmd->add_option("--zeta", o->zeta, "Ionizing efficiency (default 20)");
    cmd->add_option("--rays", o->rays, "Mean-free-path rays (default 1e6)");
    cmd->add_option("--threads", o->threads, "Threads (default 2, the CI machine)");
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->callback([o] { exitCode() = runBenchStats(*o); });
}

} // namespace rs::cli

// `stats`: each cube's statistics (Δ²(k), P(k⊥, k∥), PDF and moments, bubble sizes of x_HI
// cubes), nf(z) and mean δT_b(z) of runs, and `stats --cross A B` (P_AB and r(k)).
#include "stats_common.h"

#include "catalog/catalog.h"
#include "io/cube_loader.h"
#include "stats/cross_power.h"
#include "stats/histogram.h"
#include "stats/lightcone_chunks.h"
#include "stats/stats_json.h"
#include "util/error.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

namespace rs::cli {

std::vector<CubeEntry> collectEntries(const std::vector<std::string>& paths, int& failures)
{
    std::vector<CubeEntry> entries = collectCubeEntries(paths, failures);
    // De-duplicate (a density box shared by several runs is listed once).
    std::map<std::string, CubeEntry> unique;
    for (CubeEntry& e : entries)
        unique.try_emplace(e.path + "#" + e.dataset, std::move(e));
    std::vector<CubeEntry> out;
    for (auto& [key, e] : unique)
        out.push_back(std::move(e));
    return out;
}

SpectrumUnits spectrumUnits(const std::string& name, double hubble)
{
    SpectrumUnits u;
    if (name == "h-mpc")
        u.perH = true;
    else if (name != "mpc")
        throw ParameterError("--units", "must be mpc or h-mpc, got '" + name + "'");
    if (!(hubble > 0.2 && hubble < 2))
        throw ParameterError("--hubble", "h must be between 0.2 and 2");
    u.h = hubble;
    return u;
}

int exitCodeOf(const std::function<int()>& body)
{
    try {
        return body();
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

void addUnitsOptions(CLI::App* cmd, std::string& units, double& hubble)
{
    cmd->add_option("--units", units, "Wavenumbers in 1/Mpc (mpc, default) or h/Mpc (h-mpc; P(k) then in (Mpc/h)^3)")
        ->check(CLI::IsMember({"mpc", "h-mpc"}));
    cmd->add_option("--hubble", hubble, "h for --units h-mpc (default 0.68, classic 21cmFAST's and the simulator's)");
}

namespace {

struct StatsOptions {
    std::vector<std::string> paths;
    std::vector<std::string> cross;
    bool json = false;
    int histogramBins = 0;
    std::size_t chunks = 0;
    std::string units = "mpc";
    double hubble = 0.68;
    StatisticsOptions stats;
};

void printCubeText(
    const Cube& cube, const SummaryStats& s, const FieldStatistics& st, const SpectrumUnits& u, double threshold)
{
    std::cout << cubeText(cube, s);
    const PowerSpectrum& ps = st.spectrum;
    std::cout << "  power spectrum (k [" << u.kName() << "], Delta^2 ["
              << (cube.quantity() == Quantity::BrightnessTemperature ? "mK^2" : "units^2") << "], modes)\n";
    for (std::size_t i = 0; i < ps.k.size(); ++i) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "    %10.5f  %12.6g  %8.0f\n", u.k(ps.k[i]), ps.delta2[i], ps.modes[i]);
        std::cout << buf;
    }
    const Moments& m = st.pdf.moments;
    char buf[256];
    std::snprintf(buf, sizeof buf, "  pdf: mean %.6g  variance %.6g  skewness %.4g  kurtosis (excess) %.4g\n", m.mean,
        m.variance, m.skewness, m.kurtosis);
    std::cout << buf;
    if (st.meanFreePath && st.regions) {
        std::snprintf(buf, sizeof buf,
            "  bubbles (x_HI < %.2g): mean free path %.4g Mpc (%zu rays, %zu longer than the box); "
            "%zu connected regions, largest %.6g Mpc^3\n",
            threshold, st.meanFreePath->mean, st.meanFreePath->rays, st.meanFreePath->truncated,
            st.regions->volumes.size(), st.regions->largest);
        std::cout << buf;
    }
}

/// nf(z) and mean δT_b(z) for every run with several redshifts.
nlohmann::json seriesOf(const std::vector<CubeEntry>& loaded, const std::map<std::string, double>& means, bool text)
{
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
        if (!text)
            continue;
        std::cout << "series " << r.label << " (" << r.folder << ")\n      z        nf     mean dTb [mK]\n";
        for (std::size_t i = 0; i < z.size(); ++i) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "  %7.3f  %8s  %12s\n", z[i].get<double>(),
                nf[i].is_null() ? "-" : std::to_string(nf[i].get<double>()).substr(0, 8).c_str(),
                tb[i].is_null() ? "-" : std::to_string(tb[i].get<double>()).substr(0, 10).c_str());
            std::cout << buf;
        }
    }
    return series;
}

int runCross(const StatsOptions& o, const SpectrumUnits& u)
{
    const Cube a = loadCube(o.cross[0]), b = loadCube(o.cross[1]);
    const CrossCorrelation c = crossCorrelation(a, b, o.stats.bins);
    if (o.json) {
        std::cout << nlohmann::json {{"a", o.cross[0]}, {"b", o.cross[1]}, {"cross_power", crossJson(c, u)}}.dump(2)
                  << std::endl;
        return 0;
    }
    std::cout << "cross power of " << o.cross[0] << "\n           and " << o.cross[1] << "\n  k [" << u.kName()
              << "]   Delta^2_AB        r(k)    modes\n";
    for (std::size_t i = 0; i < c.k.size(); ++i) {
        char buf[128];
        std::snprintf(
            buf, sizeof buf, "    %10.5f  %12.6g  %8.4f  %8.0f\n", u.k(c.k[i]), c.delta2[i], c.r[i], c.modes[i]);
        std::cout << buf;
    }
    return 0;
}

int runStats(const StatsOptions& o)
{
    SpectrumUnits units;
    try {
        units = spectrumUnits(o.units, o.hubble);
        if (!o.cross.empty())
            return runCross(o, units);
        if (o.paths.empty())
            throw ParameterError("stats", "give files or folders, or --cross A B");
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
    int failures = 0;
    const std::vector<CubeEntry> entries = collectEntries(o.paths, failures);
    nlohmann::json cubes = nlohmann::json::array();
    std::vector<CubeEntry> loaded;
    std::map<std::string, double> means;
    for (const CubeEntry& e : entries) {
        try {
            const Cube cube = loadEntry(e);
            const SummaryStats s = summarize(cube);
            const FieldStatistics st = computeStatistics(cube, o.stats);
            means[e.path + "#" + e.dataset] = s.mean;
            loaded.push_back(e);
            if (!o.json) {
                printCubeText(cube, s, st, units, o.stats.mfp.threshold);
                continue;
            }
            nlohmann::json j = cubeJson(cube, s);
            j.update(statisticsJson(st, units));
            if (o.chunks > 0) {
                nlohmann::json list = nlohmann::json::array();
                for (const LightconeChunk& ch : lightconeChunks(cube, o.chunks, o.stats.bins, {units.h}))
                    list.push_back({{"first_cell", ch.firstCell}, {"cells", ch.cells},
                        {"redshift", ch.redshift ? number(*ch.redshift) : nlohmann::json(nullptr)},
                        {"power_spectrum", spectrumJson(ch.spectrum, units)}});
                j["lightcone_chunks"] = list;
            }
            if (o.histogramBins > 0) {
                const Histogram h = histogram(cube, o.histogramBins);
                j["histogram"] = {{"edges", h.edges}, {"counts", h.counts}, {"nonfinite", h.nonfinite}};
            }
            cubes.push_back(j);
        } catch (const Error& err) {
            printError(err.what());
            ++failures;
        }
    }
    const nlohmann::json series = seriesOf(loaded, means, !o.json);
    if (o.json)
        std::cout << nlohmann::json {{"cubes", cubes}, {"series", series}}.dump(2) << std::endl;
    return failures ? 1 : 0;
}

} // namespace

void addStatsCommands(CLI::App& app)
{
    auto st = std::make_shared<StatsOptions>();
    CLI::App* stats = app.add_subcommand("stats",
        "Everything `info` prints plus each cube's statistics (power spectrum, cylindrical P(k_perp, k_par), "
        "PDF and moments, bubble sizes of x_HI cubes) and, for runs with several redshifts, nf(z) and mean dTb(z)");
    stats->add_option("paths", st->paths, "Files or folders");
    stats->add_option("--cross", st->cross, "Two cubes of one grid: their cross power and r(k) instead")->expected(2);
    stats->add_flag("--json", st->json, "Print one JSON document {\"cubes\": [...], \"series\": [...]}");
    stats
        ->add_option(
            "--bins", st->stats.bins, "Power-spectrum bins: 0 = classic 21cmFAST bins (default), N = N log bins")
        ->check(CLI::Range(0, 10000));
    stats
        ->add_option(
            "--perp-bins", st->stats.perpBins, "Cylindrical k_perp bins: 0 = x1.5 edges (default), N = N log bins")
        ->check(CLI::Range(0, 10000));
    stats
        ->add_option(
            "--par-bins", st->stats.parBins, "Cylindrical k_par bins: 0 = x1.5 edges (default), N = N log bins")
        ->check(CLI::Range(0, 10000));
    stats->add_option("--pdf-bins", st->stats.pdfBins, "PDF bins over the cube's range (default 100)")
        ->check(CLI::Range(1, 1000000));
    stats->add_option("--histogram", st->histogramBins, "Also a histogram with this many bins (JSON only)")
        ->check(CLI::Range(0, 1000000));
    stats->add_option("--chunks", st->chunks,
        "Lightcones (line of sight = last axis, z of the first slice): also Delta^2(k) of chunks of "
        "this many cells along the line of sight, with each chunk's central z (JSON only)");
    stats->add_option("--rays", st->stats.mfp.rays, "Mean-free-path rays per x_HI cube (default 1e6)")
        ->check(CLI::Range(std::size_t(1), std::size_t(1e9)));
    stats->add_option("--seed", st->stats.mfp.seed, "Seed of the mean-free-path rays (default 1)");
    stats->add_option("--threshold", st->stats.mfp.threshold, "x_HI below which a cell is ionized (default 0.5)")
        ->check(CLI::Range(1e-6, 1.0));
    stats->add_option("--threads", st->stats.mfp.threads, "Threads for the mean free path (default: all cores)");
    addUnitsOptions(stats, st->units, st->hubble);
    stats->callback([st] { exitCode() = runStats(*st); });
}

} // namespace rs::cli

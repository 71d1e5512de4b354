// `compare A B`: two cubes, or two runs (folders or multi-cube files) paired by quantity and
// redshift: means, Δ²(k) ratio and its median over 0.1 < k < 1 / Mpc, KS distance of the PDFs
// and, on one grid, the same-side fraction of x_HI and r(k). B is the reference (ratios A / B).
#include "stats_common.h"

#include "catalog/catalog.h"
#include "io/cube_loader.h"
#include "stats/compare.h"
#include "stats/stats_json.h"
#include "util/error.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

namespace rs::cli {

namespace {

struct CompareCliOptions {
    std::string a, b;
    bool json = false;
    std::string units = "mpc";
    double hubble = 0.68;
    CompareOptions compare;
};

/// The cubes one side names: a file's primary cubes, or every cube of a folder.
std::vector<CubeEntry> sideEntries(const std::string& path)
{
    if (!std::filesystem::is_directory(path)) {
        std::vector<CubeEntry> out;
        for (CubeEntry& e : probeFile(path))
            if (e.primary)
                out.push_back(std::move(e));
        if (out.empty())
            throw FormatError(path, "holds no cube (density, x_HI, dTb) that can be read");
        return out;
    }
    const Catalog cat = scanFolder(path);
    if (!cat.errors.empty())
        throw FormatError(cat.errors.front().first, cat.errors.front().second);
    if (cat.runs.empty())
        throw FormatError(path, "holds no cube files");
    // Every cube of the folder (the catalog may split one simulation into several runs when
    // some files carry fewer parameters); pairing is by quantity, redshift and velocity term.
    std::map<std::string, CubeEntry> unique;
    for (const CatalogRun& r : cat.runs)
        for (const auto& [z, byQ] : r.cubes)
            for (const auto& [q, e] : byQ)
                unique.try_emplace(e.path + "#" + e.dataset, e);
    std::vector<CubeEntry> out;
    for (auto& [key, e] : unique)
        out.push_back(std::move(e));
    return out;
}

std::string zText(const std::optional<double>& z)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", z ? *z : std::nan(""));
    return z ? buf : "?";
}

void printComparison(const CubeComparison& c, const SpectrumUnits& u, const CompareOptions& o)
{
    char buf[512];
    std::snprintf(buf, sizeof buf,
        "%s at z = %s: mean %.6g (A) vs %.6g (B); median Delta^2 ratio A/B over %g < k < %g: %.4f; "
        "KS distance %.4f",
        std::string(quantitySymbol(c.quantity)).c_str(), zText(c.redshift).c_str(), c.meanA, c.meanB, o.kMin, o.kMax,
        c.medianRatio, c.ksDistance);
    std::cout << buf;
    if (c.sameSideFraction) {
        std::snprintf(buf, sizeof buf, "; same side of x_HI = %g: %.4f", o.threshold, *c.sameSideFraction);
        std::cout << buf;
    }
    std::cout << (c.sameGrid ? "" : " (different grids: B interpolated, no r(k))") << "\n    k [" << u.kName()
              << "]   ratio A/B" << (c.cross ? "      r(k)" : "") << "\n";
    for (std::size_t i = 0; i < c.k.size(); ++i) {
        std::snprintf(buf, sizeof buf, "    %10.5f  %10.4f", u.k(c.k[i]), c.ratio[i]);
        std::cout << buf;
        if (c.cross) {
            std::snprintf(buf, sizeof buf, "  %8.4f", c.cross->r[i]);
            std::cout << buf;
        }
        std::cout << "\n";
    }
}

nlohmann::json entryNames(const std::vector<CubeEntry>& list)
{
    nlohmann::json a = nlohmann::json::array();
    for (const CubeEntry& e : list)
        a.push_back({{"path", e.path}, {"quantity", std::string(quantityName(e.quantity))},
            {"redshift", e.redshift ? number(*e.redshift) : nlohmann::json(nullptr)}});
    return a;
}

int runCompare(const CompareCliOptions& o)
{
    return exitCodeOf([&] {
        const SpectrumUnits units = spectrumUnits(o.units, o.hubble);
        const std::vector<CubeEntry> ea = sideEntries(o.a), eb = sideEntries(o.b);
        EntryPairing pairing;
        if (ea.size() == 1 && eb.size() == 1) // two single cubes: compare them whatever their redshifts
            pairing.pairs.emplace_back(ea.front(), eb.front());
        else
            pairing = pairEntries(ea, eb);
        if (pairing.pairs.empty())
            throw ParameterError(o.b, "has no cube of the same quantity and redshift as " + o.a);
        nlohmann::json pairs = nlohmann::json::array();
        for (const auto& [a, b] : pairing.pairs) {
            const CubeComparison c = compareCubes(loadEntry(a), loadEntry(b), o.compare);
            if (o.json) {
                nlohmann::json j = comparisonJson(c, o.compare, units);
                j["a"] = a.path;
                j["b"] = b.path;
                pairs.push_back(j);
            } else {
                printComparison(c, units, o.compare);
            }
        }
        if (o.json) {
            std::cout << nlohmann::json {{"a", o.a}, {"b", o.b}, {"pairs", pairs},
                {"only_a", entryNames(pairing.onlyA)}, {"only_b", entryNames(pairing.onlyB)}}
                             .dump(2)
                      << std::endl;
        } else {
            for (const CubeEntry& e : pairing.onlyA)
                std::cout << "only in A: " << e.path << "\n";
            for (const CubeEntry& e : pairing.onlyB)
                std::cout << "only in B: " << e.path << "\n";
        }
        return 0;
    });
}

} // namespace

void addCompareCommand(CLI::App& app)
{
    auto o = std::make_shared<CompareCliOptions>();
    CLI::App* cmd = app.add_subcommand("compare",
        "Compare two cubes, or two runs (folders) paired by quantity and redshift: means (nf, mean dTb), "
        "Delta^2(k) ratio A/B and its median over 0.1 < k < 1/Mpc, KS distance of the PDFs, and on one "
        "grid the fraction of cells on the same side of x_HI = 0.5 and r(k)");
    cmd->add_option("a", o->a, "Cube file or run folder A")->required();
    cmd->add_option("b", o->b, "Cube file or run folder B (the reference)")->required();
    cmd->add_flag("--json", o->json, "Print one JSON document {\"pairs\": [...], \"only_a\", \"only_b\"}");
    cmd->add_option(
           "--bins", o->compare.bins, "Power-spectrum bins: 0 = classic 21cmFAST bins (default), N = N log bins")
        ->check(CLI::Range(0, 10000));
    cmd->add_option("--kmin", o->compare.kMin, "Lower k of the median ratio [1/Mpc] (default 0.1)");
    cmd->add_option("--kmax", o->compare.kMax, "Upper k of the median ratio [1/Mpc] (default 1)");
    addUnitsOptions(cmd, o->units, o->hubble);
    cmd->callback([o] { exitCode() = runCompare(*o); });
}

} // namespace rs::cli

// `info` and `convert`: what is in a file or folder, and turning any readable cube into
// ReionScope HDF5.
#include "cli_common.h"

#include "catalog/catalog.h"
#include "io/cube_loader.h"
#include "io/halo_catalog.h"
#include "io/power_spectrum_file.h"
#include "io/reionscope_h5.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

struct InfoOptions {
    std::vector<std::string> paths;
    bool json = false;
    bool all = false;
};

nlohmann::json catalogJson(const Catalog& cat)
{
    nlohmann::json runs = nlohmann::json::array();
    for (const CatalogRun& r : cat.runs) {
        nlohmann::json z = nlohmann::json::array();
        for (const auto& [key, byQ] : r.cubes) {
            nlohmann::json cubes = nlohmann::json::object();
            for (const auto& [q, e] : byQ)
                cubes[std::string(quantityName(q))] = e.dataset.empty() ? e.path : e.path + "#" + e.dataset;
            z.push_back({{"redshift", number(key)}, {"cubes", cubes}});
        }
        runs.push_back({{"label", r.label}, {"folder", r.folder}, {"parameters", toJson(r.parameters)},
            {"shape", {r.shape[0], r.shape[1], r.shape[2]}}, {"box_length_mpc", r.box[0]}, {"redshifts", z}});
    }
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& [path, msg] : cat.errors)
        errors.push_back({{"path", path}, {"error", msg}});
    return {{"root", cat.root}, {"runs", runs}, {"errors", errors}, {"files_seen", cat.filesSeen},
        {"files_ignored", cat.filesIgnored}};
}

nlohmann::json haloJson(const CubeEntry& e, const HaloCatalogData& h)
{
    return {{"path", e.path}, {"format", formatName(e.format)}, {"dataset", e.dataset},
        {"kind", fieldKindName(FieldKind::HaloCatalog)}, {"count", h.masses.size()},
        {"mass_range", {number(h.minMass()), number(h.maxMass())}}, {"mass_units", "Msun"},
        {"redshift", e.redshift ? number(*e.redshift) : nlohmann::json(nullptr)}, {"box_length_mpc", number(e.box[0])},
        {"parameters", toJson(e.parameters)}};
}

std::string haloText(const CubeEntry& e, const HaloCatalogData& h)
{
    char buf[256];
    std::snprintf(buf, sizeof buf, "  halo list   %zu haloes, mass %.4g .. %.4g Msun\n", h.masses.size(), h.minMass(),
        h.maxMass());
    return e.path + " [" + e.dataset + "]\n  format      " + formatName(e.format) + "\n" + buf + "  redshift    "
        + (e.redshift ? formatValue(*e.redshift) : "unknown") + "\n";
}

std::string catalogText(const Catalog& cat)
{
    std::string out = cat.root + " (catalog: " + std::to_string(cat.runs.size()) + " runs, "
        + std::to_string(cat.filesSeen) + " files, " + std::to_string(cat.filesIgnored) + " ignored)\n";
    for (const CatalogRun& r : cat.runs) {
        out += "  run " + r.label + "  [" + std::to_string(r.shape[0]) + "^3, " + formatValue(r.box[0]) + " Mpc]  z =";
        std::string quantities;
        for (const auto& [z, byQ] : r.cubes) {
            out += " " + (isUnknownRedshift(z) ? std::string("?") : formatValue(z));
            for (const auto& [q, _] : byQ)
                if (quantities.find(quantitySymbol(q)) == std::string::npos)
                    quantities += (quantities.empty() ? "" : ", ") + std::string(quantitySymbol(q));
        }
        out += "  x {" + quantities + "}\n";
    }
    return out;
}

int runInfo(const InfoOptions& o)
{
    int failures = 0;
    nlohmann::json cubes = nlohmann::json::array();
    nlohmann::json catalogs = nlohmann::json::array();
    nlohmann::json spectra = nlohmann::json::array();
    nlohmann::json errors = nlohmann::json::array();
    auto fail = [&](const std::string& path, const std::string& message) {
        printError(message);
        errors.push_back({{"path", path}, {"error", message}});
        ++failures;
    };
    for (const std::string& path : o.paths) {
        try {
            if (isClassicPowerSpectrumName(std::filesystem::path(path).filename().string())) {
                const PowerSpectrumFile ps = readClassicPowerSpectrum(path);
                if (o.json)
                    spectra.push_back(
                        {{"path", ps.path}, {"redshift", ps.redshift ? number(*ps.redshift) : nlohmann::json(nullptr)},
                            {"parameters", toJson(ps.parameters)}, {"k", ps.k}, {"delta2", ps.delta2},
                            {"error", ps.error}});
                else
                    std::cout << ps.path << "\n  power spectrum, " << ps.k.size() << " k bins from " << ps.k.front()
                              << " to " << ps.k.back() << " 1/Mpc\n";
                continue;
            }
            if (std::filesystem::is_directory(path)) {
                const Catalog cat = scanFolder(path);
                for (const auto& [p, msg] : cat.errors)
                    fail(p, msg);
                if (cat.runs.empty() && cat.errors.empty())
                    fail(path,
                        path + ": no cube files found (" + std::to_string(cat.filesSeen) + " files looked at, "
                            + std::to_string(cat.filesIgnored) + " of no known format)");
                if (o.json)
                    catalogs.push_back(catalogJson(cat));
                else
                    std::cout << catalogText(cat);
                continue;
            }
            const std::vector<CubeEntry> entries = probeFile(path);
            const bool anyPrimary
                = std::any_of(entries.begin(), entries.end(), [](const CubeEntry& e) { return e.primary; });
            for (const CubeEntry& e : entries) {
                // Auxiliary fields show with --all, or when the file holds nothing else (never
                // an empty answer); halo catalogues always show.
                if (!e.primary && e.kind != FieldKind::HaloCatalog && !o.all && anyPrimary)
                    continue;
                if (e.kind == FieldKind::HaloCatalog) {
                    const HaloCatalogData h = readHaloCatalog(e);
                    if (o.json)
                        cubes.push_back(haloJson(e, h));
                    else
                        std::cout << haloText(e, h);
                    continue;
                }
                const Cube cube = loadEntry(e);
                const SummaryStats s = summarize(cube);
                if (o.json) {
                    nlohmann::json j = cubeJson(cube, s);
                    if (!e.primary)
                        j["role"] = "auxiliary";
                    cubes.push_back(j);
                } else {
                    std::cout << cubeText(cube, s)
                              << (e.primary ? "" : "  role        auxiliary (not a field ReionScope analyses)\n");
                }
            }
        } catch (const Error& e) {
            fail(path, e.what());
        } catch (const std::bad_alloc&) { // one file too big for memory must not hide the others
            fail(path, path + ": not enough memory to read it");
        }
    }
    if (o.json) {
        nlohmann::json doc = {{"cubes", cubes}, {"errors", errors}};
        if (!catalogs.empty())
            doc["catalogs"] = catalogs;
        if (!spectra.empty())
            doc["power_spectra"] = spectra;
        std::cout << dumpJson(doc) << std::endl;
    }
    return failures ? kExitFailed : 0;
}

struct ConvertOptions {
    std::string in, out;
    bool all = false;
    std::string codec = "lzf";
    int level = 1;
};

int runConvert(const ConvertOptions& o)
{
    try {
        const std::vector<Cube> cubes = loadFile(o.in, !o.all);
        if (cubes.empty())
            throw FormatError(o.in, "holds no cube to convert");
        H5WriteOptions w;
        w.codec = o.codec == "none" ? H5WriteOptions::Codec::None
            : o.codec == "deflate"  ? H5WriteOptions::Codec::Deflate
                                    : H5WriteOptions::Codec::Lzf;
        w.deflateLevel = o.level;
        writeReionScopeH5(o.out, cubes, w);
        std::cout << "wrote " << cubes.size() << " cube" << (cubes.size() == 1 ? "" : "s") << " to " << o.out << "\n";
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addInfoCommands(CLI::App& app)
{
    auto info = std::make_shared<InfoOptions>();
    CLI::App* cmd = app.add_subcommand("info",
        "Describe cubes: format, quantity, shape, box, redshift, parameters, "
        "statistics; a folder lists its catalog of runs");
    cmd->add_option("paths", info->paths, "Files or folders")->required();
    cmd->add_flag("--json", info->json, "Print one JSON document {\"cubes\": [...]}");
    cmd->add_flag("--all", info->all, "Also auxiliary fields (velocities, ...) of HDF5 files");
    cmd->callback([info] { exitCode() = runInfo(*info); });
    cmd->footer("Exit status: 0 all inputs described, 1 some failed (each named on stderr and, with --json, "
                "in \"errors\"), 2 bad usage.");

    auto conv = std::make_shared<ConvertOptions>();
    CLI::App* c = app.add_subcommand("convert", "Convert any readable cube file into ReionScope HDF5");
    c->add_option("in", conv->in, "Input file")->required();
    c->add_option("out", conv->out, "Output .h5 file")->required();
    c->add_flag("--all", conv->all, "Also auxiliary fields of HDF5 inputs");
    c->add_option("--codec", conv->codec, "lzf (fast, h5py reads it natively), deflate (any HDF5 tool) or none")
        ->check(CLI::IsMember({"lzf", "deflate", "none"}));
    c->add_option("--level", conv->level, "Deflate level 1-9")->check(CLI::Range(1, 9));
    c->callback([conv] {
        requireOutputFile("out", conv->out, {conv->in});
        removeStaleTemporaries(std::filesystem::absolute(conv->out).parent_path().string());
        exitCode() = runConvert(*conv);
    });
}

} // namespace rs::cli

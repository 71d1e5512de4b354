#include "catalog/catalog.h"

#include "io/classic_name.h"
#include "io/cube_loader.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>

namespace rs {

namespace fs = std::filesystem;

std::vector<double> CatalogRun::redshifts() const
{
    std::vector<double> z;
    for (const auto& [key, _] : cubes)
        z.push_back(key);
    return z;
}

std::size_t CatalogRun::cubeCount() const
{
    std::size_t n = 0;
    for (const auto& [_, byQ] : cubes)
        n += byQ.size();
    return n;
}

double redshiftKey(std::optional<double> z)
{
    if (!z)
        return std::numeric_limits<double>::quiet_NaN();
    return std::round(*z * 1e4) / 1e4;
}

namespace {

/// Parameters that define a reionization run (astrophysics), as opposed to per-box values.
constexpr const char* kAstroKeys[] = {param::zeta, param::fesc, param::fstar, param::mMin, param::mTurn,
                                      param::tvirMin, param::rMax, param::filter};

Parameters runParameters(const CubeEntry& e)
{
    Parameters p;
    for (const char* k : kAstroKeys)
        if (auto it = e.parameters.find(k); it != e.parameters.end())
            p[k] = it->second;
    if (auto it = e.parameters.find(param::seed); it != e.parameters.end())
        p[param::seed] = it->second;
    return p;
}

bool hasAstro(const Parameters& p)
{
    for (const char* k : kAstroKeys)
        if (p.count(k))
            return true;
    return false;
}

std::string folderOf(const CubeEntry& e) { return fs::path(e.path).parent_path().string(); }

std::string gridText(const Shape& s, const Extent& b)
{
    char buf[96];
    std::snprintf(buf, sizeof buf, "%zux%zux%zu/%.6g", s[0], s[1], s[2], b[0]);
    return buf;
}

std::string paramsText(const Parameters& p)
{
    std::string s;
    for (const auto& [k, v] : p)
        s += k + "=" + formatValue(v) + ";";
    return s;
}

std::string makeLabel(const Parameters& p, const std::string& folder)
{
    std::string label;
    auto add = [&](const char* key, const std::string& name) {
        if (auto it = p.find(key); it != p.end())
            label += (label.empty() ? "" : ", ") + name + formatValue(it->second);
    };
    add(param::zeta, "ζ=");
    add(param::fesc, "f_esc=");
    add(param::fstar, "f*=");
    add(param::mTurn, "M_turn=");
    add(param::seed, "seed ");
    if (label.empty())
        label = fs::path(folder).filename().string();
    if (label.empty())
        label = folder;
    return label;
}

bool sameSeed(const Parameters& a, const Parameters& b)
{
    auto sa = numberOf(a, param::seed), sb = numberOf(b, param::seed);
    return !sa || !sb || *sa == *sb;
}

} // namespace

std::vector<CatalogRun> groupIntoRuns(const std::vector<CubeEntry>& entries)
{
    std::vector<CatalogRun> runs;
    auto findOrAdd = [&](const CubeEntry& e, const Parameters& p) -> CatalogRun& {
        const std::string folder = folderOf(e);
        const std::string id = folder + "|" + gridText(e.shape, e.box) + "|" + paramsText(p);
        for (CatalogRun& r : runs)
            if (r.id == id)
                return r;
        CatalogRun r;
        r.id = id;
        r.folder = folder;
        r.parameters = p;
        r.shape = e.shape;
        r.box = e.box;
        r.label = makeLabel(p, folder);
        runs.push_back(std::move(r));
        return runs.back();
    };
    auto place = [](CatalogRun& r, const CubeEntry& e) {
        r.cubes[redshiftKey(e.redshift)].try_emplace(e.quantity, e);
    };

    std::vector<const CubeEntry*> agnostic;
    // 1. Entries that carry their astrophysics (x_HI boxes, HDF5 files) define runs.
    for (const CubeEntry& e : entries) {
        if (!e.primary)
            continue;
        const Parameters p = runParameters(e);
        if (hasAstro(p))
            place(findOrAdd(e, p), e);
        else
            agnostic.push_back(&e);
    }
    // 2. A δT_b box pairs with the x_HI box of the same folder, grid, redshift and nf (classic
    //    names carry nf in both). Others (density, which does not depend on ζ) join every run
    //    of their folder, grid and seed; what matches nothing forms a run of its own.
    std::vector<const CubeEntry*> rest;
    for (const CubeEntry* e : agnostic) {
        bool paired = false;
        auto nf = numberOf(e->parameters, param::nf);
        if (e->quantity == Quantity::BrightnessTemperature && nf) {
            for (CatalogRun& r : runs) {
                if (r.folder != folderOf(*e) || r.shape != e->shape || r.box != e->box)
                    continue;
                auto zIt = r.cubes.find(redshiftKey(e->redshift));
                if (zIt == r.cubes.end())
                    continue;
                auto xIt = zIt->second.find(Quantity::NeutralFraction);
                if (xIt == zIt->second.end())
                    continue;
                auto xnf = numberOf(xIt->second.parameters, param::nf);
                if (xnf && std::abs(*xnf - *nf) < 5e-7) {
                    place(r, *e);
                    paired = true;
                }
            }
        }
        if (!paired)
            rest.push_back(e);
    }
    const std::size_t astroRuns = runs.size();
    for (const CubeEntry* e : rest) {
        bool joined = false;
        const Parameters p = runParameters(*e);
        for (std::size_t i = 0; i < astroRuns; ++i) {
            CatalogRun& r = runs[i];
            if (r.folder != folderOf(*e) || r.shape != e->shape || r.box != e->box || !sameSeed(r.parameters, p))
                continue;
            // A density box pairs with runs at its redshift; a δT_b box whose x_HI partner is
            // missing stays on its own rather than joining an arbitrary run.
            if (e->quantity != Quantity::Density)
                continue;
            place(r, *e);
            joined = true;
        }
        if (!joined)
            place(findOrAdd(*e, p), *e);
    }
    std::sort(runs.begin(), runs.end(), [](const CatalogRun& a, const CatalogRun& b) {
        if (a.folder != b.folder)
            return a.folder < b.folder;
        return a.label < b.label;
    });
    return runs;
}

Catalog scanFolder(const std::string& folder, const ScanOptions& options, const ProgressFn& progress,
                   const StopToken& stop)
{
    Catalog cat;
    cat.root = folder;
    std::error_code ec;
    if (!fs::exists(folder, ec))
        throw IoError(folder, "no such file or folder");
    if (!fs::is_directory(folder, ec))
        throw IoError(folder, "is not a folder");

    std::vector<std::string> files;
    auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec)
        throw IoError(folder, "cannot read folder: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        if (stop.stopRequested())
            throw CancelledError();
        const fs::directory_entry& de = *it;
        const std::string name = de.path().filename().string();
        if (!name.empty() && name[0] == '.') { // hidden files and folders, and our own temporaries
            if (de.is_directory(ec))
                it.disable_recursion_pending();
            continue;
        }
        if (de.is_directory(ec)) {
            if (!options.recursive || std::size_t(it.depth()) + 1 >= options.maxDepth)
                it.disable_recursion_pending();
            continue;
        }
        if (de.is_regular_file(ec))
            files.push_back(de.path().string());
    }
    std::sort(files.begin(), files.end());

    std::vector<CubeEntry> entries;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (stop.stopRequested())
            throw CancelledError();
        const std::string& path = files[i];
        ++cat.filesSeen;
        try {
            for (CubeEntry& e : probeFile(path))
                entries.push_back(std::move(e));
        } catch (const UnrecognisedFormatError&) {
            ++cat.filesIgnored;
        } catch (const Error& err) {
            cat.errors.emplace_back(path, err.what());
        }
        if (progress && (i % 64 == 0 || i + 1 == files.size()))
            progress(double(i + 1) / double(files.size()), "scanning " + folder);
    }
    cat.runs = groupIntoRuns(entries);
    return cat;
}

} // namespace rs

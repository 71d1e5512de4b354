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
        return kUnknownRedshift;
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

std::size_t astroCount(const Parameters& p)
{
    std::size_t n = 0;
    for (const char* k : kAstroKeys)
        n += p.count(k);
    return n;
}

bool sameValue(const ParamValue& a, const ParamValue& b)
{
    const auto x = numberOf(a), y = numberOf(b);
    if (x && y)
        return std::abs(*x - *y) <= 1e-9 * std::max(std::abs(*x), std::abs(*y));
    return a == b;
}

/// Whether an entry with parameters `p` can belong to run `r`: same folder and grid, compatible
/// seed, and every astrophysical parameter the entry knows equal to the run's. (A δT_b box in a
/// folder named zeta20 knows only ζ; its x_HI box knows ζ, M_min, R_max and the filter.)
bool compatible(const CatalogRun& r, const CubeEntry& e, const Parameters& p)
{
    if (r.folder != folderOf(e) || r.shape != e.shape || r.box != e.box || !sameSeed(r.parameters, p))
        return false;
    for (const char* k : kAstroKeys) {
        auto it = p.find(k);
        if (it == p.end())
            continue;
        auto jt = r.parameters.find(k);
        if (jt == r.parameters.end() || !sameValue(it->second, jt->second))
            return false;
    }
    return true;
}

/// Whether run `r` holds, at the entry's redshift, an x_HI box with the same nf (classic names
/// carry nf in both the x_HI and the δT_b name, which pairs them exactly).
bool hasNeutralFractionPartner(const CatalogRun& r, const CubeEntry& e, double nf)
{
    auto zIt = r.cubes.find(redshiftKey(e.redshift));
    if (zIt == r.cubes.end())
        return false;
    auto xIt = zIt->second.find(Quantity::NeutralFraction);
    if (xIt == zIt->second.end())
        return false;
    auto xnf = numberOf(xIt->second.parameters, param::nf);
    return xnf && std::abs(*xnf - nf) < 5e-7;
}

} // namespace

std::vector<CatalogRun> groupIntoRuns(const std::vector<CubeEntry>& entries)
{
    // Entries that know most about their astrophysics (x_HI boxes, HDF5 files) come first and
    // define runs; entries that know less (a density box knows nothing, a δT_b box in a labelled
    // folder only ζ) then join the runs they are compatible with.
    std::vector<const CubeEntry*> order;
    for (const CubeEntry& e : entries)
        if (e.primary)
            order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const CubeEntry* a, const CubeEntry* b) {
        return astroCount(runParameters(*a)) > astroCount(runParameters(*b));
    });

    std::vector<CatalogRun> runs;
    auto place = [](CatalogRun& r, const CubeEntry& e) {
        r.cubes[redshiftKey(e.redshift)].try_emplace(e.quantity, e);
    };
    auto addRun = [&](const CubeEntry& e, const Parameters& p) -> CatalogRun& {
        CatalogRun r;
        r.folder = folderOf(e);
        r.id = r.folder + "|" + gridText(e.shape, e.box) + "|" + paramsText(p);
        r.parameters = p;
        r.shape = e.shape;
        r.box = e.box;
        r.label = makeLabel(p, r.folder);
        runs.push_back(std::move(r));
        return runs.back();
    };

    for (const CubeEntry* e : order) {
        const Parameters p = runParameters(*e);
        std::vector<CatalogRun*> candidates;
        CatalogRun* exact = nullptr;
        for (CatalogRun& r : runs) {
            if (!compatible(r, *e, p))
                continue;
            candidates.push_back(&r);
            if (astroCount(r.parameters) == astroCount(p) && sameSeed(r.parameters, p)
                && numberOf(r.parameters, param::seed) == numberOf(p, param::seed))
                exact = &r;
        }
        if (exact) {
            place(*exact, *e);
            continue;
        }
        bool placed = false;
        if (e->quantity == Quantity::BrightnessTemperature) {
            // δT_b depends on ζ: it joins only the run whose x_HI box has its nf.
            if (auto nf = numberOf(e->parameters, param::nf))
                for (CatalogRun* r : candidates)
                    if (hasNeutralFractionPartner(*r, *e, *nf)) {
                        place(*r, *e);
                        placed = true;
                    }
        } else if (e->quantity == Quantity::Density) {
            // The density field does not depend on ζ: it belongs to every compatible run.
            for (CatalogRun* r : candidates) {
                place(*r, *e);
                placed = true;
            }
        } else if (candidates.size() == 1) {
            place(*candidates.front(), *e);
            placed = true;
        }
        if (!placed)
            place(addRun(*e, p), *e);
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

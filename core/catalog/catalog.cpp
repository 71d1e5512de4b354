#include "catalog/catalog.h"

#include "io/classic_name.h"
#include "io/cube_loader.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
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
constexpr const char* kAstroKeys[]
    = {param::zeta, param::fesc, param::fstar, param::mMin, param::mTurn, param::tvirMin, param::rMax, param::filter};

/// py21cmfast parameter groups that define a run (raw "group.NAME" keys of HDF5 entries).
constexpr const char* kRunGroups[] = {"astro_params.", "flag_options.", "astro_options.", "cosmo_params.",
    "cosmo_tables.", "user_params.", "simulation_options.", "matter_options."};
/// Raw keys that change how a run was computed, not what it is.
constexpr const char* kTechnicalKeys[]
    = {"N_THREADS", "USE_FFTW_WISDOM", "MINIMIZE_MEMORY", "USE_INTERPOLATION_TABLES", "FAST_FCOLL_TABLES"};

bool isSelfDescribing(const CubeEntry& e)
{
    return e.format == FileFormat::H5v3 || e.format == FileFormat::H5v4;
}

bool isRunKey(const std::string& key)
{
    for (const char* g : kRunGroups) {
        if (key.rfind(g, 0) != 0)
            continue;
        const std::string name = key.substr(std::string(g).size());
        for (const char* t : kTechnicalKeys)
            if (name == t)
                return false;
        return true;
    }
    return false;
}

/// Matter-only structures (same for every astrophysics): their astro parameters, which py21cmfast
/// v4 writes into every file, must not tie them to one run.
bool isMatterOnly(const CubeEntry& e)
{
    return e.dataset.rfind("PerturbedField/", 0) == 0 || e.dataset.rfind("InitialConditions/", 0) == 0;
}

bool isAstroKey(const std::string& key)
{
    return key.rfind("astro_params.", 0) == 0 || key.rfind("astro_options.", 0) == 0
        || key.rfind("flag_options.", 0) == 0;
}

Parameters runParameters(const CubeEntry& e)
{
    Parameters p;
    if (isSelfDescribing(e) && isMatterOnly(e)) {
        for (const auto& [k, v] : e.parameters)
            if (isRunKey(k) && !isAstroKey(k))
                p[k] = v;
        if (auto it = e.parameters.find(param::seed); it != e.parameters.end())
            p[param::seed] = it->second;
        return p;
    }
    for (const char* k : kAstroKeys)
        if (auto it = e.parameters.find(k); it != e.parameters.end())
            p[k] = it->second;
    if (auto it = e.parameters.find(param::seed); it != e.parameters.end())
        p[param::seed] = it->second;
    // py21cmfast files carry their whole configuration: runs differ by any of it (L_X, flags,
    // cosmology), not only by the classic astrophysical parameters.
    if (isSelfDescribing(e))
        for (const auto& [k, v] : e.parameters)
            if (isRunKey(k))
                p[k] = v;
    return p;
}

std::string folderOf(const CubeEntry& e)
{
    return fs::path(e.path).parent_path().string();
}

/// The deepest folder holding both paths.
std::string commonFolder(const std::string& a, const std::string& b)
{
    fs::path out;
    const fs::path pa(a), pb(b);
    for (auto i = pa.begin(), j = pb.begin(); i != pa.end() && j != pb.end() && *i == *j; ++i, ++j)
        out /= *i;
    return out.string();
}

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

/// How much an entry knows about its run: every identifying parameter but the seed.
std::size_t astroCount(const Parameters& p)
{
    return p.size() - p.count(param::seed);
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
/// (py21cmfast files describe themselves, so their folder does not matter: a v4 cache keeps each
/// structure and redshift in a folder of its own.)
bool compatible(const CatalogRun& r, const CubeEntry& e, const Parameters& p)
{
    if ((!r.selfDescribing && r.folder != folderOf(e)) || r.selfDescribing != isSelfDescribing(e) || r.shape != e.shape
        || r.box != e.box || !sameSeed(r.parameters, p))
        return false;
    for (const auto& [k, v] : p) {
        if (k == param::seed)
            continue;
        auto jt = r.parameters.find(k);
        if (jt == r.parameters.end() || !sameValue(v, jt->second))
            return false;
    }
    return true;
}

std::string displayName(const std::string& key)
{
    static const std::pair<const char*, const char*> known[] = {{param::zeta, "ζ="}, {param::fesc, "f_esc="},
        {param::fstar, "f*="}, {param::mTurn, "M_turn="}, {param::tvirMin, "T_vir="}, {param::mMin, "M_min="},
        {param::rMax, "R_max="}, {param::filter, "filter "}, {param::seed, "seed "}};
    for (const auto& [k, name] : known)
        if (key == k)
            return name;
    return key.substr(key.find('.') + 1) + "=";
}

/// Labels that say what differs between runs: the parameters whose values are not the same in
/// every run (classic astrophysical ones first, the seed last); a lone run keeps the short
/// default label; runs still alike get their folder's name added.
void labelRuns(std::vector<CatalogRun>& runs)
{
    if (runs.size() < 2)
        return;
    std::vector<std::string> keys;
    for (const char* k : kAstroKeys)
        keys.push_back(k);
    std::set<std::string> seen(keys.begin(), keys.end());
    for (const CatalogRun& r : runs)
        for (const auto& [k, _] : r.parameters)
            if (k != param::seed && seen.insert(k).second)
                keys.push_back(k);
    keys.push_back(param::seed);
    std::vector<std::string> differing;
    for (const std::string& k : keys) {
        const ParamValue* first = nullptr;
        bool differs = false;
        for (const CatalogRun& r : runs) {
            auto it = r.parameters.find(k);
            if (it == r.parameters.end())
                continue;
            differs = differs || (first && !sameValue(*first, it->second));
            first = first ? first : &it->second;
        }
        if (differs)
            differing.push_back(k);
    }
    std::map<std::string, int> uses;
    for (CatalogRun& r : runs) {
        std::string label;
        for (const std::string& k : differing)
            if (auto it = r.parameters.find(k); it != r.parameters.end())
                label += (label.empty() ? "" : ", ") + displayName(k) + formatValue(it->second);
        if (!label.empty())
            r.label = label;
        ++uses[r.label];
    }
    for (CatalogRun& r : runs)
        if (uses[r.label] > 1)
            r.label += " (" + fs::path(r.folder).filename().string() + ")";
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

/// Halo catalogues join every run of their box whose matter configuration (seed, cosmology,
/// grid: what the haloes depend on) they share; the astrophysics does not move haloes.
void attachHaloes(std::vector<CatalogRun>& runs, const std::vector<CubeEntry>& entries)
{
    for (const CubeEntry& e : entries) {
        if (e.kind != FieldKind::HaloCatalog)
            continue;
        Parameters p;
        for (const auto& [k, v] : e.parameters)
            if ((isRunKey(k) && !isAstroKey(k)) || k == param::seed)
                p[k] = v;
        for (CatalogRun& r : runs) {
            CubeEntry probe = e;
            probe.shape = r.shape; // a list of haloes has no grid of its own
            if (compatible(r, probe, p))
                r.haloes.push_back(e);
        }
    }
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
        if (r.selfDescribing)
            r.folder = commonFolder(r.folder, folderOf(e));
    };
    auto addRun = [&](const CubeEntry& e, const Parameters& p) -> CatalogRun& {
        CatalogRun r;
        r.folder = folderOf(e);
        r.id = r.folder + "|" + gridText(e.shape, e.box) + "|" + paramsText(p);
        r.parameters = p;
        r.shape = e.shape;
        r.box = e.box;
        r.selfDescribing = isSelfDescribing(e);
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
        const auto nf = numberOf(e->parameters, param::nf);
        if (e->quantity == Quantity::BrightnessTemperature && nf) {
            // δT_b depends on ζ: it joins only the run whose x_HI box has its nf.
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
    attachHaloes(runs, entries);
    labelRuns(runs);
    std::sort(runs.begin(), runs.end(), [](const CatalogRun& a, const CatalogRun& b) {
        if (a.folder != b.folder)
            return a.folder < b.folder;
        return a.label < b.label;
    });
    return runs;
}

Catalog scanFolder(
    const std::string& folder, const ScanOptions& options, const ProgressFn& progress, const StopToken& stop)
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

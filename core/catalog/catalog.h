#pragma once
/// \file catalog.h
/// Groups cube files into runs (same simulation parameters) and pairs density / x_HI / δT_b by
/// redshift, so a folder reads as "run ζ=20: z = 7, 8, 9, 10 × {density, x_HI, δT_b}".

#include "io/cube_entry.h"
#include "util/progress.h"

#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rs {

struct CatalogRun {
    std::string id; ///< stable key (folder, grid and parameters)
    std::string label; ///< for people: what differs from the other runs ("ζ=20", "L_X=40.5, seed 3")
    std::string folder; ///< the folder holding the run's files (a cache tree's common root)
    bool selfDescribing = false; ///< py21cmfast HDF5 (parameters inside) rather than names or folders
    Parameters parameters; ///< what defines the run (ζ, f_esc, seed, M_min, ...), without per-z values
    Shape shape {0, 0, 0};
    Extent box {0, 0, 0};
    /// redshift → quantity → cube. Entries without a redshift sit under kUnknownRedshift.
    std::map<double, std::map<Quantity, CubeEntry>> cubes;
    /// Halo catalogues of the run's box and configuration (seed, cosmology, grid), any redshift.
    std::vector<CubeEntry> haloes;

    std::vector<double> redshifts() const;
    std::size_t cubeCount() const;
};

struct Catalog {
    std::string root;
    std::vector<CatalogRun> runs;
    /// Files that looked like cubes but could not be read: (path, message).
    std::vector<std::pair<std::string, std::string>> errors;
    std::size_t filesSeen = 0; ///< regular files looked at
    std::size_t filesIgnored = 0; ///< files of no recognised format (silently skipped)
};

struct ScanOptions {
    bool recursive = true;
    std::size_t maxDepth = 8;
};

/// Scans a folder (recursively by default) for cube files. Unrelated files are skipped quickly
/// (name check and an 8-byte read); damaged cube files go into `errors`. Throws IoError when the
/// folder cannot be read, CancelledError when stopped.
Catalog scanFolder(const std::string& folder, const ScanOptions& options = {}, const ProgressFn& progress = {},
    const StopToken& stop = {});

/// Groups already-probed entries into runs (the grouping half of scanFolder): one run per grid,
/// seed and parameters; py21cmfast files by their whole configuration wherever they lie, other
/// formats by folder and the parameters their names or folders give.
std::vector<CatalogRun> groupIntoRuns(const std::vector<CubeEntry>& entries);

/// The redshift key of cubes whose redshift is unknown: +infinity, so they sort last and the
/// map stays well ordered (NaN keys would break std::map's ordering).
inline constexpr double kUnknownRedshift = std::numeric_limits<double>::infinity();
inline bool isUnknownRedshift(double key)
{
    return key == kUnknownRedshift;
}

/// Redshift key used in CatalogRun::cubes (rounded so 8.0 and 8.00001 pair up).
double redshiftKey(std::optional<double> z);

} // namespace rs

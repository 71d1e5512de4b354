#pragma once
/// \file vet_cache.h
/// (Internal to hdf5_guard.cpp.) HDF5 files that passed the reionscope-probe helper, remembered
/// across processes, so a CLI call or a GUI started again opens a file vetted before without the
/// helper. One line per file in a small text file under the user's cache folder:
///
///     v2 <libhdf5 version> <hash> <size> <mtime ns> <absolute path>
///
/// A file matches when its path, size, modification time and a hash of its first and last
/// 64 KiB (where HDF5 keeps its superblock and most metadata) are those recorded; any edit that
/// changes one of them sends it to the helper again, and so does another libhdf5 version. The
/// file holds at most a few thousand entries (the oldest are dropped); it is appended to one line
/// at a time and rewritten atomically when compacted, so concurrent processes at worst lose an
/// entry (the file is then vetted again). Unreadable or malformed lines are ignored: a damaged
/// cache costs helper runs, never safety beyond what the key promises.

#include <cstdint>
#include <optional>
#include <string>

namespace rs::h5::detail {

/// What identifies one version of a file's content for the cache.
struct FileFingerprint {
    std::string path; ///< absolute
    std::uint64_t size = 0;
    std::int64_t mtimeNs = 0;
    std::uint64_t hash = 0; ///< FNV-1a (over 8-byte words) of the first and last 64 KiB
};

/// The fingerprint of `absolutePath`; nullopt when it is not a readable regular file or its path
/// cannot be stored (a newline in it).
std::optional<FileFingerprint> fingerprintOf(const std::string& absolutePath);

/// The cache file: $REIONSCOPE_VET_CACHE when set (empty: no persistent cache), else
/// $XDG_CACHE_HOME/reionscope/hdf5-vetted.txt, else ~/.cache/reionscope/hdf5-vetted.txt.
std::string defaultVetCacheFile();

/// The persistent cache of one process. Thread-safe.
class PersistentVetCache {
public:
    /// Uses `file` ("" switches the persistent cache off) and forgets what was loaded.
    void setFile(const std::string& file);
    std::string file();
    /// Whether `f` was recorded as passed (reloads the file when another process changed it).
    bool contains(const FileFingerprint& f);
    /// Records `f` as passed (best effort: a cache that cannot be written is only slower).
    void add(const FileFingerprint& f);
    /// Forgets the entries loaded in memory (the file is read again on the next lookup).
    void forget();

    static constexpr std::size_t kMaxEntries = 4096;
};

} // namespace rs::h5::detail

#pragma once
/// \file vet_cache.h
/// (Internal to hdf5_guard.cpp.) What the reionscope-probe helper listed for HDF5 files it
/// passed, kept across processes, so a CLI call or a GUI started again lists a file vetted before
/// without the helper and without parsing its metadata in-process (libhdf5 crashed there on a
/// damaged attribute table the helper had survived). One small record file per HDF5 file, in a
/// cache folder, named by a hash of the file's absolute path:
///
///     reionscope-vetted 3 <check>
///     <libhdf5 version> <hash> <size> <mtime ns> <listing bytes> <stored bytes>
///     <absolute path>
///     <stored bytes: the listing (io/entry_codec.h), LZF-compressed when that is smaller>
///
/// `check` is a 64-bit FNV-1a of everything after the first line, in 16 hex digits. A record
/// matches when its check, format, libhdf5 version, path, size, modification time and a hash of
/// the file's first and last 64 KiB (where HDF5 keeps its superblock and most metadata) are those
/// of the file now, and its listing decodes; anything else (another version of the file, a
/// damaged, truncated or foreign record) is ignored and the file goes to the helper again, whose
/// answer replaces the record. Records are written to a temporary name and renamed into place.
/// The folder keeps at most kMaxEntries records and kMaxBytes bytes (the oldest go first; see
/// prune), and a listing larger than kMaxListingBytes is not kept.

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

/// The cache folder: $REIONSCOPE_VET_CACHE when set (empty: no persistent cache), else
/// $XDG_CACHE_HOME/reionscope/hdf5-vetted, else ~/.cache/reionscope/hdf5-vetted.
std::string defaultVetCacheFolder();

/// The record of `f` with `listing` (what add writes; tests damage it), and its name in the folder.
std::string recordOf(const FileFingerprint& f, const std::string& listing);
std::string recordNameOf(const FileFingerprint& f);

/// The persistent cache of one process. Thread-safe; never throws.
class PersistentVetCache {
public:
    /// Uses `folder` ("" switches the persistent cache off).
    void setFolder(const std::string& folder);
    std::string folder();
    /// The listing recorded for this version of the file (encoded, io/entry_codec.h); nullopt
    /// when there is none, it is another version's, or the record is damaged.
    std::optional<std::string> find(const FileFingerprint& f);
    /// Records the helper's listing of `f` (best effort: a cache that cannot be written is only
    /// slower). Prunes the folder at a process's first record and every 64th after.
    void add(const FileFingerprint& f, const std::string& listing);
    /// Drops the oldest records until at most 3/4 of `maxEntries` and `maxBytes` remain, and
    /// temporary files left by writers that died (older than a minute).
    void prune(std::size_t maxEntries = kMaxEntries, std::uint64_t maxBytes = kMaxBytes);

    static constexpr std::size_t kMaxEntries = 4096;
    static constexpr std::uint64_t kMaxBytes = std::uint64_t(64) << 20;
    static constexpr std::size_t kMaxListingBytes = std::size_t(4) << 20;
};

} // namespace rs::h5::detail

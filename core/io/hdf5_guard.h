#pragma once
/// \file hdf5_guard.h
/// Isolation of untrusted HDF5 parsing. Debian's libhdf5 crashes or loops on some damaged files
/// (corrupt global heaps, attribute tables, B-trees); a crash would take down the GUI and a
/// training running in it. So before this process's HDF5 library reads a file's metadata, a small
/// helper process of ours (`reionscope-probe`, installed beside the CLI and the GUI) opens it
/// under an address-space and time limit and lists what it holds. A crash or hang there becomes a
/// FormatError naming the file; a file that passed is remembered with its listing (by device,
/// inode, size and modification time in this process; by path, size, time and content hash
/// across processes, see setVetCacheFolder), so opening it again costs no helper run and still
/// parses none of its metadata here. One helper process (`--serve`) answers file after file,
/// through a fresh fork of itself after each file it refused or died on; when it dies on a file, a
/// fresh single-file helper confirms before the file is reported.

#include "io/cube_entry.h"
#include "io/h5_chunk_reader.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rs::h5 {

/// The cubes `path` holds, listed by the helper (its process read the metadata; this one never
/// parses it), each entry naming `path`. The helper runs unless this version of the file was
/// listed before, in this process or (persistent cache) an earlier one. Throws FormatError ("<path>: the HDF5 library
/// crashed reading its metadata
/// ...: the file is damaged") when the helper died from a signal or ran past the time limit, and
/// the helper's own refusal (IoError, FormatError or UnrecognisedFormatError naming `path`) when
/// it could not list the file: a file the helper refused is never opened in this process (a
/// damaged global heap read out of bounds there without crashing, then crashed here). Returns
/// nullopt when isolation is off, the helper is not installed or the path is not a regular file:
/// the caller then lists it in-process.
std::optional<std::vector<CubeEntry>> probeIsolated(const std::string& path);

/// probeIsolated without its entries: throws as it does, returns once the file may be opened in
/// this process.
void vetFile(const std::string& path);

/// Where the helper found `dataset`'s voxels in `path` stored as plain float32 little-endian
/// bytes (io/h5_chunk_reader.h, plainPieces), pieces filling exactly `bytes`, when it listed this
/// version of the file for this process: the voxels can then be read without HDF5 here. nullopt
/// otherwise. Never throws.
std::optional<std::vector<PlainPiece>> plainDataOf(
    const std::string& path, const std::string& dataset, std::uint64_t bytes);

/// Where the helper found `dataset`'s voxels in `path` stored in compressed chunks of whole slabs
/// (io/h5_chunk_reader.h, packedChunks) of exactly `shape`, when it listed this version of the
/// file for this process: readPackedChunks then decodes them without HDF5 here. nullopt
/// otherwise. Never throws.
std::optional<PackedChunks> packedDataOf(const std::string& path, const std::string& dataset, const Shape& shape);

/// The helper's path: $REIONSCOPE_PROBE, else `reionscope-probe` beside the running executable;
/// "" when neither exists.
std::string probeHelperPath();

/// Switches isolation on or off for the process (on by default; the helper itself switches it
/// off, and so can $REIONSCOPE_ISOLATION=0).
void setIsolation(bool on);
bool isolationEnabled();

/// Seconds the helper may take for one file (default 20) before it is killed and the file
/// reported as hanging the library.
void setVetTimeoutSeconds(double seconds);

/// Forgets which files passed in this process (benchmarks measure the first, uncached, open);
/// the next open finds them in the persistent cache, as a new process would.
void clearVetCache();

/// Files that passed are also remembered across processes with the helper's listing, one small
/// record per file in a folder under the user's cache folder (io/vet_cache.h: keyed by path,
/// size, modification time and a hash of the first and last 64 KiB, checksummed, at most 4096
/// records and 64 MiB), so opening them again in a later CLI call or GUI session needs neither the
/// helper nor any metadata parsing here. Default: $REIONSCOPE_VET_CACHE when set ("" switches it
/// off), else $XDG_CACHE_HOME/reionscope/hdf5-vetted, else ~/.cache/reionscope/hdf5-vetted.
/// "" switches the persistent cache off for this process. Never throws.
void setVetCacheFolder(const std::string& folder);
std::string vetCacheFolder();

/// What the helper does in its own process: sets its limits, opens the file, lists its cubes and
/// walks every dataset's chunk index; prints "ok <cubes> <bytes>" and that many bytes of encoded
/// entries (io/entry_codec.h), or "error <io|format|unrecognised> <problem>". Returns the exit
/// status: 0 when the file was read, 1 when it is damaged or not a cube file, 2 for bad usage.
/// With `--serve` it reads one path per line from stdin and answers each on stdout.
int runProbeHelper(int argc, char** argv);

} // namespace rs::h5

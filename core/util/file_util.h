#pragma once
/// \file file_util.h
/// Small file helpers shared by readers and writers: sizes, whole reads, atomic replacement.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

namespace rs {

/// Size in bytes of a regular file. Throws IoError if it does not exist or is not a regular file.
std::uint64_t regularFileSize(const std::string& path);

/// Reads exactly `bytes` bytes from `offset` into `out`. Throws IoError on open failure and
/// FormatError when the file ends early.
void readExactly(const std::string& path, std::uint64_t offset, void* out, std::size_t bytes);

/// Reads up to `n` bytes from the start of the file (fewer if it is shorter). Throws IoError.
std::string readHead(const std::string& path, std::size_t n);

/// A temporary name beside `path`: ".<name>.tmp<pid>-<random>", hidden, and naming the process
/// that writes it so removeStaleTemporaries can tell a dead writer's leftovers from live work.
std::string temporaryPathFor(const std::string& path);

/// Removes the temporaries (as named by temporaryPathFor) in `folder` whose writing process no
/// longer runs, e.g. after a kill -9. Returns how many were removed. Never throws.
std::size_t removeStaleTemporaries(const std::string& folder);

/// Writes a file through `write(tmpPath)` to a temporary name in the same folder, then renames it
/// over `path`, so readers never see a half-written file and a failure leaves the old file intact.
/// The temporary is removed when `write` throws. Throws IoError when `path` is a folder (before
/// calling `write`) or the rename fails.
void writeAtomically(const std::string& path, const std::function<void(const std::string& tmpPath)>& write);

/// One contiguous piece of bytes to write.
struct ByteSpan {
    const void* data;
    std::size_t size;
};

/// Writes the pieces one after another to a new file at `path` (atomically, as above).
/// Throws IoError.
void writeFileAtomically(const std::string& path, std::initializer_list<ByteSpan> pieces);
inline void writeFileAtomically(const std::string& path, const void* data, std::size_t bytes)
{
    writeFileAtomically(path, {ByteSpan {data, bytes}});
}

} // namespace rs

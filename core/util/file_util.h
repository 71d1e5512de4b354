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

/// Writes a file through `write(tmpPath)` to a temporary name in the same folder, then renames it
/// over `path`, so readers never see a half-written file and a failure leaves the old file intact.
/// The temporary is removed when `write` throws.
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
    writeFileAtomically(path, {ByteSpan{data, bytes}});
}

} // namespace rs

#pragma once
/// \file entry_codec.h
/// (Internal to hdf5_guard.cpp.) How the reionscope-probe helper hands back what it listed: the
/// file's cube entries, encoded exactly (doubles by their bits, strings by their length, so any
/// byte and NaN survive), so the process that asked never parses the file's metadata itself.

#include "io/cube_entry.h"
#include "io/h5_chunk_reader.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rs::h5::detail {

/// What the helper found in a file.
struct Listing {
    std::vector<CubeEntry> entries;
    std::map<std::string, std::vector<PlainPiece>> plain; ///< by dataset: those stored as plain float32
    std::map<std::string, PackedChunks> packed; ///< by dataset: those in compressed slab chunks
};

/// The listing as bytes (the entries' `path` is left out: the reader knows it).
std::string encodeListing(const Listing& listing);

/// The listing back, each entry with `path`. Throws FormatError naming `path` when `bytes` is not
/// what encodeListing wrote (a truncated or mixed-up answer).
Listing decodeListing(const std::string& bytes, const std::string& path);

} // namespace rs::h5::detail

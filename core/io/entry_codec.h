#pragma once
/// \file entry_codec.h
/// (Internal to hdf5_guard.cpp.) How the reionscope-probe helper hands back what it listed: the
/// file's cube entries, encoded exactly (doubles by their bits, strings by their length, so any
/// byte and NaN survive), so the process that asked never parses the file's metadata itself.

#include "io/cube_entry.h"

#include <string>
#include <vector>

namespace rs::h5::detail {

/// The entries as bytes (their `path` is left out: the reader knows it).
std::string encodeEntries(const std::vector<CubeEntry>& entries);

/// The entries back, each with `path`. Throws FormatError naming `path` when `bytes` is not what
/// encodeEntries wrote (a truncated or mixed-up answer).
std::vector<CubeEntry> decodeEntries(const std::string& bytes, const std::string& path);

} // namespace rs::h5::detail

#pragma once
/// \file cube_loader.h
/// One entry point for every readable format: detect by content (magic bytes, HDF5 layout) and
/// by name (classic 21cmFAST), list the cubes a file holds, read them.

#include "io/cube_entry.h"

#include <optional>
#include <string>
#include <vector>

namespace rs {

/// Detects a file's format from its first bytes and, for raw data, its name. Returns Unknown for
/// anything else (no exception for unrelated files). Throws IoError if the path cannot be read.
FileFormat detectFormat(const std::string& path);

/// Lists the cubes a file holds without reading voxels. For classic and .npy files, labels found
/// in the parent folder's name (zeta20, fesc0.08, seed3) are added where the file lacks them.
/// Throws IoError (missing, unreadable), UnrecognisedFormatError (not a cube file at all) or
/// FormatError (damaged or inconsistent).
std::vector<CubeEntry> probeFile(const std::string& path);

/// Reads one listed cube. Throws IoError/FormatError.
Cube loadEntry(const CubeEntry& entry);

/// Reads the primary cubes of a file (all cubes when `primaryOnly` is false).
std::vector<Cube> loadFile(const std::string& path, bool primaryOnly = true);

/// Reads one cube: the only primary one, or the one of `quantity` when the file holds several.
/// Throws FormatError when the choice is ambiguous or the quantity is absent.
Cube loadCube(const std::string& path, std::optional<Quantity> quantity = std::nullopt);

} // namespace rs

#pragma once
/// \file raw_box.h
/// Classic 21cmFAST raw boxes: N^3 little-endian float32 in C order, metadata in the name.

#include "io/cube_entry.h"

#include <string>

namespace rs {

/// Describes a classic box from its name and size; shape and box length come from the N and L
/// tokens. Throws FormatError when the name is not classic, lacks N/L, or the file size is not
/// 4·N³ (the message states expected and found bytes); IoError when it cannot be read.
CubeEntry probeClassicBox(const std::string& path);

/// Reads the voxels of a probed classic box.
Cube readClassicEntry(const CubeEntry& entry);

/// probeClassicBox + readClassicEntry.
Cube readClassicBox(const std::string& path);

/// Writes the cube's voxels as a raw box (no header) at `path`, atomically.
void writeRawBox(const std::string& path, const Cube& cube);

} // namespace rs

#pragma once
/// \file npy.h
/// NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): float32/float64, either byte order,
/// C or Fortran order. A rank-3 array is a cube; the file name may carry hints (quantity, z, L).

#include "io/cube_entry.h"

#include <cstddef>
#include <string>
#include <vector>

namespace rs {

struct NpyHeader {
    int major = 1, minor = 0;
    char kind = 'f'; ///< numpy kind character of descr ('f', 'i', ...)
    int itemSize = 4;
    bool bigEndian = false;
    bool fortranOrder = false;
    std::vector<std::size_t> shape;
    std::size_t dataOffset = 0; ///< where the array bytes start
    std::string descr;
};

/// Parses the header. Throws FormatError naming the file and what is wrong with the header.
NpyHeader readNpyHeader(const std::string& path);

/// Describes a rank-3 float32/float64 array as a cube. The box length and quantity come from name
/// hints (`..._300Mpc`, `delta_T`, `xH`, `density`, `z8.5`, or a whole classic name) or
/// `boxMpcOverride` (> 0); without either, cells are taken as 1 Mpc and parameter
/// `box_length_assumed` is set. Throws FormatError for other ranks, dtypes or sizes.
CubeEntry probeNpy(const std::string& path, double boxMpcOverride = 0);

/// Reads a probed .npy cube (converted to float32, C order).
Cube readNpyEntry(const CubeEntry& entry);

/// probeNpy + readNpyEntry.
Cube readNpyCube(const std::string& path, double boxMpcOverride = 0);

/// Writes a float32 little-endian C-order array of any rank, atomically.
void writeNpy(const std::string& path, const float* data, const std::vector<std::size_t>& shape);

} // namespace rs

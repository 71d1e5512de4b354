#pragma once
/// \file reionscope_h5.h
/// ReionScope's own HDF5 cube files. Layout (readable by h5py with obvious names):
///
///     /                      attrs: format = "reionscope", format_version = 1, created_by
///     /cubes/<name>          float32 (n0, n1, n2), C order, chunked in whole slabs of axis 0,
///                            shuffle + LZF (h5py's built-in filter 32000; loads ~4x faster
///                            than deflate) or shuffle + deflate (readable by every HDF5 tool)
///         attrs: quantity ("density" | "neutral_fraction" | "brightness_temperature" | "other"),
///                units ("" or "mK"), redshift (absent when unknown), box_length_mpc (3 doubles),
///                source_path, source_format, source_dataset, and one attribute per simulation
///                parameter under its own name (zeta, f_esc, random_seed, ...).
///         lightcones (line of sight along the last axis) add: kind = "lightcone",
///                los_redshifts and los_distances_mpc (one double per slice along axis 2),
///                node_redshifts and global_<name> (the global history), see h5_lightcone.h.
///
/// `<name>` defaults to `<quantity>_z<redshift>` (e.g. `brightness_temperature_z008.00`), made
/// unique with a numeric suffix.

#include "io/cube_entry.h"
#include "io/hdf5_util.h"

#include <vector>

namespace rs {

struct H5WriteOptions {
    enum class Codec { None, Lzf, Deflate };
    Codec codec = Codec::Lzf; ///< LZF: fast; Deflate: smaller, readable without h5py
    int deflateLevel = 1; ///< for Codec::Deflate
    bool shuffle = true; ///< byte shuffle before compressing (floats compress much better)
};

/// Writes the cubes into a new file at `path` (atomically: a failure leaves any old file intact).
/// Throws IoError.
void writeReionScopeH5(const std::string& path, const std::vector<Cube>& cubes, const H5WriteOptions& options = {});

/// Whether an open HDF5 file carries the ReionScope root attribute.
bool isReionScopeFile(hid_t file);

/// The cubes in a ReionScope file. Throws FormatError for a missing /cubes group or a dataset
/// without rank 3 or box length.
std::vector<CubeEntry> probeReionScope(const std::string& path, hid_t file);

/// The default dataset name for a cube: `<quantity>_z<redshift>` or `<quantity>`.
std::string defaultCubeName(const Cube& cube);

/// Reads one dataset of a ReionScope or 21cmFAST HDF5 file into a cube (float32); chunked,
/// compressed datasets are decompressed on several threads.
Cube readH5Entry(const CubeEntry& entry);

} // namespace rs

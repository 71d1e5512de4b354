#pragma once
/// \file cube_entry.h
/// What a file holds, known without reading its voxels: one entry per loadable cube.

#include "cube/cube.h"

#include <string>

namespace rs {

/// File formats ReionScope reads.
enum class FileFormat { Classic, Npy, H5v3, H5v4, ReionScope, Unknown };

/// "classic", "npy", "21cmfast-v3", "21cmfast-v4", "reionscope", "unknown".
const char* formatName(FileFormat f);

struct CubeEntry {
    std::string path;    ///< file
    FileFormat format = FileFormat::Unknown;
    std::string dataset; ///< path of the dataset inside an HDF5 file, "" for other formats
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift;
    Shape shape{0, 0, 0};
    Extent box{0, 0, 0};
    Parameters parameters;
    /// The cube a scientist means by this file (δ, x_HI or δT_b); velocity and auxiliary
    /// fields are listed but not primary.
    bool primary = true;

    /// The metadata a loaded cube of this entry carries.
    CubeMetadata metadata() const;
};

} // namespace rs

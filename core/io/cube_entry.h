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
    std::string path; ///< file
    FileFormat format = FileFormat::Unknown;
    std::string dataset; ///< path of the dataset inside an HDF5 file, "" for other formats
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift; ///< lightcones: the lowest (slice 0)
    FieldKind kind = FieldKind::Coeval;
    std::shared_ptr<const LightconeAxis> lightcone; ///< lightcones: per-slice z and distance
    std::size_t itemCount = 0; ///< halo catalogues: number of haloes
    Shape shape {0, 0, 0}; ///< halo catalogues: {count, 3, 1}
    Extent box {0, 0, 0};
    Parameters parameters;
    /// The cube a scientist means by this file (δ, x_HI, δT_b, T_s, T_k, x_e); velocity and
    /// auxiliary fields, and halo catalogues, are listed but not primary.
    bool primary = true;

    /// The metadata a loaded cube of this entry carries.
    CubeMetadata metadata() const;
};

} // namespace rs

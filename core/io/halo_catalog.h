#pragma once
/// \file halo_catalog.h
/// py21cmfast halo lists: v3 `HaloField` / `PerturbHaloField` (`halo_masses` (n,), `halo_coords`
/// (n, 3) integer cells) and v4 `HaloCatalog` / `PerturbedHaloCatalog` (`OutputFields/halo_masses`,
/// `halo_coords` float, in a buffer of which the first `n_halos` entries are used). Listed as
/// FieldKind::HaloCatalog entries, never loaded as cubes.

#include "io/cube_entry.h"
#include "io/hdf5_util.h"

#include <array>
#include <vector>

namespace rs {

/// Whether a group holds a halo list (a `halo_masses` dataset).
bool isHaloCatalogGroup(hid_t file, const std::string& fieldsGroup);

/// The entry of the halo list in `fieldsGroup` (of structure group `structure`): kind
/// HaloCatalog, dataset = fieldsGroup, itemCount = number of haloes, shape {n, 3, 1}, not primary.
/// Throws FormatError when the masses or coordinates are missing or disagree in length.
CubeEntry probeHaloCatalog(const std::string& path, hid_t file, FileFormat version, const std::string& structure,
    const std::string& fieldsGroup, std::optional<double> z, const Parameters& params);

struct HaloCatalogData {
    std::vector<double> masses; ///< [Msun]
    /// Comoving position [Mpc] in [0, box): 21cmFAST v4 (HaloCatalog, PerturbedHaloCatalog) stores
    /// float Mpc (its C code writes x · BOX_LEN/DIM and wraps perturbed positions into the box);
    /// v3 stores integer cells, of the DIM grid for HaloField and of the HII_DIM grid for
    /// PerturbHaloField, converted here with BOX_LEN.
    std::vector<std::array<double, 3>> positions;
    double minMass() const;
    double maxMass() const;
};

/// Reads a listed halo catalogue. Throws IoError/FormatError naming the file (also when a v3
/// file lacks the BOX_LEN or grid size its cell positions need).
HaloCatalogData readHaloCatalog(const CubeEntry& entry);

} // namespace rs

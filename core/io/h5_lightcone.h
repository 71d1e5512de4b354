#pragma once
/// \file h5_lightcone.h
/// py21cmfast LightCone files (LightCone.save(), v3 and v4). Layout:
///
///     /lightcones/<q>          (N, N, N_los), line of sight last; brightness_temp, xH_box or
///                              neutral_fraction, density, Ts_box/spin_temperature, ...
///     /global_quantities/<q>   one value per node redshift
///     v3: /node_redshifts, /distances, parameter groups at the root (user_params, ...),
///         root attribute redshift (the lowest)
///     v4: /InputParameters/node_redshifts, /lightcone_distances, /InputParameters/<group>,
///         root attributes __version__ and lightcone = True; no redshift attribute
///
/// Each listed cube is a FieldKind::Lightcone entry: box {BOX_LEN, BOX_LEN, N_los · cell}, the
/// redshift of every slice found from its comoving distance in the file's cosmology
/// (cube/comoving.h), and the global quantities against the node redshifts.

#include "io/cube_entry.h"
#include "io/hdf5_util.h"

#include <vector>

namespace rs {

/// Whether an open HDF5 file is a py21cmfast LightCone file (has a /lightcones group).
bool is21cmfastLightcone(hid_t file);

/// v4 when the file carries py21cmfast v4 marks (InputParameters group or __version__ attribute),
/// else v3.
FileFormat lightconeVersion(hid_t file);

/// The lightcones of a LightCone file: the known quantities as primary entries, others (velocities)
/// as auxiliary ones. Throws FormatError naming the file and what is missing (no lightcone
/// dataset, no distances, distances that do not match the line of sight, no BOX_LEN ...).
std::vector<CubeEntry> probe21cmfastLightcone(const std::string& path, hid_t file, FileFormat version);

/// ReionScope HDF5 lightcone attributes on a cube dataset: kind = "lightcone", los_redshifts,
/// los_distances_mpc, node_redshifts, global_<name>. Throws IoError.
void writeLightconeAttributes(hid_t dataset, const LightconeAxis& axis, const std::string& file);
/// The axis written by writeLightconeAttributes, or null when the dataset is not a lightcone.
/// Throws FormatError when the per-slice arrays do not match `nLos` slices.
std::shared_ptr<LightconeAxis> readLightconeAttributes(
    hid_t dataset, std::size_t nLos, const std::string& file, const std::string& datasetPath);
/// Whether an attribute name is one of those lightcone attributes.
bool isLightconeAttribute(const std::string& name);

/// A whole numeric dataset of any rank as doubles. Throws FormatError naming the file.
std::vector<double> readNumberDataset(hid_t loc, const std::string& dataset, const std::string& file);

} // namespace rs

#pragma once
/// \file h5_21cmfast.h
/// py21cmfast HDF5 files: v3 (one structure per file, or coeval files holding several) and v4
/// (InputParameters/OutputFields groups). Lists the cubes with their parameters; log10-stored
/// astro parameters (F_STAR10, F_ESC10, M_TURN, ION_Tvir_MIN, L_X) are converted to linear values.

#include "io/cube_entry.h"
#include "io/hdf5_util.h"

#include <vector>

namespace rs {

/// Whether an open HDF5 file looks like py21cmfast v3 or v4 output (Unknown otherwise).
FileFormat detect21cmfastVersion(hid_t file);

/// A py21cmfast file's parameters: v3 from the root groups (user_params, cosmo_params, ...), v4
/// from `inputGroup` (e.g. "BrightnessTemp/InputParameters" or "InputParameters"); raw attributes
/// as "group.NAME" plus the derived rs::param values (ζ, f_esc, box_len, seed, code version).
Parameters read21cmfastParameters(hid_t file, FileFormat version, const std::string& inputGroup);

/// The cubes (coeval boxes, lightcones) and halo catalogues in a py21cmfast v3 or v4 file. Throws FormatError when the
/// file has the 21cmFAST layout but no usable 3D dataset (names the group and what is missing or wrong).
std::vector<CubeEntry> probe21cmfast(const std::string& path, hid_t file, FileFormat version);

} // namespace rs

#pragma once
/// \file classic_name.h
/// Classic 21cmFAST (v1.x/v2.x) raw boxes carry all their metadata in the file name. This parses
/// such names token by token (keeping tokens it does not know) and writes names in the exact printf
/// forms the classic code uses.

#include "cube/quantity.h"

#include <optional>
#include <string>

namespace rs {

struct ClassicName {
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift;
    std::optional<std::size_t> n; ///< HII_DIM from the `_N_` token
    std::optional<double> boxMpc; ///< box length from the `_LMpc` token
    Parameters parameters; ///< every other token, known ones under rs::param names
    std::string kind; ///< "updated_smoothed_deltax", "smoothed_deltax", "xH_nohalos", "xH", "sphere", "delta_T"
};

/// Parses a classic 21cmFAST box name (the file name alone, no folders). Returns nullopt when the
/// name does not start like a classic box (so other files are simply not classic); N and L may be
/// missing from the result, which callers must treat as an error for raw data.
std::optional<ClassicName> parseClassicName(const std::string& fileName);

/// Labels taken from a folder name such as `zeta20`, `zeta_20`, `fesc0.08`, `f_esc=0.08`,
/// `seed3`, `run_zeta30_seed2`: returns only the parameters it recognised.
Parameters parseFolderLabels(const std::string& folderName);

/// The classic file name for a cube (the printf forms of classic 21cmFAST). Uses parameters
/// zeta, m_min, r_max, hii_filter, nf and velocity_axis where the form needs them.
/// Throws ParameterError if a needed value (N, L, z, or nf for x_HI/δT_b) is missing.
std::string classicFileName(Quantity q, double redshift, std::size_t n, double boxMpc, const Parameters& p);

} // namespace rs

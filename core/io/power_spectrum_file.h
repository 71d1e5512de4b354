#pragma once
/// \file power_spectrum_file.h
/// Classic 21cmFAST power-spectrum text files (`ps_z*_nf*_useTs*_aveTb*_N_LMpc[_v3]`): three
/// columns k [1/Mpc], Δ²(k) = k³P(k)/2π² [mK²] and its error Δ²/sqrt(N_modes).

#include "cube/quantity.h"

#include <optional>
#include <string>
#include <vector>

namespace rs {

struct PowerSpectrumFile {
    std::string path;
    std::optional<double> redshift;
    Parameters parameters; ///< nf, ave_tb, use_ts, hii_dim, box_len, velocity flag
    std::vector<double> k, delta2, error;
};

/// Whether the file name is that of a classic power-spectrum file.
bool isClassicPowerSpectrumName(const std::string& fileName);

/// Reads one. Throws IoError, or FormatError for a line that is not three numbers.
PowerSpectrumFile readClassicPowerSpectrum(const std::string& path);

} // namespace rs

#pragma once
/// \file power_spectrum.h
/// Spherically averaged power spectrum of a cube in the convention of classic 21cmFAST's ps_
/// files, so the two compare directly:
///   X(k) = FFT of (f(x) − mean f) · V/N³  (continuum normalisation),  P(k) = |X(k)|² / V,
///   Δ²(k) = k³ P(k) / (2π²), averaged over the modes of a bin (half of k-space: m_z ≥ 0, each
///   mode once), k = mean |k| of those modes, the k = 0 mode excluded.
/// Units: Δ² in (units of the cube)², so mK² for δT_b; k in 1/Mpc.

#include "cube/cube.h"

#include <optional>
#include <vector>

namespace rs {

struct PowerSpectrum {
    std::vector<double> k; ///< mean |k| of the bin's modes [1/Mpc]
    std::vector<double> delta2; ///< Δ²(k) = k³P(k)/2π² [cube units²]
    std::vector<double> modes; ///< number of (half-space) modes in the bin
    std::vector<double> power; ///< P(k) = mean |X(k)|²/V of the bin's modes [cube units² Mpc³ (Mpc² in 2D)]
    /// Classic error column Δ²/√modes.
    std::vector<double> error() const;
};

/// The power spectrum of `cube` (any shape, periodic). bins = 0: classic 21cmFAST bins (edges
/// Δk·1.5^i from the fundamental Δk = 2π/L upward, to N·Δk); bins > 0: that many log-spaced bins
/// between the fundamental and the largest |k| of the grid. Empty bins are left out. Throws
/// ParameterError for an empty cube or bins < 0; non-finite voxels make a FormatError naming the
/// cube's path.
PowerSpectrum powerSpectrum(const Cube& cube, int bins = 0);

struct FourierBox;

/// The power spectrum of an already transformed cube (see fourier_box.h), binned as above; lets
/// several statistics share one FFT. Throws ParameterError for bins < 0.
PowerSpectrum powerSpectrum(const FourierBox& transform, int bins = 0);

/// The cross-power's real part of two cubes of one grid, same binning (Δ²_ab). Throws
/// ParameterError when the shapes differ.
PowerSpectrum crossPowerSpectrum(const Cube& a, const Cube& b, int bins = 0);

/// The circularly averaged power spectrum of a periodic 2D field (a slice or a model's sample):
/// `rows` × `cols` values, row-major, with pixel sides `cellRow` × `cellCol` [Mpc], in the 2D
/// convention X(k) = FFT of (f − mean f) · A/(rows·cols), P(k) = |X(k)|² / A,
/// Δ²(k) = k² P(k) / (2π), averaged over the modes of a bin (half of k-space, k = 0 excluded).
/// Binning as powerSpectrum (0: classic edges ×1.5 from the fundamental). Throws ParameterError
/// for an empty field, bins < 0 or a non-positive cell, FormatError("slice", ...) for
/// non-finite values.
PowerSpectrum powerSpectrum2d(
    const float* values, std::size_t rows, std::size_t cols, double cellRow, double cellCol, int bins = 0);

/// The cross-power of two transforms of one grid (Δ²_ab). Throws ParameterError when the grids
/// differ or bins < 0.
PowerSpectrum crossPowerSpectrum(const FourierBox& a, const FourierBox& b, int bins = 0);

/// Log-log linear interpolation of a spectrum at k (nullopt outside its k range).
std::optional<double> interpolateSpectrum(const PowerSpectrum& ps, double k);

} // namespace rs

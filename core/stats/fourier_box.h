#pragma once
/// \file fourier_box.h
/// The Fourier transform of a cube in the continuum normalisation that every spectrum in
/// core/stats shares (classic 21cmFAST's ps_ convention): X(k) = FFT of (f(x) − mean f) · V/N³,
/// so that P(k) = |X(k)|² / V. Half of k-space (the last axis holds m ≥ 0), laid out
/// n0 × n1 × (n2/2 + 1), with wavenumbers k_a = 2π m_a / L_a, m_a wrapped to (−n_a/2, n_a/2]
/// (fft::frequency; fft::forEachKRow in numerics/kspace.h walks the rows).

#include "cube/cube.h"

#include <complex>
#include <memory>

namespace rs {

struct FftwFree {
    void operator()(void* p) const;
};

struct FourierBox {
    Shape shape {0, 0, 0}; ///< the cube's shape (real space)
    Extent box {0, 0, 0}; ///< the cube's box [Mpc]
    std::unique_ptr<std::complex<float>[], FftwFree> modes;

    std::size_t complexZ() const { return shape[2] / 2 + 1; }
    double volume() const { return box[0] * box[1] * box[2]; }
    /// Fundamental wavenumber 2π/L of `axis` [1/Mpc].
    double fundamental(int axis) const;
    const std::complex<float>& at(std::size_t i, std::size_t j, std::size_t m) const
    {
        return modes[(i * shape[1] + j) * complexZ() + m];
    }
};

/// The transform of `cube` (mean removed, scaled by V/N³). Throws ParameterError for an empty
/// cube, FormatError (naming the cube's path) for NaN or infinite voxels, Error when out of memory.
FourierBox fourierTransform(const Cube& cube);

} // namespace rs

#pragma once
/// \file cylindrical_power.h
/// Cylindrically averaged power spectrum P(k⊥, k∥) of a cube, line of sight = the last axis
/// (axis 2, as 21cmFAST's boxes and lightcones): k⊥ = √(k_0² + k_1²), k∥ = |k_2|. Same
/// normalisation as the spherical spectrum (fourier_box.h): P = |X(k)|² / V, in
/// (cube units)² Mpc³. Modes with k⊥ = 0 or k∥ = 0 are left out (they have no place on a log
/// grid, and k∥ = 0 is what foregrounds take anyway), as is k = 0.

#include "cube/cube.h"

#include <vector>

namespace rs {

struct FourierBox;

struct CylindricalPower {
    std::vector<double> kPerp; ///< mean k⊥ of each k⊥ bin's modes [1/Mpc]
    std::vector<double> kPar; ///< mean k∥ of each k∥ bin's modes [1/Mpc]
    /// P(k⊥_i, k∥_j) at [i * kPar.size() + j] [units² Mpc³]; NaN where the cell holds no mode.
    std::vector<double> power;
    std::vector<double> modes; ///< half-space modes per cell, same layout
    double at(std::size_t i, std::size_t j) const { return power[i * kPar.size() + j]; }
};

/// P(k⊥, k∥) of `cube` (any shape, periodic). Bins along each direction: 0 = edges k_f·1.5^i
/// from that direction's fundamental k_f (as classic 21cmFAST's spherical bins), N > 0 = N
/// log-spaced bins from k_f to the largest k of that direction. Bins without modes are dropped.
/// Throws ParameterError for an empty cube or bins < 0, FormatError for NaN/Inf voxels.
CylindricalPower cylindricalPowerSpectrum(const Cube& cube, int perpBins = 0, int parBins = 0);
/// The same from an already transformed cube.
CylindricalPower cylindricalPowerSpectrum(const FourierBox& transform, int perpBins = 0, int parBins = 0);

/// P_A / P_B cell by cell (the 2D power ratio map of two cubes): A's bins and modes, NaN where
/// either cell holds no mode or B's power is not positive. The bins must agree (the same grid,
/// box and bin choice): else throws ParameterError naming both bin layouts.
CylindricalPower cylindricalPowerRatio(const CylindricalPower& a, const CylindricalPower& b);

} // namespace rs

#pragma once
/// \file cross_power.h
/// Cross-power spectrum of two cubes of one grid and their cross-correlation coefficient
/// r(k) = P_AB(k) / √(P_AA(k) P_BB(k)) (tools21cm's and powerbox's definition; the bin averages
/// of each spectrum enter the ratio). Binning and normalisation as power_spectrum.h.

#include "stats/power_spectrum.h"

namespace rs {

struct CrossCorrelation {
    std::vector<double> k; ///< mean |k| of each bin [1/Mpc]
    std::vector<double> delta2; ///< Δ²_AB(k) = k³ Re⟨X_A X_B*⟩/(2π² V) [units_A · units_B]
    std::vector<double> r; ///< r(k) in [−1, 1]; NaN where either auto-power is 0
    std::vector<double> modes; ///< half-space modes per bin
};

/// Cross-power and r(k) of `a` and `b`. Throws ParameterError when the grids (shape, box)
/// differ, for an empty cube or bins < 0; FormatError for NaN/Inf voxels.
CrossCorrelation crossCorrelation(const Cube& a, const Cube& b, int bins = 0);

} // namespace rs

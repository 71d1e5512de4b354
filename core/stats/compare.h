#pragma once
/// \file compare.h
/// Run-to-run comparison of cubes (simulator against 21cmFAST, seed against seed): box means,
/// the power-spectrum ratio per k bin and its median over a k range, the Kolmogorov–Smirnov
/// distance of the voxel PDFs and, where the two cubes share a grid, the fraction of cells on the
/// same side of x_HI = 0.5 and the cross-correlation r(k). B is the reference: ratios are A / B.

#include "io/cube_entry.h"
#include "stats/cross_power.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rs {

struct CompareOptions {
    int bins = 0; ///< power-spectrum bins (0: classic 21cmFAST bins)
    double kMin = 0.1; ///< median ratio over kMin < k < kMax [1/Mpc]
    double kMax = 1.0;
    double threshold = 0.5; ///< x_HI threshold for the same-side fraction
};

struct CubeComparison {
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift; ///< A's redshift
    double meanA = 0, meanB = 0; ///< box means (nf for x_HI, mean δT_b for δT_b)
    PowerSpectrum spectrumA, spectrumB;
    std::vector<double> k; ///< A's bins [1/Mpc]
    std::vector<double> ratio; ///< Δ²_A / Δ²_B at A's k (B interpolated when the grids differ; NaN outside B's range)
    double medianRatio = 0; ///< median of `ratio` over kMin < k < kMax (NaN when no bin)
    double ksDistance = 0; ///< KS distance of the two voxel distributions
    bool sameGrid = false; ///< same shape and box
    std::optional<double> sameSideFraction; ///< x_HI on one grid: cells on the same side of the threshold
    std::optional<CrossCorrelation> cross; ///< one grid: Δ²_AB and r(k)
};

/// Compares two cubes of one quantity. Throws ParameterError when the quantities differ or a cube
/// is empty; FormatError for NaN/Inf voxels.
CubeComparison compareCubes(const Cube& a, const Cube& b, const CompareOptions& options = {});

/// Pairs two lists of cube entries by (quantity, redshift, velocity-term axis): pairs ordered by
/// quantity and redshift, then the entries of A and of B left without a partner. Each key must be
/// unique within a list; a second one throws ParameterError naming both files (compare one run
/// at a time).
struct EntryPairing {
    std::vector<std::pair<CubeEntry, CubeEntry>> pairs;
    std::vector<CubeEntry> onlyA, onlyB;
};
EntryPairing pairEntries(const std::vector<CubeEntry>& a, const std::vector<CubeEntry>& b);

/// A − B voxel by voxel (the difference map of two cubes of one grid): A's metadata and box, the
/// source emptied (a computed cube). Throws ParameterError naming both cubes when the shapes
/// differ.
Cube differenceCube(const Cube& a, const Cube& b);

} // namespace rs

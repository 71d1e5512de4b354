#pragma once
/// \file histogram.h
/// One-point distribution of a cube's voxels.

#include "cube/cube.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rs {

struct Histogram {
    std::vector<double> edges; ///< bins + 1 increasing edges
    std::vector<std::uint64_t> counts; ///< voxels per bin; the last bin includes its upper edge
    std::uint64_t below = 0, above = 0; ///< finite voxels outside [edges.front(), edges.back()]
    std::uint64_t nonfinite = 0; ///< NaN / Inf voxels (never counted in a bin)

    /// Centre of bin i.
    double centre(std::size_t i) const { return 0.5 * (edges[i] + edges[i + 1]); }
};

/// Histogram of `cube` with `bins` equal bins over [lo, hi]; without a range, the finite
/// min..max (a constant cube gets a bin of width 1 around its value). Throws ParameterError for
/// bins < 1 or an empty cube, or lo ≥ hi.
Histogram histogram(
    const Cube& cube, int bins = 64, std::optional<double> lo = std::nullopt, std::optional<double> hi = std::nullopt);

} // namespace rs

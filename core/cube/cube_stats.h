#pragma once
/// \file cube_stats.h
/// One-pass summary statistics of a cube or any float array.

#include "cube/cube.h"

#include <cstddef>

namespace rs {

struct SummaryStats {
    double min = 0, max = 0, mean = 0, std = 0; ///< over finite voxels only
    std::size_t count = 0; ///< finite voxels
    std::size_t nonfinite = 0; ///< NaN and ±Inf voxels (not in the moments)
};

/// Min, max, mean, population standard deviation and the NaN/Inf count. All-NaN input gives
/// count = 0 and NaN moments.
SummaryStats summarize(const float* values, std::size_t n);
inline SummaryStats summarize(const Cube& c)
{
    return summarize(c.data(), c.voxelCount());
}

} // namespace rs

#pragma once
/// \file pdf.h
/// One-point statistics of a cube: the histogram (PDF) of its voxels with the moments people
/// quote (mean, variance, skewness, kurtosis), and the Kolmogorov–Smirnov distance between two
/// cubes' voxel distributions.

#include "cube/cube.h"
#include "stats/histogram.h"

namespace rs {

/// Moments of the finite voxels (population moments, 1/N):
/// variance m2 = ⟨(x − μ)²⟩, skewness m3 / m2^{3/2}, kurtosis m4 / m2² − 3 (excess, Fisher's
/// convention as scipy.stats.kurtosis and tools21cm; 0 for a Gaussian). Skewness and kurtosis
/// are NaN for a constant field; everything is NaN without finite voxels.
struct Moments {
    std::size_t count = 0; ///< finite voxels
    double mean = 0, variance = 0, skewness = 0, kurtosis = 0;
};

struct Pdf {
    Histogram histogram;
    Moments moments;
    /// Probability density of bin i: counts / (finite voxels · bin width), so it integrates to
    /// the fraction of voxels inside the range.
    double density(std::size_t i) const;
};

/// Moments of `values` (n floats); NaN/Inf are skipped. Two passes in double precision.
Moments moments(const float* values, std::size_t n);
inline Moments moments(const Cube& c)
{
    return moments(c.data(), c.voxelCount());
}

/// Histogram (`bins` equal bins over the finite min..max, see histogram.h) and moments. Throws
/// ParameterError for an empty cube or bins < 1.
Pdf pdf(const Cube& cube, int bins = 100);

/// Two-sample Kolmogorov–Smirnov distance sup_x |F_a(x) − F_b(x)| of the finite voxels of two
/// cubes (any shapes; exact, by sorting). Throws ParameterError when either has no finite voxel.
double ksDistance(const Cube& a, const Cube& b);

/// The finite values of `values[0..n)`, ascending (what ksDistance compares).
std::vector<float> sortedFinite(const float* values, std::size_t n);
/// ksDistance of two ascending lists of finite values, for scoring many samples against one
/// sorted reference. Throws ParameterError when either list is empty.
double ksDistanceSorted(const std::vector<float>& a, const std::vector<float>& b);

} // namespace rs

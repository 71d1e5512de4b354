#include "stats/pdf.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs {

double Pdf::density(std::size_t i) const
{
    const double width = histogram.edges[i + 1] - histogram.edges[i];
    return moments.count ? double(histogram.counts[i]) / (double(moments.count) * width) : 0.0;
}

Moments moments(const float* values, std::size_t n)
{
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    Moments m;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(values[i])) {
            sum += values[i];
            ++m.count;
        }
    if (m.count == 0)
        return {0, nan, nan, nan, nan};
    m.mean = sum / double(m.count);
    double m2 = 0, m3 = 0, m4 = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(values[i])) {
            const double d = values[i] - m.mean, d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
    const double c = double(m.count);
    m2 /= c;
    m3 /= c;
    m4 /= c;
    m.variance = m2;
    m.skewness = m2 > 0 ? m3 / std::pow(m2, 1.5) : nan;
    m.kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3.0 : nan;
    return m;
}

Pdf pdf(const Cube& cube, int bins)
{
    Pdf p;
    p.histogram = histogram(cube, bins);
    p.moments = moments(cube);
    return p;
}

namespace {

std::vector<float> sortedVoxels(const Cube& c, const char* which)
{
    std::vector<float> v = sortedFinite(c.data(), c.voxelCount());
    if (v.empty())
        throw ParameterError(c.metadata().sourcePath.empty() ? which : c.metadata().sourcePath,
            "has no finite voxel; no distribution to compare");
    return v;
}

} // namespace

std::vector<float> sortedFinite(const float* values, std::size_t n)
{
    std::vector<float> v;
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(values[i]))
            v.push_back(values[i]);
    std::sort(v.begin(), v.end());
    return v;
}

double ksDistance(const Cube& a, const Cube& b)
{
    return ksDistanceSorted(sortedVoxels(a, "first cube"), sortedVoxels(b, "second cube"));
}

double ksDistanceSorted(const std::vector<float>& x, const std::vector<float>& y)
{
    if (x.empty() || y.empty())
        throw ParameterError("KS distance", "needs values on both sides");
    const double nx = double(x.size()), ny = double(y.size());
    std::size_t i = 0, j = 0;
    double d = 0;
    while (i < x.size() && j < y.size()) {
        const float v = std::min(x[i], y[j]);
        while (i < x.size() && x[i] == v) // step over ties on both sides before comparing
            ++i;
        while (j < y.size() && y[j] == v)
            ++j;
        d = std::max(d, std::abs(double(i) / nx - double(j) / ny));
    }
    return d;
}

} // namespace rs

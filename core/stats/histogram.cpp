#include "stats/histogram.h"

#include "cube/cube_stats.h"
#include "util/error.h"

#include <cmath>

namespace rs {

Histogram histogram(const Cube& cube, int bins, std::optional<double> lo, std::optional<double> hi)
{
    if (cube.empty())
        throw ParameterError("cube", "empty cube has no histogram");
    if (bins < 1 || bins > 100000000)
        throw ParameterError("bins", "must be between 1 and 1e8, got " + std::to_string(bins));
    double a = 0, b = 1;
    if (!lo || !hi) {
        const SummaryStats s = summarize(cube);
        a = s.count ? s.min : 0.0;
        b = s.count ? s.max : 1.0;
        if (a == b) {
            a -= 0.5;
            b += 0.5;
        }
    }
    if (lo)
        a = *lo;
    if (hi)
        b = *hi;
    if (!(a < b) || !std::isfinite(a) || !std::isfinite(b))
        throw ParameterError("range", "histogram range needs finite lo < hi");
    Histogram h;
    h.edges.resize(std::size_t(bins) + 1);
    for (int i = 0; i <= bins; ++i)
        h.edges[std::size_t(i)] = a + (b - a) * double(i) / double(bins);
    h.counts.assign(std::size_t(bins), 0);
    const double scale = double(bins) / (b - a);
    const float* d = cube.data();
    for (std::size_t i = 0, n = cube.voxelCount(); i < n; ++i) {
        const double v = d[i];
        if (!std::isfinite(v)) {
            ++h.nonfinite;
        } else if (v < a) {
            ++h.below;
        } else if (v > b) {
            ++h.above;
        } else {
            const std::size_t bin = std::min(std::size_t((v - a) * scale), std::size_t(bins) - 1);
            ++h.counts[bin];
        }
    }
    return h;
}

} // namespace rs

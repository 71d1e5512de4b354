#include "cube/cube_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs {

SummaryStats summarize(const float* v, std::size_t n)
{
    SummaryStats s;
    // Shifted sums (by the first finite value) keep the variance accurate when |mean| >> std.
    std::size_t first = 0;
    while (first < n && !std::isfinite(v[first]))
        ++first;
    s.nonfinite = first;
    if (first == n) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        s.min = s.max = s.mean = s.std = nan;
        return s;
    }
    const double shift = v[first];
    double sum = 0, sumSq = 0;
    float lo = v[first], hi = v[first];
    constexpr std::size_t block = 4096;
    for (std::size_t b = first; b < n; b += block) {
        const std::size_t e = std::min(n, b + block);
        double bsum = 0, bsq = 0;
        for (std::size_t i = b; i < e; ++i) {
            const float x = v[i];
            if (!std::isfinite(x)) {
                ++s.nonfinite;
                continue;
            }
            const double d = double(x) - shift;
            bsum += d;
            bsq += d * d;
            lo = std::min(lo, x);
            hi = std::max(hi, x);
        }
        sum += bsum;
        sumSq += bsq;
    }
    s.count = n - s.nonfinite;
    const double m = sum / double(s.count);
    s.min = lo;
    s.max = hi;
    s.mean = shift + m;
    s.std = std::sqrt(std::max(0.0, sumSq / double(s.count) - m * m));
    return s;
}

} // namespace rs

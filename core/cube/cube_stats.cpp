#include "cube/cube_stats.h"

#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

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
    // Per-block sums, added in block order below: the same result (to the bit) whether the blocks
    // ran on one thread or several. Large arrays (a 60 M-voxel lightcone) use every core.
    constexpr std::size_t block = 4096;
    struct Part {
        double sum = 0, sq = 0;
        float lo = 0, hi = 0;
        std::size_t nonfinite = 0;
    };
    const std::size_t blocks = (n - first + block - 1) / block;
    std::vector<Part> parts(blocks);
    auto run = [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1; ++b) {
            Part& part = parts[b];
            part.lo = part.hi = v[first];
            const std::size_t e = std::min(n, first + (b + 1) * block);
            for (std::size_t i = first + b * block; i < e; ++i) {
                const float x = v[i];
                if (!std::isfinite(x)) {
                    ++part.nonfinite;
                    continue;
                }
                const double d = double(x) - shift;
                part.sum += d;
                part.sq += d * d;
                part.lo = std::min(part.lo, x);
                part.hi = std::max(part.hi, x);
            }
        }
    };
    constexpr std::size_t kParallelFrom = std::size_t(1) << 22; // 16 MB: below, threads cost more
    const int threads = n - first >= kParallelFrom ? int(std::max(1u, std::thread::hardware_concurrency())) : 1;
    parallelFor(blocks, threads, run);
    double sum = 0, sumSq = 0;
    float lo = v[first], hi = v[first];
    for (const Part& part : parts) {
        sum += part.sum;
        sumSq += part.sq;
        lo = std::min(lo, part.lo);
        hi = std::max(hi, part.hi);
        s.nonfinite += part.nonfinite;
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

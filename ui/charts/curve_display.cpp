#include "charts/curve_display.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace rs {

std::vector<double> smoothCurve(const std::vector<double>& y, double weight)
{
    if (!(weight >= 0.0 && weight < 1.0))
        throw ParameterError("smoothing", "weight must be in [0, 1)");
    std::vector<double> out(y.size());
    double average = 0, norm = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i])) {
            out[i] = y[i];
            continue;
        }
        average = weight * average + (1.0 - weight) * y[i];
        norm = weight * norm + (1.0 - weight); // 1 − w^(n+1) over the n finite values so far
        out[i] = average / norm;
    }
    return out;
}

std::vector<std::size_t> decimateMinMax(const std::vector<double>& y, std::size_t maxPoints)
{
    const std::size_t n = y.size();
    maxPoints = std::max<std::size_t>(maxPoints, 4);
    std::vector<std::size_t> keep;
    if (n <= maxPoints) {
        keep.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            keep[i] = i;
        return keep;
    }
    const std::size_t buckets = (maxPoints - 2) / 2;
    keep.push_back(0);
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t begin = 1 + b * (n - 2) / buckets, end = 1 + (b + 1) * (n - 2) / buckets;
        if (begin >= end)
            continue;
        std::size_t lo = begin, hi = begin;
        for (std::size_t i = begin; i < end; ++i) {
            if (y[i] < y[lo])
                lo = i;
            if (y[i] > y[hi])
                hi = i;
        }
        keep.push_back(std::min(lo, hi));
        if (hi != lo)
            keep.push_back(std::max(lo, hi));
    }
    keep.push_back(n - 1);
    return keep;
}

} // namespace rs

#pragma once
/// \file interpolate.h
/// Piecewise linear interpolation in a table (no Qt, no LibTorch).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace rs {

/// ys at x, linear between the neighbouring entries of increasing `xs` (same length as `ys`, at
/// least one entry), clamped to ys's ends outside xs.
template<class T> double interpolateClamped(const std::vector<T>& xs, const std::vector<T>& ys, double x)
{
    const auto it = std::lower_bound(xs.begin(), xs.end(), x);
    if (it == xs.begin())
        return double(ys.front());
    if (it == xs.end())
        return double(ys.back());
    const std::size_t i = std::size_t(it - xs.begin()); // xs[i-1] < x <= xs[i]
    const double t = (x - double(xs[i - 1])) / (double(xs[i]) - double(xs[i - 1]));
    return double(ys[i - 1]) + t * (double(ys[i]) - double(ys[i - 1]));
}

/// interpolateClamped over one table for many x: a bucket index over xs's range names where the
/// search starts, so a lookup scans a step or two instead of bisecting (129 quantiles: ~3× faster
/// per value). Same result as interpolateClamped for every x, NaN and infinities included (the
/// scan ends where std::lower_bound would). Keeps references: the tables must outlive it.
template<class T> class ClampedInterpolation {
public:
    ClampedInterpolation(const std::vector<T>& xs, const std::vector<T>& ys)
        : m_xs(xs)
        , m_ys(ys)
    {
        const double lo = double(xs.front()), range = double(xs.back()) - lo;
        if (!(range > 0) || !std::isfinite(range))
            return; // one point, or a degenerate range: bisect
        const std::size_t buckets = 4 * xs.size();
        m_lo = lo;
        m_perUnit = double(buckets) / range;
        m_start.resize(buckets);
        for (std::size_t b = 0; b < buckets; ++b)
            m_start[b] = std::size_t(std::lower_bound(xs.begin(), xs.end(), lo + double(b) / m_perUnit) - xs.begin());
    }

    double operator()(double x) const
    {
        if (m_start.empty())
            return interpolateClamped(m_xs, m_ys, x);
        if (!(x > double(m_xs.front()))) // at or below the first entry, or NaN: lower_bound's begin
            return double(m_ys.front());
        if (x > double(m_xs.back()))
            return double(m_ys.back());
        const double at = (x - m_lo) * m_perUnit;
        std::size_t i = m_start[std::min(m_start.size() - 1, std::size_t(at))];
        while (i > 0 && double(m_xs[i - 1]) >= x) // the bucket's edge rounded past x
            --i;
        while (double(m_xs[i]) < x) // ends: x <= xs.back()
            ++i;
        const double t = (x - double(m_xs[i - 1])) / (double(m_xs[i]) - double(m_xs[i - 1]));
        return double(m_ys[i - 1]) + t * (double(m_ys[i]) - double(m_ys[i - 1]));
    }

private:
    const std::vector<T>& m_xs;
    const std::vector<T>& m_ys;
    double m_lo = 0, m_perUnit = 0;
    std::vector<std::size_t> m_start;
};

} // namespace rs

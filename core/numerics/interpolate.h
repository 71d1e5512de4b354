#pragma once
/// \file interpolate.h
/// Piecewise linear interpolation in a table (no Qt, no LibTorch).

#include <algorithm>
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

} // namespace rs

#pragma once
/// \file curve_display.h
/// Display helpers for training curves (loss or accuracy against batch or epoch): exponential
/// smoothing that does not drag the start of a curve towards zero, and min/max decimation that
/// keeps a curve's extremes when it has more points than a chart can usefully draw.

#include <cstddef>
#include <vector>

namespace rs {

/// Exponential moving average with bias correction (the first points are not pulled towards 0):
/// s_i = w·s_{i-1} + (1−w)·y_i, divided by 1 − w^(i+1). `weight` in [0, 1): 0 returns the input.
/// Non-finite values are passed through and do not enter the average. Throws ParameterError for
/// a weight outside [0, 1).
std::vector<double> smoothCurve(const std::vector<double>& y, double weight);

/// Indices of the points to draw so that at most about `maxPoints` remain: the first and last
/// point, and in each of maxPoints/2 equal buckets the lowest and the highest value (in x order).
/// Returns every index when y has no more than maxPoints values. maxPoints < 4 is taken as 4.
std::vector<std::size_t> decimateMinMax(const std::vector<double>& y, std::size_t maxPoints);

} // namespace rs

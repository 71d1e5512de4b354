#pragma once
/// \file parallel.h
/// A small parallel-for on plain threads (no pool): the simulator's and the statistics' loops over
/// planes, rows or cells.

#include <cstddef>
#include <functional>

namespace rs {

/// Runs body(begin, end) over [0, count) split into contiguous pieces on up to `threads` threads
/// (the calling thread takes one piece; threads ≤ 1 runs body(0, count) on the calling thread).
/// Exceptions from pieces are rethrown.
void parallelFor(std::size_t count, int threads, const std::function<void(std::size_t begin, std::size_t end)>& body);

} // namespace rs

#pragma once
/// \file memory.h
/// Process memory figures from /proc (Linux), for benchmarks and the GUI's status bar.

#include <cstdint>

namespace rs {

/// Resident set size now, in bytes (0 where unavailable).
std::uint64_t currentRssBytes();
/// High-water mark of the resident set (VmHWM), in bytes (0 where unavailable).
std::uint64_t peakRssBytes();
/// Resets the high-water mark to the current RSS (Linux ≥ 4.0); returns false if not supported.
bool resetPeakRss();

} // namespace rs

#pragma once
/// \file memory.h
/// Process memory figures from /proc (Linux), for benchmarks and the GUI's status bar, and the
/// allocator setting for commands whose peak is large arrays made and freed in turn.

#include <cstdint>

namespace rs {

/// Resident set size now, in bytes (0 where unavailable).
std::uint64_t currentRssBytes();
/// High-water mark of the resident set (VmHWM), in bytes (0 where unavailable).
std::uint64_t peakRssBytes();
/// Resets the high-water mark to the current RSS (Linux ≥ 4.0); returns false if not supported.
bool resetPeakRss();

/// Makes blocks of 1 MiB and more come from the system and go back to it when freed (glibc: a
/// fixed M_MMAP_THRESHOLD). By default glibc raises that threshold to the size of the first such
/// block freed, after which every cube-sized array lives in the heap and freed ones stay resident
/// between allocations: about three 128³ cubes of a v2 simulator run. Also undoes the training
/// setting (ml_setup.h: no mmap, no trimming), which the CLI applies when it registers `train`,
/// i.e. for every command. For simulate / ionize; process-wide; no effect off glibc.
void returnLargeBlocksToSystem();

} // namespace rs

#pragma once
/// \file shard.h
/// Splitting a list of jobs among the tasks of a cluster job array: shard I of N (0-based, as
/// Slurm's SLURM_ARRAY_TASK_ID with --array=0-(N-1)) takes one contiguous block of the list, so
/// the N shards together cover every item exactly once, in order.

#include <cstddef>
#include <string>

namespace rs {

struct Shard {
    std::size_t index = 0; ///< 0-based
    std::size_t count = 1;

    /// First item of this shard among `total` items.
    std::size_t begin(std::size_t total) const { return index * total / count; }
    /// One past the last item of this shard among `total` items.
    std::size_t end(std::size_t total) const { return (index + 1) * total / count; }
    bool whole() const { return count == 1; }
    /// "I/N".
    std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

/// Parses "I/N" (0 <= I < N, N >= 1). Throws ParameterError("shard", ...) otherwise.
Shard parseShard(const std::string& text);

} // namespace rs

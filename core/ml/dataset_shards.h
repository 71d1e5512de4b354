#pragma once
/// \file dataset_shards.h
/// Dataset builds split over a cluster job array: `buildDataset` with DatasetBuildOptions::shard
/// I/N cuts only the I-th contiguous block of the sources (the split by simulation is still
/// decided over all of them) into a shard file; mergeDatasetShards joins the N shard files into
/// the dataset the unsharded build writes, with the same samples, labels, splits,
/// normalisation and content hash. No LibTorch here.

#include "util/progress.h"
#include "util/shard.h"

#include <string>
#include <vector>

namespace rs::ml {

/// What a shard file says about itself.
struct DatasetShardInfo {
    std::string path;
    Shard shard;
    std::size_t sourcesTotal = 0; ///< sources of the whole build
    std::size_t sourceBegin = 0, sourceEnd = 0; ///< the block this shard cut
    std::size_t samples = 0;
};

/// Reads a shard file's header. Throws IoError (missing) or FormatError (not a shard file).
DatasetShardInfo readDatasetShardInfo(const std::string& path);

/// Writes the dataset `out` (atomically) from the shard files of one sharded build, given in any
/// order. Throws FormatError naming the file for a file that is not a shard, a shard of another
/// build (different options or shard count) or a shard given twice, ParameterError naming the
/// missing shard numbers or an empty split, IoError when `out` cannot be written,
/// CancelledError when stopped (no file is left).
void mergeDatasetShards(const std::vector<std::string>& shards, const std::string& out, const ProgressFn& progress = {},
    const StopToken& stop = {});

} // namespace rs::ml

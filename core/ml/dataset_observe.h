#pragma once
/// \file dataset_observe.h
/// `dataset build --observe`: a δT_b slice dataset whose source cubes pass through the telescope
/// model (observe/observe.h: beam and bandwidth smoothing, thermal noise ∝ 1/√hours, each
/// channel's mean removed, optionally the foreground wedge) before samples are cut.

#include "ml/dataset.h"
#include "observe/observe.h"

namespace rs::ml {

/// buildDataset of `sources` with each cube observed first: source i (in `sources` order) gets
/// noise seed `observe.seed + i`, so the cubes' noise is independent and the dataset reproducible.
/// The options are recorded as root attributes observe_telescope, observe_hours, observe_wedge,
/// observe_noise, observe_seed. With a shard (options.shard) source i still gets seed + i (its
/// index among all sources), so the merged shards (mergeDatasetShards, which carries the
/// attributes) equal the whole build. Throws ParameterError for a dataset that is not a δT_b
/// slice dataset (paired datasets are refused: their density input is never observed), hours ≤ 0,
/// or a source that is not δT_b; otherwise what buildDataset and observe throw.
void buildObservedDataset(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& options,
    const ObserveOptions& observe, const std::string& out, const ProgressFn& progress = {}, const StopToken& stop = {});

/// The telescope options a dataset (or shard) file was built with: its observe_* root
/// attributes by name without the prefix (telescope, hours, wedge, noise, seed); empty for a
/// dataset built without --observe. Throws IoError / FormatError when the file cannot be read.
Parameters readObserveAttributes(const std::string& path);

} // namespace rs::ml

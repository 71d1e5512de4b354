#pragma once
/// \file dataset_health.h
/// What makes a dataset's numbers shaky, said before anyone trains on it: a realised split far
/// from the requested one (splits are by simulation, so few simulations round hard), too few
/// simulations in a split, classes dominated by constant samples (fully ionized slices, nf = 0,
/// are blank and make a class trivially "recognisable"), and imbalanced classes. Also whether a
/// cube given to a trained run was part of its training data or lies outside it. No LibTorch.

#include "cube/cube.h"
#include "ml/dataset.h"

#include <string>
#include <vector>

namespace rs::ml {

/// Warnings about `dataset`, each one sentence naming the numbers (empty: nothing found).
/// Reads at most `maxSamples` samples (evenly spaced) to find constant ones. Throws FormatError
/// when the file is damaged.
std::vector<std::string> datasetWarnings(const DatasetFile& dataset, std::size_t maxSamples = 4000);

/// Warnings about predicting `cube` (read from `cubePath`) with a run trained on `dataset`: the
/// cube, or another cube of its simulation (same seed), was in the training split, so the
/// prediction is no test; its redshift or parameters lie outside the training range; its values
/// lie far outside the training data's (normalised mean beyond ±3, or spread off by 3×).
/// Nothing throws.
std::vector<std::string> predictionWarnings(const DatasetFile& dataset, const std::string& cubePath, const Cube& cube);

/// Warnings about judging (evaluating, calibrating) a run trained on `trainedOn` against `judged`,
/// another dataset: for δT_b, whether their maps follow the same convention for the line-of-sight
/// velocity terms (velocity_axis shared by all of a dataset's cubes: classic delta_T_v3 boxes and
/// `--velocities on` have them, velocity-free boxes and `--velocities off` do not). Generated and
/// simulated maps of different conventions differ by it, not by the generator (KS 0.1 at z 10).
/// Silent for datasets that record no parameters (built before 1.2). Nothing throws.
std::vector<std::string> judgingWarnings(const DatasetInfo& trainedOn, const DatasetInfo& judged);
/// The same for two dataset files; empty where `judgedPath` is empty or names `trainedOnPath`, or
/// either cannot be opened (the caller reports that itself).
std::vector<std::string> judgingWarnings(const std::string& trainedOnPath, const std::string& judgedPath);

} // namespace rs::ml

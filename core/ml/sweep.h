#pragma once
/// \file sweep.h
/// Hyper-parameter sweeps: a grid of settings ("lr=1e-3,3e-3;batch=16,32"), optionally a random
/// subset of it, each point an ordinary run folder inside the sweep folder. The sweep folder
/// holds sweep.json (what was asked: base settings, grid, points), so a sweep started again
/// continues where it stopped and refuses to mix with another sweep. Running the points is the
/// caller's job (the CLI starts one trainer process per point). No LibTorch here.

#include "ml/run_folder.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rs::ml {

struct SweepAxis {
    std::string key; ///< as given: "lr", "batch", "optimizer.momentum", ...
    std::vector<std::string> values; ///< as given: "1e-3", "16", "sgd"
};

struct SweepPoint {
    std::string name; ///< folder name: "lr=1e-3_batch=16"
    std::vector<std::pair<std::string, std::string>> settings;
};

/// Parses "key=v1,v2;key2=v3". Throws ParameterError("--grid", ...) for empty keys or values,
/// repeated keys, or keys that are not run settings (see sweepSettingKeys).
std::vector<SweepAxis> parseSweepGrid(const std::string& text);

/// The short setting names a grid may use (lr, batch, ...) besides any flattened config.json key
/// of a chosen setting ("optimizer.momentum").
std::vector<std::string> sweepSettingKeys();

/// Every point of the grid (the last key varies fastest), or `random` of them (> 0) drawn without
/// repetition with `seed`, in grid order.
std::vector<SweepPoint> sweepPoints(const std::vector<SweepAxis>& grid, std::size_t random = 0, std::uint64_t seed = 0);

/// `base` with the point's settings applied and its sweep membership set. Throws ParameterError
/// naming the key for a value of the wrong kind ("lr=fast").
RunConfig applySweepPoint(const RunConfig& base, const SweepPoint& point, const std::string& sweepName);

/// What sweep.json records.
struct SweepManifest {
    std::string name;
    std::string grid; ///< the grid text as given
    std::size_t random = 0;
    std::uint64_t seed = 0;
    RunConfig base; ///< the settings shared by all points
    std::vector<SweepPoint> points;
};

std::string sweepManifestPath(const std::string& sweepDir); ///< sweep.json
/// Writes sweep.json atomically. Throws IoError.
void writeSweepManifest(const std::string& sweepDir, const SweepManifest& manifest);
/// Reads sweep.json; nullopt when there is none. Throws FormatError when it is damaged.
std::optional<SweepManifest> readSweepManifest(const std::string& sweepDir);
/// Whether two manifests ask for the same sweep (grid, sampling and base settings).
bool sameSweep(const SweepManifest& a, const SweepManifest& b);

} // namespace rs::ml

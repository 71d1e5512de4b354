#pragma once
/// \file dataset.h
/// Machine-learning datasets: 2D samples (full slices or sub-block patches) cut from cubes, with
/// labels, a train/validation/test split BY SOURCE SIMULATION (never by slice: neighbouring slices
/// of one cube are near copies, so a slice-level split leaks), and normalisation statistics of the
/// training part. Stored as ReionScope HDF5 (layout in README.md, "ML datasets"), one chunk per
/// sample, and read back a few samples at a time, so a dataset larger than memory still trains.
/// No LibTorch here.

#include "cube/cube.h"
#include "ml/labels.h"
#include "util/progress.h"
#include "util/shard.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rs::ml {

/// The `format` attribute at the root of every dataset file.
inline constexpr const char* kDatasetFormat = "reionscope-dataset";

enum class SampleMode { Slices, Patches };
/// "slices", "patches".
const char* sampleModeName(SampleMode m);

struct DatasetBuildOptions {
    Quantity quantity = Quantity::BrightnessTemperature; ///< which cube of each simulation is sampled
    SampleMode mode = SampleMode::Slices;
    std::string axes = "xyz"; ///< slicing axes, any of x (0), y (1), z (2)
    std::size_t stride = 1; ///< every stride-th slice along each axis
    std::size_t patch = 0; ///< patch side for Patches; 0: a quarter of the slice side (the seed's 50 of 200)
    std::array<double, 3> split {0.7, 0.15, 0.15}; ///< train, validation, test fractions of the simulations
    std::uint64_t splitSeed = 0; ///< shuffles simulations before assigning them to splits
    int deflateLevel = 1; ///< 0: uncompressed samples
    /// Shard I of N: only the I-th contiguous block of the sources is cut, into a shard file that
    /// `mergeDatasetShards` (dataset_shards.h) joins with the others. Splits are still assigned
    /// over all sources. {0, 1}: the whole dataset.
    Shard shard;
    /// Paired (translation) datasets: the field each sample is paired with, cut at the same place
    /// from the source's cube of this quantity (x_HI or δT_b); `quantity` is then density.
    std::optional<Quantity> target;
    /// Paired datasets: radii [Mpc] of the 3D-smoothed density channels stored with each sample
    /// (density_context.h); empty: none.
    std::vector<double> contextRadiiMpc;
    /// Paired datasets with band edges: the context channels are barrierContext's (ζ-dependent,
    /// at each source's z and ζ) instead of the density's band maxima (density_context.h).
    bool contextBarrier = false;
};

/// One source cube: how to get it and which simulation (realization) it belongs to.
struct DatasetSource {
    std::string id; ///< shown to people and stored: "path" or "path#dataset" or "sim:..."
    std::string group; ///< realization key: all cubes of one group land in the same split
    /// Produces the sampled cube and, where known, the matching x_HI cube (for slice nf).
    /// Called once, in order; may throw rs::Error.
    std::function<std::pair<Cube, std::optional<Cube>>()> load;
    /// Paired datasets: produces the cube of the target quantity (called after load). Empty when
    /// the source has none: buildDataset then refuses the source by name.
    std::function<Cube()> loadTarget;
};

/// Lists the sources among files and folders (folders are scanned recursively): every primary
/// cube of `quantity`, paired with the x_HI cube of the same run and redshift where one exists
/// and, when `target` is given, with the `target` cube of the same run and redshift (sources
/// without one are left out; none at all is a ParameterError).
/// The realization key is the random seed when the metadata has one, else the catalog run
/// (folder, grid, parameters). Throws IoError/FormatError for unreadable inputs and
/// ParameterError when no cube of `quantity` is found.
std::vector<DatasetSource> sourcesFromFiles(
    const std::vector<std::string>& inputs, Quantity quantity, std::optional<Quantity> target = std::nullopt);

/// Builds a dataset file at `out` (atomically). Throws ParameterError for bad options or too few
/// simulations for three non-empty splits, FormatError naming the source for NaNs in inputs or
/// mismatched sample sizes, CancelledError when stopped (no file is left).
void buildDataset(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& options, const std::string& out,
    const ProgressFn& progress = {}, const StopToken& stop = {});

/// One source cube as stored in a dataset.
struct DatasetCube {
    std::string id;
    std::string group;
    Split split = Split::Train;
    double z = 0, zeta = 0, fesc = 0, nf = 0; ///< NaN where unknown
};

/// Everything about a dataset except its samples.
struct DatasetInfo {
    std::string path;
    std::string contentHash; ///< 16 hex digits over samples, labels and split, fixed at build time
    SampleMode mode = SampleMode::Slices;
    Quantity quantity = Quantity::Other;
    std::size_t rows = 0, cols = 0; ///< sample size
    double cellSizeMpc = 0; ///< physical size of one pixel (NaN if unknown)
    std::size_t samples = 0;
    std::array<std::size_t, 3> splitCounts {0, 0, 0};
    double normMean = 0, normStd = 1; ///< over the training samples' pixels
    std::vector<DatasetCube> cubes;
    /// The source cubes' parameters that every cube shares (e.g. sources v2, f_star10, m_turn of a
    /// simulated grid); what varies per cube is in `cubes`. Empty for datasets made before 1.2.
    Parameters parameters;
    std::array<double, 3> splitFractions {0, 0, 0};
    // paired (translation) datasets
    Quantity targetQuantity = Quantity::Other; ///< Other: not a paired dataset
    double targetMean = 0, targetStd = 1; ///< of the targets over the training samples
    std::vector<double> contextRadiiMpc; ///< context channels (may be empty)
    std::vector<double> contextMean, contextStd; ///< per channel, training samples
    bool contextBarrier = false; ///< channels are barrierContext's (attribute context_kind "barrier_max")
    bool paired() const { return targetQuantity != Quantity::Other; }
};

/// A dataset file opened for reading. Labels are held in memory; samples are read on demand.
/// Reading is thread-safe (the HDF5 library serialises calls).
class DatasetFile {
public:
    /// Opens and checks a dataset. Throws IoError (missing) or FormatError (not a dataset,
    /// damaged, empty split).
    static std::shared_ptr<const DatasetFile> open(const std::string& path);
    ~DatasetFile();

    const DatasetInfo& info() const { return m_info; }
    const std::vector<SampleLabels>& labels() const { return m_labels; }
    /// Sample indices of one split, ascending.
    std::vector<std::int64_t> indices(Split s) const;
    /// Reads samples `idx[0..n)` (raw values, not normalised) into `out` (n*rows*cols floats).
    /// Throws FormatError when the file is damaged.
    void readSamples(const std::int64_t* idx, std::size_t n, float* out) const;
    /// Paired datasets: the target slices of samples `idx[0..n)` (n*rows*cols floats, raw).
    /// Throws ParameterError for a dataset that is not paired, FormatError when damaged.
    void readTargets(const std::int64_t* idx, std::size_t n, float* out) const;
    /// Paired datasets: the context channels (n*channels*rows*cols floats, raw, sample-major).
    /// Throws ParameterError when the dataset has no context channels, FormatError when damaged.
    void readContext(const std::int64_t* idx, std::size_t n, float* out) const;

private:
    DatasetFile() = default;
    struct Handles;
    std::unique_ptr<Handles> m_h;
    DatasetInfo m_info;
    std::vector<SampleLabels> m_labels;
};

/// Slicing axes from text: any of x/0, y/1, z/2, each once, in order. Throws ParameterError
/// ("axes") for other characters or none.
std::vector<int> parseSliceAxes(const std::string& axes);

/// At most `max` of `indices` (all of them for max = 0), evenly spaced, in their order.
std::vector<std::int64_t> evenlySpacedSubset(const std::vector<std::int64_t>& indices, std::size_t max);

/// The distinct values of `target` over all samples, ascending (values within 1e-6 relative are
/// one class). Throws ParameterError when a sample lacks the label.
std::vector<double> classValues(const DatasetFile& ds, Target target);
/// Index of `value` in `classes` (nearest within 1e-6 relative), or -1.
int classIndex(const std::vector<double>& classes, double value);

} // namespace rs::ml

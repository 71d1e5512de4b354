#pragma once
/// \file dataset_h5.h
/// PRIVATE to core/ml (no LibTorch): the HDF5 pieces that building, reading and merging dataset
/// files share, so a merged dataset is written exactly as a whole build writes it.

#include "io/hdf5_util.h"
#include "ml/dataset.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rs::ml::detail {

/// The `format` attribute of a shard file (dataset build --shard I/N).
inline constexpr const char* kDatasetShardFormat = "reionscope-dataset-shard";

/// 64-bit FNV-1a over 64-bit words (bytes padded with zeros): cheap enough for large datasets.
/// The content hash depends on how the samples are cut into add() calls when a sample's byte
/// count is not a multiple of 8, so shards record their calls ("hash_chunks") for the merge.
struct Hasher {
    std::uint64_t h = 14695981039346656037ull;
    void add(const void* data, std::size_t bytes);
    std::string hex() const;
};

/// An extendable float32 dataset (0, dims...) of `group` with one chunk per sample, appended to in
/// blocks: the samples `x` of every dataset and the paired `y` and `context` (dataset_pairs.h).
class ChunkedArrayWriter {
public:
    /// Throws IoError when the dataset cannot be created.
    ChunkedArrayWriter(
        hid_t group, const std::string& name, std::vector<hsize_t> sampleDims, int deflate, const std::string& file);
    /// Appends `n` samples. Throws IoError (disk full).
    void append(const float* data, std::size_t n);

private:
    std::string m_name, m_file;
    std::vector<hsize_t> m_dims; ///< (count, sample dims...)
    h5::Id m_ds;
};

/// Reads samples `idx[0..n)` of an (N, ...) float dataset, `perSample` floats each, into `out`,
/// merging runs of consecutive indices into one read. Throws ParameterError for an index out of
/// range, FormatError when the file is damaged.
void readChunkedSamples(
    hid_t dataset, const std::int64_t* idx, std::size_t n, std::size_t perSample, const std::string& path, float* out);

/// A numeric root attribute. Throws FormatError when it is missing.
double numberAttr(hid_t obj, const char* name, const std::string& path);
/// A string attribute, "" when missing.
std::string stringAttr(hid_t obj, const char* name);

/// Per-sample labels and the cube table of one dataset or shard file.
void writeLabels(hid_t samples, const std::vector<SampleLabels>& labels, Hasher& hash, const std::string& file);
std::vector<SampleLabels> readLabels(hid_t file, std::size_t n, std::size_t cubes, const std::string& path);
void writeCubes(hid_t file, const std::vector<DatasetCube>& cubes, const std::string& out);
std::vector<DatasetCube> readCubes(hid_t file, const std::string& path);

/// The source parameters every cube of a dataset shares (e.g. a simulated grid's source model and
/// its fixed parameters; what varies per cube is in the cube table): `common` keeps the entries
/// of `p` with the same value in both (unset: takes all of `p`).
void keepCommon(std::optional<Parameters>& common, const Parameters& p);
/// Group "parameters" with one attribute per shared parameter (none when empty; read: empty when
/// the group is missing, as in datasets written before it existed).
void writeSharedParameters(hid_t file, const Parameters& p, const std::string& out);
Parameters readSharedParameters(hid_t file, const std::string& path);
/// The root attributes named observe_* (a `dataset build --observe`), by their full names.
Parameters observeAttributes(hid_t file);

/// What the root attributes of a dataset (or shard) say about how it was built.
struct DatasetLayout {
    SampleMode mode = SampleMode::Slices;
    Quantity quantity = Quantity::Other;
    std::string axes;
    std::size_t stride = 1, rows = 0, cols = 0;
    double cellSize = 0;
    std::uint64_t splitSeed = 0;
    std::array<double, 3> fractions {0, 0, 0}; ///< normalised to sum 1
};
/// Writes the build attributes (format, mode, quantity, axes, stride, rows, cols, cell size,
/// samples, split seed and fractions).
void writeLayout(hid_t file, const char* format, const DatasetLayout& l, std::size_t samples, const std::string& out);
DatasetLayout readLayout(hid_t file, const std::string& path);

/// Splits, normalisation and content hash of a complete dataset: the end of a build or a merge.
/// Throws ParameterError when a split has no samples.
void finishDataset(hid_t file, const std::vector<SampleLabels>& labels, double sum, double sumSq,
    std::size_t trainPixels, Hasher& hash, const std::string& out);

} // namespace rs::ml::detail

#pragma once
/// \file dataset_pairs.h
/// PRIVATE to core/ml (dataset build and read): the parts of a paired (translation) dataset
/// besides the density samples `samples/x`:
///
///     samples/y         float32 (N, rows, cols): the target field cut where x was cut
///     samples/context   float32 (N, C, rows, cols): the 3D-smoothed density at C radii (optional)
///     root attrs        target_quantity, target_mean, target_std, context_radii_mpc (C doubles),
///                       context_mean, context_std (C doubles each; over the training samples)
///
/// plus the chunked per-sample array writing and reading they share with `samples/x`.

#include "cube/cube.h"
#include "io/hdf5_util.h"
#include "ml/dataset.h"

#include <functional>
#include <string>
#include <vector>

namespace rs::ml::detail {

/// An extendable float32 dataset (0, dims...) with one chunk per sample, appended to in blocks.
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

/// Cuts and writes the target and context planes of every sample of a paired dataset, in the
/// order buildDataset cuts the density samples, and keeps their training statistics.
class PairedSampleWriter {
public:
    PairedSampleWriter(hid_t samplesGroup, const DatasetBuildOptions& options, std::size_t rows, std::size_t cols,
        const std::string& out);
    /// Loads the source's target cube and smooths `density` for the context channels. Throws
    /// FormatError naming the source when it has no target cube, another grid, or NaNs.
    void beginSource(const DatasetSource& source, const Cube& density);
    /// Copies the slices at (axis, index) of the target and context cubes.
    void beginSlice(int axis, std::size_t index);
    /// Queues the tile of the current slices at (r0, c0); `train` counts it into the statistics.
    void addTile(std::size_t r0, std::size_t c0, bool train);
    /// Writes the queued tiles, passing their bytes to `hash` first.
    void flush(const std::function<void(const void*, std::size_t)>& hash);
    /// Writes the root attributes (target and context statistics). Throws IoError.
    void writeAttributes(hid_t file, const std::string& out) const;

private:
    DatasetBuildOptions m_opt;
    std::size_t m_rows, m_cols, m_sliceCols = 0;
    ChunkedArrayWriter m_y;
    std::unique_ptr<ChunkedArrayWriter> m_context;
    Cube m_target;
    std::vector<Cube> m_smoothed;
    std::vector<float> m_targetSlice, m_contextSlices, m_yBuffer, m_contextBuffer;
    double m_targetSum = 0, m_targetSumSq = 0;
    std::vector<double> m_contextSum, m_contextSumSq;
    std::size_t m_trainPixels = 0;
};

/// Reads the paired-dataset attributes of an open dataset file into `info` (nothing for an
/// unpaired one) and returns the opened `samples/y` and `samples/context` (invalid Ids when
/// absent). Throws FormatError for inconsistent shapes or attributes.
std::pair<h5::Id, h5::Id> openPairedParts(hid_t file, DatasetInfo& info);

} // namespace rs::ml::detail

#pragma once
/// \file dataset_pairs.h
/// PRIVATE to core/ml (dataset build and read): the parts of a paired (translation) dataset
/// besides the density samples `samples/x`:
///
///     samples/y         float32 (N, rows, cols): the target field cut where x was cut
///     samples/context   float32 (N, C, rows, cols): the 3D-smoothed density at C radii or band
///                       maxima, or the barrier context of C bands (optional; density_context.h)
///     root attrs        target_quantity, target_mean, target_std, context_radii_mpc (C doubles),
///                       context_mean, context_std (C doubles each; over the training samples),
///                       context_kind (sampled, band_max or barrier_max: the last is read back)
///
/// written with the chunked per-sample writer that `samples/x` uses (detail/dataset_h5.h).

#include "cube/cube.h"
#include "io/hdf5_util.h"
#include "ml/dataset.h"
#include "ml/detail/dataset_h5.h"

#include <functional>
#include <string>
#include <vector>

namespace rs::ml::detail {

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

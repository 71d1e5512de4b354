// Reading a dataset file: labels, splits and samples (DatasetFile), class lists.
#include "ml/dataset.h"

#include "io/hdf5_util.h"
#include "ml/dataset_pairs.h"
#include "ml/detail/dataset_h5.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs::ml {

using detail::numberAttr;
using detail::stringAttr;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

// ---- DatasetFile ------------------------------------------------------------------------------

struct DatasetFile::Handles {
    h5::Id file;
    h5::Id x;
    h5::Id y, context; ///< paired datasets
};

DatasetFile::~DatasetFile() = default;

std::shared_ptr<const DatasetFile> DatasetFile::open(const std::string& path)
{
    std::shared_ptr<DatasetFile> ds(new DatasetFile());
    ds->m_h = std::make_unique<Handles>();
    ds->m_h->file = h5::openFile(path);
    const hid_t f = ds->m_h->file.get();
    const std::string format = stringAttr(f, "format");
    if (format == detail::kDatasetShardFormat)
        throw FormatError(path,
            "is one shard of a `dataset build --shard I/N`; join the shards with `dataset merge "
            "SHARDS... --out DATASET` first");
    if (format != kDatasetFormat)
        throw FormatError(path,
            format.empty() ? "not a ReionScope ML dataset (no 'format' attribute)"
                           : "not a ReionScope ML dataset (format '" + format + "')");
    DatasetInfo& info = ds->m_info;
    info.path = path;
    info.contentHash = stringAttr(f, "content_hash");
    info.mode = stringAttr(f, "mode") == "patches" ? SampleMode::Patches : SampleMode::Slices;
    info.quantity = quantityFromName(stringAttr(f, "quantity")).value_or(Quantity::Other);
    info.rows = std::size_t(numberAttr(f, "rows", path));
    info.cols = std::size_t(numberAttr(f, "cols", path));
    info.samples = std::size_t(numberAttr(f, "samples", path));
    info.normMean = numberAttr(f, "norm_mean", path);
    info.normStd = numberAttr(f, "norm_std", path);
    info.cellSizeMpc = numberOf(h5::readAttribute(f, "cell_size_mpc").value_or(kNaN)).value_or(kNaN);
    const std::vector<double> fr = h5::readNumberArrayAttribute(f, "split_fractions");
    if (fr.size() == 3)
        info.splitFractions = {fr[0], fr[1], fr[2]};

    ds->m_h->x = h5::openDataset(f, "samples/x", path);
    const std::vector<hsize_t> d = h5::dims(ds->m_h->x.get());
    if (d.size() != 3 || d[0] != info.samples || d[1] != info.rows || d[2] != info.cols)
        throw FormatError(
            path, "dataset 'samples/x' does not have the shape (samples, rows, cols) its attributes state");
    std::tie(ds->m_h->y, ds->m_h->context) = detail::openPairedParts(f, info);
    info.cubes = detail::readCubes(f, path);
    info.parameters = detail::readSharedParameters(f, path);
    ds->m_labels = detail::readLabels(f, info.samples, info.cubes.size(), path);
    for (const SampleLabels& l : ds->m_labels)
        ++info.splitCounts[std::size_t(l.split)];
    for (int s = 0; s < 3; ++s)
        if (!info.splitCounts[s])
            throw FormatError(path, std::string("the ") + splitName(Split(s)) + " split is empty");
    if (!(info.normStd > 0) || !std::isfinite(info.normMean))
        throw FormatError(path, "invalid normalisation statistics");
    return ds;
}

std::vector<std::int64_t> DatasetFile::indices(Split s) const
{
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < m_labels.size(); ++i)
        if (m_labels[i].split == std::int8_t(s))
            out.push_back(std::int64_t(i));
    return out;
}

void DatasetFile::readSamples(const std::int64_t* idx, std::size_t n, float* out) const
{
    detail::readChunkedSamples(m_h->x.get(), idx, n, m_info.rows * m_info.cols, m_info.path, out);
}

void DatasetFile::readTargets(const std::int64_t* idx, std::size_t n, float* out) const
{
    if (!m_h->y.valid())
        throw ParameterError("dataset", m_info.path + " is not a paired dataset (no target fields)");
    detail::readChunkedSamples(m_h->y.get(), idx, n, m_info.rows * m_info.cols, m_info.path, out);
}

void DatasetFile::readContext(const std::int64_t* idx, std::size_t n, float* out) const
{
    if (!m_h->context.valid())
        throw ParameterError("dataset", m_info.path + " has no context channels");
    detail::readChunkedSamples(
        m_h->context.get(), idx, n, m_info.contextRadiiMpc.size() * m_info.rows * m_info.cols, m_info.path, out);
}

std::vector<double> classValues(const DatasetFile& ds, Target target)
{
    std::vector<double> v;
    for (const SampleLabels& l : ds.labels()) {
        const double x = labelValue(l, target);
        if (!std::isfinite(x))
            throw ParameterError(
                "target", std::string("samples of ") + ds.info().path + " have no '" + targetName(target) + "' label");
        v.push_back(x);
    }
    std::sort(v.begin(), v.end());
    std::vector<double> classes;
    for (double x : v)
        if (classes.empty() || std::abs(x - classes.back()) > 1e-6 * std::max(1.0, std::abs(x)))
            classes.push_back(x);
    return classes;
}

int classIndex(const std::vector<double>& classes, double value)
{
    for (std::size_t i = 0; i < classes.size(); ++i)
        if (std::abs(value - classes[i]) <= 1e-6 * std::max(1.0, std::abs(value)))
            return int(i);
    return -1;
}

std::vector<std::int64_t> evenlySpacedSubset(const std::vector<std::int64_t>& indices, std::size_t max)
{
    if (!max || indices.size() <= max)
        return indices;
    std::vector<std::int64_t> out;
    out.reserve(max);
    for (std::size_t i = 0; i < max; ++i)
        out.push_back(indices[i * indices.size() / max]);
    return out;
}

} // namespace rs::ml

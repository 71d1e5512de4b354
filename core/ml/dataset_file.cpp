// Reading a dataset file: labels, splits and samples (DatasetFile), class lists.
#include "ml/dataset.h"

#include "io/hdf5_util.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double numberAttr(hid_t obj, const char* name, const std::string& path)
{
    auto v = h5::readAttribute(obj, name);
    auto d = v ? numberOf(*v) : std::nullopt;
    if (!d)
        throw FormatError(path, std::string("dataset file lacks the root attribute '") + name + "'");
    return *d;
}

std::string stringAttr(hid_t obj, const char* name)
{
    auto v = h5::readAttribute(obj, name);
    return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string();
}

} // namespace

// ---- DatasetFile ------------------------------------------------------------------------------

struct DatasetFile::Handles {
    h5::Id file;
    h5::Id x;
};

DatasetFile::~DatasetFile() = default;

std::shared_ptr<const DatasetFile> DatasetFile::open(const std::string& path)
{
    std::shared_ptr<DatasetFile> ds(new DatasetFile());
    ds->m_h = std::make_unique<Handles>();
    ds->m_h->file = h5::openFile(path);
    const hid_t f = ds->m_h->file.get();
    const std::string format = stringAttr(f, "format");
    if (format != kDatasetFormat)
        throw FormatError(path, format.empty() ? "not a ReionScope ML dataset (no 'format' attribute)"
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
        throw FormatError(path, "dataset 'samples/x' does not have the shape (samples, rows, cols) its attributes state");
    const std::size_t n = info.samples;
    const auto z = h5::readArray<double>(f, "samples/z", H5T_NATIVE_DOUBLE, n, path);
    const auto zeta = h5::readArray<double>(f, "samples/zeta", H5T_NATIVE_DOUBLE, n, path);
    const auto fesc = h5::readArray<double>(f, "samples/f_esc", H5T_NATIVE_DOUBLE, n, path);
    const auto nfs = h5::readArray<double>(f, "samples/nf_slice", H5T_NATIVE_DOUBLE, n, path);
    const auto nfc = h5::readArray<double>(f, "samples/nf_cube", H5T_NATIVE_DOUBLE, n, path);
    const auto cube = h5::readArray<std::int32_t>(f, "samples/cube", H5T_NATIVE_INT32, n, path);
    const auto split = h5::readArray<std::int8_t>(f, "samples/split", H5T_NATIVE_INT8, n, path);
    const auto axis = h5::readArray<std::int8_t>(f, "samples/axis", H5T_NATIVE_INT8, n, path);
    const auto index = h5::readArray<std::int32_t>(f, "samples/index", H5T_NATIVE_INT32, n, path);
    const auto tile = h5::readArray<std::int32_t>(f, "samples/tile", H5T_NATIVE_INT32, n, path);

    h5::Id cubesGroup = h5::openGroup(f, "cubes", path);
    const std::size_t nc = h5::dims(h5::openDataset(f, "cubes/z", path).get()).at(0);
    const auto cid = h5::readStrings(f, "cubes/id", nc, path);
    const auto cgroup = h5::readStrings(f, "cubes/group", nc, path);
    const auto csplit = h5::readArray<std::int8_t>(f, "cubes/split", H5T_NATIVE_INT8, nc, path);
    const auto cz = h5::readArray<double>(f, "cubes/z", H5T_NATIVE_DOUBLE, nc, path);
    const auto czeta = h5::readArray<double>(f, "cubes/zeta", H5T_NATIVE_DOUBLE, nc, path);
    const auto cfesc = h5::readArray<double>(f, "cubes/f_esc", H5T_NATIVE_DOUBLE, nc, path);
    const auto cnf = h5::readArray<double>(f, "cubes/nf", H5T_NATIVE_DOUBLE, nc, path);
    for (std::size_t i = 0; i < nc; ++i)
        info.cubes.push_back({cid[i], cgroup[i], Split(csplit[i]), cz[i], czeta[i], cfesc[i], cnf[i]});

    ds->m_labels.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (split[i] < 0 || split[i] > 2 || cube[i] < 0 || std::size_t(cube[i]) >= nc)
            throw FormatError(path, "sample " + std::to_string(i) + " has an invalid split or cube index");
        ds->m_labels[i] = {z[i], zeta[i], fesc[i], nfs[i], nfc[i], cube[i], split[i], axis[i], index[i], tile[i]};
        ++info.splitCounts[std::size_t(split[i])];
    }
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
    const hsize_t rows = m_info.rows, cols = m_info.cols;
    h5::Id fileSpace(H5Dget_space(m_h->x.get()));
    std::size_t i = 0;
    while (i < n) {
        std::size_t j = i + 1; // merge runs of consecutive indices into one read
        while (j < n && idx[j] == idx[j - 1] + 1)
            ++j;
        if (idx[i] < 0 || std::size_t(idx[j - 1]) >= m_info.samples)
            throw ParameterError("sample", "index out of range in " + m_info.path);
        const hsize_t start[3] = {hsize_t(idx[i]), 0, 0}, count[3] = {hsize_t(j - i), rows, cols};
        H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
        h5::Id memSpace(H5Screate_simple(3, count, nullptr));
        if (H5Dread(m_h->x.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT,
                    out + i * rows * cols) < 0)
            throw FormatError(m_info.path, "cannot read samples (file damaged or truncated)");
        i = j;
    }
}

std::vector<double> classValues(const DatasetFile& ds, Target target)
{
    std::vector<double> v;
    for (const SampleLabels& l : ds.labels()) {
        const double x = labelValue(l, target);
        if (!std::isfinite(x))
            throw ParameterError("target", std::string("samples of ") + ds.info().path + " have no '"
                                               + targetName(target) + "' label");
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

#include "ml/detail/dataset_h5.h"

#include "util/error.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace rs::ml::detail {

void Hasher::add(const void* data, std::size_t bytes)
{
    const auto* p = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    for (; i + 8 <= bytes; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    if (i < bytes) {
        std::uint64_t w = 0;
        std::memcpy(&w, p + i, bytes - i);
        h = (h ^ w) * 1099511628211ull;
    }
}

std::string Hasher::hex() const
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// ---- chunked per-sample arrays ----------------------------------------------------------------

ChunkedArrayWriter::ChunkedArrayWriter(
    hid_t group, const std::string& name, std::vector<hsize_t> sampleDims, int deflate, const std::string& file)
    : m_name(name)
    , m_file(file)
{
    m_dims.push_back(0);
    m_dims.insert(m_dims.end(), sampleDims.begin(), sampleDims.end());
    std::vector<hsize_t> maxDims = m_dims, chunk = m_dims;
    maxDims[0] = H5S_UNLIMITED;
    chunk[0] = 1;
    const int rank = int(m_dims.size());
    h5::Id space(H5Screate_simple(rank, m_dims.data(), maxDims.data()));
    h5::Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_chunk(dcpl.get(), rank, chunk.data());
    if (deflate > 0) {
        H5Pset_shuffle(dcpl.get());
        H5Pset_deflate(dcpl.get(), unsigned(deflate));
    }
    m_ds = h5::Id(H5Dcreate2(group, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
    if (!m_ds.valid())
        throw IoError(file, "cannot create dataset 'samples/" + name + "'");
}

void ChunkedArrayWriter::append(const float* data, std::size_t n)
{
    if (!n)
        return;
    std::vector<hsize_t> grown = m_dims, start(m_dims.size(), 0), count = m_dims;
    grown[0] += n;
    if (H5Dset_extent(m_ds.get(), grown.data()) < 0)
        throw IoError(m_file, "cannot extend dataset 'samples/" + m_name + "'");
    h5::Id fileSpace(H5Dget_space(m_ds.get()));
    start[0] = m_dims[0];
    count[0] = n;
    H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    h5::Id memSpace(H5Screate_simple(int(count.size()), count.data(), nullptr));
    if (H5Dwrite(m_ds.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT, data) < 0)
        throw IoError(m_file, "cannot write samples (disk full?)");
    m_dims = grown;
}

void readChunkedSamples(
    hid_t dataset, const std::int64_t* idx, std::size_t n, std::size_t perSample, const std::string& path, float* out)
{
    h5::Id fileSpace(H5Dget_space(dataset));
    std::vector<hsize_t> dims = h5::dims(dataset), start(dims.size(), 0), count = dims;
    std::size_t i = 0;
    while (i < n) {
        std::size_t j = i + 1; // merge runs of consecutive indices into one read
        while (j < n && idx[j] == idx[j - 1] + 1)
            ++j;
        if (idx[i] < 0 || hsize_t(idx[j - 1]) >= dims[0])
            throw ParameterError("sample", "index out of range in " + path);
        start[0] = hsize_t(idx[i]);
        count[0] = hsize_t(j - i);
        H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
        h5::Id memSpace(H5Screate_simple(int(count.size()), count.data(), nullptr));
        if (H5Dread(dataset, H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT, out + i * perSample) < 0)
            throw FormatError(path, "cannot read samples (file damaged or truncated)");
        i = j;
    }
}

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

void writeLabels(hid_t sg, const std::vector<SampleLabels>& labels, Hasher& hash, const std::string& out)
{
    const std::size_t n = labels.size();
    auto column = [&](auto get) {
        using T = decltype(get(SampleLabels {}));
        std::vector<T> v(n);
        for (std::size_t i = 0; i < n; ++i)
            v[i] = get(labels[i]);
        hash.add(v.data(), v.size() * sizeof(T));
        return v;
    };
    const hid_t d = H5T_IEEE_F64LE, nd = H5T_NATIVE_DOUBLE;
    h5::writeArray(sg, "z", d, nd, column([](const SampleLabels& l) { return l.z; }), out);
    h5::writeArray(sg, "zeta", d, nd, column([](const SampleLabels& l) { return l.zeta; }), out);
    h5::writeArray(sg, "f_esc", d, nd, column([](const SampleLabels& l) { return l.fesc; }), out);
    h5::writeArray(sg, "nf_slice", d, nd, column([](const SampleLabels& l) { return l.nfSlice; }), out);
    h5::writeArray(sg, "nf_cube", d, nd, column([](const SampleLabels& l) { return l.nfCube; }), out);
    h5::writeArray(
        sg, "cube", H5T_STD_I32LE, H5T_NATIVE_INT32, column([](const SampleLabels& l) { return l.cube; }), out);
    h5::writeArray(
        sg, "split", H5T_STD_I8LE, H5T_NATIVE_INT8, column([](const SampleLabels& l) { return l.split; }), out);
    h5::writeArray(
        sg, "axis", H5T_STD_I8LE, H5T_NATIVE_INT8, column([](const SampleLabels& l) { return l.axis; }), out);
    h5::writeArray(
        sg, "index", H5T_STD_I32LE, H5T_NATIVE_INT32, column([](const SampleLabels& l) { return l.index; }), out);
    h5::writeArray(
        sg, "tile", H5T_STD_I32LE, H5T_NATIVE_INT32, column([](const SampleLabels& l) { return l.tile; }), out);
}

std::vector<SampleLabels> readLabels(hid_t f, std::size_t n, std::size_t nc, const std::string& path)
{
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
    std::vector<SampleLabels> labels(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (split[i] < 0 || split[i] > 2 || cube[i] < 0 || std::size_t(cube[i]) >= nc)
            throw FormatError(path, "sample " + std::to_string(i) + " has an invalid split or cube index");
        labels[i] = {z[i], zeta[i], fesc[i], nfs[i], nfc[i], cube[i], split[i], axis[i], index[i], tile[i]};
    }
    return labels;
}

void writeCubes(hid_t file, const std::vector<DatasetCube>& cubes, const std::string& out)
{
    h5::Id cg = h5::requireGroup(file, "cubes", out);
    std::vector<std::string> ids, grp;
    std::vector<std::int8_t> csplit;
    std::vector<double> cz, czeta, cfesc, cnf;
    for (const DatasetCube& c : cubes) {
        ids.push_back(c.id);
        grp.push_back(c.group);
        csplit.push_back(std::int8_t(c.split));
        cz.push_back(c.z);
        czeta.push_back(c.zeta);
        cfesc.push_back(c.fesc);
        cnf.push_back(c.nf);
    }
    h5::writeStrings(cg.get(), "id", ids, out);
    h5::writeStrings(cg.get(), "group", grp, out);
    h5::writeArray(cg.get(), "split", H5T_STD_I8LE, H5T_NATIVE_INT8, csplit, out);
    h5::writeArray(cg.get(), "z", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cz, out);
    h5::writeArray(cg.get(), "zeta", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, czeta, out);
    h5::writeArray(cg.get(), "f_esc", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cfesc, out);
    h5::writeArray(cg.get(), "nf", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cnf, out);
}

std::vector<DatasetCube> readCubes(hid_t f, const std::string& path)
{
    h5::Id cubesGroup = h5::openGroup(f, "cubes", path);
    const std::size_t nc = h5::dims(h5::openDataset(f, "cubes/z", path).get()).at(0);
    const auto cid = h5::readStrings(f, "cubes/id", nc, path);
    const auto cgroup = h5::readStrings(f, "cubes/group", nc, path);
    const auto csplit = h5::readArray<std::int8_t>(f, "cubes/split", H5T_NATIVE_INT8, nc, path);
    const auto cz = h5::readArray<double>(f, "cubes/z", H5T_NATIVE_DOUBLE, nc, path);
    const auto czeta = h5::readArray<double>(f, "cubes/zeta", H5T_NATIVE_DOUBLE, nc, path);
    const auto cfesc = h5::readArray<double>(f, "cubes/f_esc", H5T_NATIVE_DOUBLE, nc, path);
    const auto cnf = h5::readArray<double>(f, "cubes/nf", H5T_NATIVE_DOUBLE, nc, path);
    std::vector<DatasetCube> cubes;
    for (std::size_t i = 0; i < nc; ++i)
        cubes.push_back({cid[i], cgroup[i], Split(csplit[i]), cz[i], czeta[i], cfesc[i], cnf[i]});
    return cubes;
}

void keepCommon(std::optional<Parameters>& common, const Parameters& p)
{
    if (!common) {
        common = p;
        return;
    }
    for (auto it = common->begin(); it != common->end();) {
        const auto other = p.find(it->first);
        it = other != p.end() && other->second == it->second ? std::next(it) : common->erase(it);
    }
}

void writeSharedParameters(hid_t file, const Parameters& p, const std::string& out)
{
    if (p.empty())
        return;
    h5::Id g = h5::requireGroup(file, "parameters", out);
    for (const auto& [name, value] : p)
        h5::writeAttribute(g.get(), name, value, out);
}

Parameters readSharedParameters(hid_t file, const std::string& path)
{
    if (!h5::isGroup(file, "parameters"))
        return {};
    return h5::readAttributes(h5::openGroup(file, "parameters", path).get());
}

Parameters observeAttributes(hid_t file)
{
    Parameters out;
    for (auto& [name, value] : h5::readAttributes(file))
        if (name.rfind("observe_", 0) == 0)
            out[name] = value;
    return out;
}

void writeLayout(hid_t f, const char* format, const DatasetLayout& l, std::size_t samples, const std::string& out)
{
    h5::writeAttribute(f, "format", std::string(format), out);
    h5::writeAttribute(f, "format_version", std::int64_t(1), out);
    h5::writeAttribute(f, "created_by", std::string("ReionScope"), out);
    h5::writeAttribute(f, "mode", std::string(sampleModeName(l.mode)), out);
    h5::writeAttribute(f, "quantity", std::string(quantityName(l.quantity)), out);
    h5::writeAttribute(f, "axes", l.axes, out);
    h5::writeAttribute(f, "stride", std::int64_t(l.stride), out);
    h5::writeAttribute(f, "rows", std::int64_t(l.rows), out);
    h5::writeAttribute(f, "cols", std::int64_t(l.cols), out);
    h5::writeAttribute(f, "cell_size_mpc", l.cellSize, out);
    h5::writeAttribute(f, "samples", std::int64_t(samples), out);
    h5::writeAttribute(f, "split_seed", std::int64_t(l.splitSeed), out);
    h5::writeAttribute(f, "split_fractions", std::vector<double> {l.fractions[0], l.fractions[1], l.fractions[2]}, out);
}

DatasetLayout readLayout(hid_t f, const std::string& path)
{
    DatasetLayout l;
    l.mode = stringAttr(f, "mode") == "patches" ? SampleMode::Patches : SampleMode::Slices;
    l.quantity = quantityFromName(stringAttr(f, "quantity")).value_or(Quantity::Other);
    l.axes = stringAttr(f, "axes");
    l.stride = std::size_t(numberAttr(f, "stride", path));
    l.rows = std::size_t(numberAttr(f, "rows", path));
    l.cols = std::size_t(numberAttr(f, "cols", path));
    l.cellSize = numberOf(h5::readAttribute(f, "cell_size_mpc").value_or(std::nan(""))).value_or(std::nan(""));
    l.splitSeed = std::uint64_t(numberAttr(f, "split_seed", path));
    const std::vector<double> fr = h5::readNumberArrayAttribute(f, "split_fractions");
    if (fr.size() == 3)
        l.fractions = {fr[0], fr[1], fr[2]};
    return l;
}

void finishDataset(hid_t file, const std::vector<SampleLabels>& labels, double sum, double sumSq,
    std::size_t trainPixels, Hasher& hash, const std::string& out)
{
    std::array<std::vector<std::int64_t>, 3> splitIdx;
    for (std::size_t i = 0; i < labels.size(); ++i)
        splitIdx[std::size_t(labels[i].split)].push_back(std::int64_t(i));
    for (int s = 0; s < 3; ++s)
        if (splitIdx[s].empty())
            throw ParameterError("split", std::string("the ") + splitName(Split(s)) + " split has no samples");
    h5::Id spg = h5::requireGroup(file, "splits", out);
    for (int s = 0; s < 3; ++s)
        h5::writeArray(spg.get(), splitName(Split(s)), H5T_STD_I64LE, H5T_NATIVE_INT64, splitIdx[s], out);
    const double mean = sum / double(trainPixels);
    double sd = std::sqrt(std::max(0.0, sumSq / double(trainPixels) - mean * mean));
    if (!(sd > 0))
        sd = 1.0;
    h5::writeAttribute(file, "norm_mean", mean, out);
    h5::writeAttribute(file, "norm_std", sd, out);
    h5::writeAttribute(file, "content_hash", hash.hex(), out);
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)
        throw IoError(out, "cannot flush HDF5 file (disk full?)");
}

} // namespace rs::ml::detail

// Cutting cubes into labelled slices or patches, split by simulation, into a dataset file.
#include "ml/dataset.h"

#include "cube/cube_stats.h"
#include "io/hdf5_util.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>

namespace rs::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// ζ = N_γ f_* f_esc with the classic defaults N_γ = 5000, f_* = 0.05.
constexpr double kZetaPerFesc = 250.0;

/// 64-bit FNV-1a over 64-bit words (bytes padded with zeros): cheap enough for large datasets.
struct Hasher {
    std::uint64_t h = 14695981039346656037ull;
    void add(const void* data, std::size_t bytes)
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
    std::string hex() const
    {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

std::vector<int> parseAxes(const std::string& axes)
{
    std::vector<int> out;
    for (char c : axes) {
        const int a = c == 'x' || c == '0' ? 0 : c == 'y' || c == '1' ? 1 : c == 'z' || c == '2' ? 2 : -1;
        if (a < 0)
            throw ParameterError("axes", "'" + axes + "' may only contain x, y and z");
        if (std::find(out.begin(), out.end(), a) == out.end())
            out.push_back(a);
    }
    if (out.empty())
        throw ParameterError("axes", "needs at least one of x, y, z");
    return out;
}

/// The extendable (N, rows, cols) sample dataset, written a block of samples at a time.
class SampleWriter {
public:
    SampleWriter(hid_t group, std::size_t rows, std::size_t cols, int deflate, const std::string& file)
        : m_rows(rows), m_cols(cols), m_file(file)
    {
        const hsize_t dims[3] = {0, rows, cols}, maxDims[3] = {H5S_UNLIMITED, rows, cols}, chunk[3] = {1, rows, cols};
        h5::Id space(H5Screate_simple(3, dims, maxDims));
        h5::Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
        H5Pset_chunk(dcpl.get(), 3, chunk);
        if (deflate > 0) {
            H5Pset_shuffle(dcpl.get());
            H5Pset_deflate(dcpl.get(), unsigned(deflate));
        }
        m_ds = h5::Id(H5Dcreate2(group, "x", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
        if (!m_ds.valid())
            throw IoError(file, "cannot create dataset 'samples/x'");
    }

    void append(const float* data, std::size_t n)
    {
        if (!n)
            return;
        const hsize_t newDims[3] = {m_count + n, m_rows, m_cols};
        if (H5Dset_extent(m_ds.get(), newDims) < 0)
            throw IoError(m_file, "cannot extend dataset 'samples/x'");
        h5::Id fileSpace(H5Dget_space(m_ds.get()));
        const hsize_t start[3] = {m_count, 0, 0}, count[3] = {n, m_rows, m_cols};
        H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
        h5::Id memSpace(H5Screate_simple(3, count, nullptr));
        if (H5Dwrite(m_ds.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT, data) < 0)
            throw IoError(m_file, "cannot write samples (disk full?)");
        m_count += n;
    }

private:
    std::size_t m_rows, m_cols;
    std::string m_file;
    h5::Id m_ds;
    hsize_t m_count = 0;
};

double meanOf(const float* v, std::size_t n)
{
    double s = 0;
    for (std::size_t i = 0; i < n; ++i)
        s += v[i];
    return n ? s / double(n) : kNaN;
}

/// Realizations → splits, before any voxel is read: the groups are shuffled with `splitSeed`
/// and the first ones become test, then validation, the rest training (each at least one).
std::map<std::string, Split> assignSplits(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o,
                                          double total)
{
    std::vector<std::string> groups;
    for (const DatasetSource& s : sources)
        groups.push_back(s.group);
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const std::size_t g = groups.size();
    if (g < 3)
        throw ParameterError("split", "a train/validation/test split by simulation needs at least 3 independent "
                                      "simulations (distinct seeds or runs); the inputs hold "
                                      + std::to_string(g));
    std::mt19937_64 rng(o.splitSeed);
    for (std::size_t i = g - 1; i > 0; --i) // Fisher-Yates with a standard engine: same order everywhere
        std::swap(groups[i], groups[std::size_t(rng() % (i + 1))]);
    std::size_t nTest = std::max<std::size_t>(1, std::size_t(std::lround(double(g) * o.split[2] / total)));
    std::size_t nVal = std::max<std::size_t>(1, std::size_t(std::lround(double(g) * o.split[1] / total)));
    while (nTest + nVal > g - 1)
        (nTest >= nVal ? nTest : nVal) -= 1;
    std::map<std::string, Split> splitOf;
    for (std::size_t i = 0; i < g; ++i)
        splitOf[groups[i]] = i < nTest ? Split::Test : i < nTest + nVal ? Split::Validation : Split::Train;
    return splitOf;
}

/// The cube-level labels of one source: z, ζ / f_esc (each derived from the other where only one
/// is known) and the cube's neutral fraction.
DatasetCube describeCube(const DatasetSource& src, Split split, const Cube& cube, const std::optional<Cube>& xh,
                         const SummaryStats& st)
{
    const CubeMetadata& m = cube.metadata();
    DatasetCube dc;
    dc.id = src.id;
    dc.group = src.group;
    dc.split = split;
    dc.z = m.redshift.value_or(kNaN);
    dc.zeta = numberOf(m.parameters, param::zeta).value_or(kNaN);
    dc.fesc = numberOf(m.parameters, param::fesc).value_or(kNaN);
    if (std::isnan(dc.fesc) && !std::isnan(dc.zeta))
        dc.fesc = dc.zeta / kZetaPerFesc;
    if (std::isnan(dc.zeta) && !std::isnan(dc.fesc))
        dc.zeta = dc.fesc * kZetaPerFesc;
    if (xh)
        dc.nf = summarize(*xh).mean;
    else if (cube.quantity() == Quantity::NeutralFraction)
        dc.nf = st.mean;
    else
        dc.nf = numberOf(m.parameters, param::nf).value_or(kNaN);
    return dc;
}

/// Cuts cubes into samples and streams them into the file's sample dataset, keeping the labels,
/// the content hash and the training split's pixel statistics as it goes.
class SampleCutter {
public:
    SampleCutter(hid_t samplesGroup, const DatasetBuildOptions& o, const std::string& out)
        : m_group(samplesGroup), m_o(o), m_out(out)
    {
    }

    /// Adds every sample of `cube` (slices along each axis, tiled into patches).
    void addCube(const DatasetSource& src, const Cube& cube, const Cube* nfSource, const DatasetCube& dc,
                 std::int32_t cubeIndex, const std::vector<int>& axes)
    {
        for (int axis : axes) {
            const auto [r, c] = sliceShape(cube.shape(), axis);
            const std::size_t side = sampleSide(src, r, c);
            const std::size_t sr = m_o.mode == SampleMode::Patches ? side : r;
            const std::size_t sc = m_o.mode == SampleMode::Patches ? side : c;
            requireSampleSize(src, cube, axis, sr, sc);
            const std::size_t tilesR = r / sr, tilesC = c / sc;
            std::vector<float> slice(r * c), nfSlice;
            for (std::size_t idx = 0; idx < cube.shape()[axis]; idx += m_o.stride) {
                cube.slice(axis, idx).copyTo(slice.data());
                if (nfSource)
                    nfSlice = nfSource->slice(axis, idx).toVector();
                for (std::size_t tr = 0; tr < tilesR; ++tr)
                    for (std::size_t tc = 0; tc < tilesC; ++tc) {
                        SampleLabels l;
                        l.z = dc.z;
                        l.zeta = dc.zeta;
                        l.fesc = dc.fesc;
                        l.nfCube = dc.nf;
                        l.cube = cubeIndex;
                        l.split = std::int8_t(dc.split);
                        l.axis = std::int8_t(axis);
                        l.index = std::int32_t(idx);
                        l.tile = std::int32_t(tr * tilesC + tc);
                        addTile(slice.data(), nfSource ? nfSlice.data() : nullptr, c, tr * sr, tc * sc, l);
                    }
                if (m_buffer.size() >= 256 * m_rows * m_cols)
                    flush();
            }
        }
        flush();
    }

    const std::vector<SampleLabels>& labels() const { return m_labels; }
    Hasher& hash() { return m_hash; }
    std::size_t rows() const { return m_rows; }
    std::size_t cols() const { return m_cols; }
    double cellSize() const { return m_cellSize; }
    /// Mean and standard deviation of the training split's pixels (standard deviation 1 when 0).
    std::pair<double, double> trainingMoments() const
    {
        const double mean = m_sum / double(m_trainPixels);
        const double sd = std::sqrt(std::max(0.0, m_sumSq / double(m_trainPixels) - mean * mean));
        return {mean, sd > 0 ? sd : 1.0};
    }

private:
    std::size_t sampleSide(const DatasetSource& src, std::size_t r, std::size_t c) const
    {
        if (m_o.mode != SampleMode::Patches)
            return 0;
        const std::size_t p = m_o.patch ? m_o.patch : std::max<std::size_t>(1, std::min(r, c) / 4);
        if (p > r || p > c)
            throw ParameterError("patch", "patch side " + std::to_string(p) + " is larger than the " + std::to_string(r)
                                              + "x" + std::to_string(c) + " slices of " + src.id);
        return p;
    }

    /// The first cube fixes the sample size (and the writer); every later one must match it.
    void requireSampleSize(const DatasetSource& src, const Cube& cube, int axis, std::size_t sr, std::size_t sc)
    {
        if (!m_writer) {
            m_rows = sr;
            m_cols = sc;
            m_firstId = src.id;
            m_writer = std::make_unique<SampleWriter>(m_group, m_rows, m_cols, m_o.deflateLevel, m_out);
            m_cellSize = cube.cellSize(axis == 0 ? 1 : 0);
        } else if (sr != m_rows || sc != m_cols) {
            throw FormatError(src.id, "samples are " + std::to_string(sr) + "x" + std::to_string(sc)
                                          + " but the dataset's are " + std::to_string(m_rows) + "x"
                                          + std::to_string(m_cols) + " (from " + m_firstId
                                          + "); all cubes must give one sample size");
        }
    }

    /// Copies the m_rows × m_cols tile at (r0, c0) of a slice `c` columns wide into the buffer.
    void addTile(const float* slice, const float* nfSlice, std::size_t c, std::size_t r0, std::size_t c0,
                 SampleLabels l)
    {
        const std::size_t base = m_buffer.size();
        m_buffer.resize(base + m_rows * m_cols);
        double nfTile = 0;
        for (std::size_t i = 0; i < m_rows; ++i) {
            const std::size_t off = (r0 + i) * c + c0;
            std::memcpy(&m_buffer[base + i * m_cols], &slice[off], m_cols * sizeof(float));
            if (nfSlice)
                nfTile += meanOf(&nfSlice[off], m_cols);
        }
        l.nfSlice = nfSlice ? nfTile / double(m_rows) : kNaN;
        m_labels.push_back(l);
        if (Split(l.split) == Split::Train) {
            for (std::size_t i = base; i < m_buffer.size(); ++i) {
                m_sum += m_buffer[i];
                m_sumSq += double(m_buffer[i]) * m_buffer[i];
            }
            m_trainPixels += m_rows * m_cols;
        }
    }

    void flush()
    {
        m_hash.add(m_buffer.data(), m_buffer.size() * sizeof(float));
        if (m_writer)
            m_writer->append(m_buffer.data(), m_buffer.size() / (m_rows * m_cols));
        m_buffer.clear();
    }

    hid_t m_group;
    const DatasetBuildOptions& m_o;
    std::string m_out;
    std::unique_ptr<SampleWriter> m_writer;
    std::size_t m_rows = 0, m_cols = 0;
    std::string m_firstId;
    double m_cellSize = kNaN;
    Hasher m_hash;
    std::vector<SampleLabels> m_labels;
    std::vector<float> m_buffer;
    double m_sum = 0, m_sumSq = 0;
    std::size_t m_trainPixels = 0;
};

/// samples/<label columns>, the cubes/ table and the splits/ index lists; the label columns enter
/// the content hash in this order.
void writeTables(hid_t file, hid_t sg, SampleCutter& cut, const std::vector<DatasetCube>& cubes, const std::string& out)
{
    const std::vector<SampleLabels>& labels = cut.labels();
    const std::size_t n = labels.size();
    std::array<std::vector<std::int64_t>, 3> splitIdx;
    for (std::size_t i = 0; i < n; ++i)
        splitIdx[std::size_t(labels[i].split)].push_back(std::int64_t(i));
    for (int s = 0; s < 3; ++s)
        if (splitIdx[s].empty())
            throw ParameterError("split", std::string("the ") + splitName(Split(s)) + " split has no samples");
    auto column = [&](const char* name, hid_t fileType, hid_t memType, auto get) {
        using T = decltype(get(labels[0]));
        std::vector<T> v(n);
        for (std::size_t i = 0; i < n; ++i)
            v[i] = get(labels[i]);
        cut.hash().add(v.data(), v.size() * sizeof(T));
        h5::writeArray(sg, name, fileType, memType, v, out);
    };
    const hid_t f64 = H5T_IEEE_F64LE, d = H5T_NATIVE_DOUBLE;
    column("z", f64, d, [](const SampleLabels& l) { return l.z; });
    column("zeta", f64, d, [](const SampleLabels& l) { return l.zeta; });
    column("f_esc", f64, d, [](const SampleLabels& l) { return l.fesc; });
    column("nf_slice", f64, d, [](const SampleLabels& l) { return l.nfSlice; });
    column("nf_cube", f64, d, [](const SampleLabels& l) { return l.nfCube; });
    column("cube", H5T_STD_I32LE, H5T_NATIVE_INT32, [](const SampleLabels& l) { return l.cube; });
    column("split", H5T_STD_I8LE, H5T_NATIVE_INT8, [](const SampleLabels& l) { return l.split; });
    column("axis", H5T_STD_I8LE, H5T_NATIVE_INT8, [](const SampleLabels& l) { return l.axis; });
    column("index", H5T_STD_I32LE, H5T_NATIVE_INT32, [](const SampleLabels& l) { return l.index; });
    column("tile", H5T_STD_I32LE, H5T_NATIVE_INT32, [](const SampleLabels& l) { return l.tile; });

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
    h5::writeArray(cg.get(), "z", f64, d, cz, out);
    h5::writeArray(cg.get(), "zeta", f64, d, czeta, out);
    h5::writeArray(cg.get(), "f_esc", f64, d, cfesc, out);
    h5::writeArray(cg.get(), "nf", f64, d, cnf, out);

    h5::Id spg = h5::requireGroup(file, "splits", out);
    for (int s = 0; s < 3; ++s)
        h5::writeArray(spg.get(), splitName(Split(s)), H5T_STD_I64LE, H5T_NATIVE_INT64, splitIdx[s], out);
}

void writeRootAttributes(hid_t f, const DatasetBuildOptions& o, const SampleCutter& cut, double total,
                         const std::string& out)
{
    const auto [mean, sd] = cut.trainingMoments();
    h5::writeAttribute(f, "format", std::string(kDatasetFormat), out);
    h5::writeAttribute(f, "format_version", std::int64_t(1), out);
    h5::writeAttribute(f, "created_by", std::string("ReionScope"), out);
    h5::writeAttribute(f, "mode", std::string(sampleModeName(o.mode)), out);
    h5::writeAttribute(f, "quantity", std::string(quantityName(o.quantity)), out);
    h5::writeAttribute(f, "axes", o.axes, out);
    h5::writeAttribute(f, "stride", std::int64_t(o.stride), out);
    h5::writeAttribute(f, "rows", std::int64_t(cut.rows()), out);
    h5::writeAttribute(f, "cols", std::int64_t(cut.cols()), out);
    h5::writeAttribute(f, "cell_size_mpc", cut.cellSize(), out);
    h5::writeAttribute(f, "samples", std::int64_t(cut.labels().size()), out);
    h5::writeAttribute(f, "norm_mean", mean, out);
    h5::writeAttribute(f, "norm_std", sd, out);
    h5::writeAttribute(f, "split_seed", std::int64_t(o.splitSeed), out);
    h5::writeAttribute(f, "split_fractions",
                       std::vector<double>{o.split[0] / total, o.split[1] / total, o.split[2] / total}, out);
}

} // namespace

const char* sampleModeName(SampleMode m) { return m == SampleMode::Slices ? "slices" : "patches"; }

void buildDataset(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o, const std::string& out,
                  const ProgressFn& progress, const StopToken& stop)
{
    if (sources.empty())
        throw ParameterError("inputs", "no source cubes to build a dataset from");
    const std::vector<int> axes = parseAxes(o.axes);
    if (o.stride < 1)
        throw ParameterError("stride", "must be at least 1");
    double total = 0;
    for (double f : o.split) {
        if (!(f > 0) || !std::isfinite(f))
            throw ParameterError("split", "train, validation and test fractions must all be positive");
        total += f;
    }
    const std::map<std::string, Split> splitOf = assignSplits(sources, o, total);

    writeAtomically(out, [&](const std::string& tmp) {
        h5::Id file = h5::createFile(tmp);
        h5::Id samples = h5::requireGroup(file.get(), "samples", out);
        SampleCutter cut(samples.get(), o, out);
        std::vector<DatasetCube> cubes;
        for (std::size_t si = 0; si < sources.size(); ++si) {
            stop.throwIfStopped();
            const DatasetSource& src = sources[si];
            if (progress)
                progress(double(si) / double(sources.size()), "reading " + src.id);
            auto [cube, xh] = src.load();
            const SummaryStats st = summarize(cube);
            if (st.nonfinite)
                throw FormatError(src.id, std::to_string(st.nonfinite) + " non-finite voxels (NaN/Inf) in the "
                                              + std::string(quantityName(cube.quantity()))
                                              + " cube; datasets refuse NaNs in inputs");
            if (xh && xh->shape() != cube.shape())
                xh.reset();
            cubes.push_back(describeCube(src, splitOf.at(src.group), cube, xh, st));
            const Cube* nfSource = xh ? &*xh : cube.quantity() == Quantity::NeutralFraction ? &cube : nullptr;
            cut.addCube(src, cube, nfSource, cubes.back(), std::int32_t(cubes.size() - 1), axes);
        }
        writeTables(file.get(), samples.get(), cut, cubes, out);
        writeRootAttributes(file.get(), o, cut, total, out);
        h5::writeAttribute(file.get(), "content_hash", cut.hash().hex(), out);
        if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0)
            throw IoError(out, "cannot flush HDF5 file (disk full?)");
    });
    if (progress)
        progress(1.0, "done");
}

} // namespace rs::ml

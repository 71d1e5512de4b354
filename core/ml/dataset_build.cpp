// Cutting cubes into labelled slices or patches, split by simulation, into a dataset file.
#include "ml/dataset.h"
#include "ml/dataset_observe.h"

#include "cube/cube_stats.h"
#include "io/hdf5_util.h"
#include "ml/dataset_pairs.h"
#include "ml/density_context.h"
#include "ml/detail/dataset_h5.h"
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

using detail::ChunkedArrayWriter;
using detail::Hasher;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// ζ = N_γ f_* f_esc with the classic defaults N_γ = 5000, f_* = 0.05.
constexpr double kZetaPerFesc = 250.0;

double meanOf(const float* v, std::size_t n)
{
    double s = 0;
    for (std::size_t i = 0; i < n; ++i)
        s += v[i];
    return n ? s / double(n) : kNaN;
}

/// Realizations → splits, before any voxel is read: the groups are shuffled with `splitSeed`
/// and the first ones become test, then validation, the rest training (each at least one).
std::map<std::string, Split> assignSplits(
    const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o, double total)
{
    std::vector<std::string> groups;
    for (const DatasetSource& s : sources)
        groups.push_back(s.group);
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const std::size_t g = groups.size();
    if (g < 3)
        throw ParameterError("split",
            "a train/validation/test split by simulation needs at least 3 independent "
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
DatasetCube describeCube(
    const DatasetSource& src, Split split, const Cube& cube, const std::optional<Cube>& xh, const SummaryStats& st)
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
        : m_group(samplesGroup)
        , m_o(o)
        , m_out(out)
    { }

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
            if (m_paired && axis == axes.front())
                m_paired->beginSource(src, cube);
            const std::size_t tilesR = r / sr, tilesC = c / sc;
            std::vector<float> slice(r * c), nfSlice;
            for (std::size_t idx = 0; idx < cube.shape()[axis]; idx += m_o.stride) {
                cube.slice(axis, idx).copyTo(slice.data());
                if (m_paired)
                    m_paired->beginSlice(axis, idx);
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
    /// Paired datasets: the target and context attributes.
    void writePairedAttributes(hid_t file, const std::string& out) const
    {
        if (m_paired)
            m_paired->writeAttributes(file, out);
    }
    double trainSum() const { return m_sum; }
    double trainSumSq() const { return m_sumSq; }
    std::size_t trainPixels() const { return m_trainPixels; }
    /// Samples per Hasher::add call, in order (a shard records them so the merge hashes alike).
    const std::vector<std::int64_t>& hashChunks() const { return m_hashChunks; }

private:
    std::size_t sampleSide(const DatasetSource& src, std::size_t r, std::size_t c) const
    {
        if (m_o.mode != SampleMode::Patches)
            return 0;
        const std::size_t p = m_o.patch ? m_o.patch : std::max<std::size_t>(1, std::min(r, c) / 4);
        if (p > r || p > c)
            throw ParameterError("patch",
                "patch side " + std::to_string(p) + " is larger than the " + std::to_string(r) + "x" + std::to_string(c)
                    + " slices of " + src.id);
        return p;
    }

    /// The first cube fixes the sample size (and the writer); every later one must match it.
    void requireSampleSize(const DatasetSource& src, const Cube& cube, int axis, std::size_t sr, std::size_t sc)
    {
        if (!m_writer) {
            m_rows = sr;
            m_cols = sc;
            m_firstId = src.id;
            m_writer = std::make_unique<ChunkedArrayWriter>(
                m_group, "x", std::vector<hsize_t> {m_rows, m_cols}, m_o.deflateLevel, m_out);
            if (m_o.target)
                m_paired = std::make_unique<detail::PairedSampleWriter>(m_group, m_o, m_rows, m_cols, m_out);
            m_cellSize = cube.cellSize(axis == 0 ? 1 : 0);
        } else if (sr != m_rows || sc != m_cols) {
            throw FormatError(src.id,
                "samples are " + std::to_string(sr) + "x" + std::to_string(sc) + " but the dataset's are "
                    + std::to_string(m_rows) + "x" + std::to_string(m_cols) + " (from " + m_firstId
                    + "); all cubes must give one sample size");
        }
    }

    /// Copies the m_rows × m_cols tile at (r0, c0) of a slice `c` columns wide into the buffer.
    void addTile(
        const float* slice, const float* nfSlice, std::size_t c, std::size_t r0, std::size_t c0, SampleLabels l)
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
        if (m_paired)
            m_paired->addTile(r0, c0, Split(l.split) == Split::Train);
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
        if (m_writer) {
            m_hashChunks.push_back(std::int64_t(m_buffer.size() / (m_rows * m_cols)));
            m_writer->append(m_buffer.data(), m_buffer.size() / (m_rows * m_cols));
        }
        m_buffer.clear();
        if (m_paired)
            m_paired->flush([this](const void* p, std::size_t bytes) { m_hash.add(p, bytes); });
    }

    hid_t m_group;
    const DatasetBuildOptions& m_o;
    std::string m_out;
    std::unique_ptr<ChunkedArrayWriter> m_writer;
    std::unique_ptr<detail::PairedSampleWriter> m_paired;
    std::size_t m_rows = 0, m_cols = 0;
    std::string m_firstId;
    double m_cellSize = kNaN;
    Hasher m_hash;
    std::vector<SampleLabels> m_labels;
    std::vector<float> m_buffer;
    double m_sum = 0, m_sumSq = 0;
    std::size_t m_trainPixels = 0;
    std::vector<std::int64_t> m_hashChunks;
};

/// The end of a build: label columns, cube table, root attributes, and for a whole dataset the
/// splits, normalisation and content hash; for a shard its place and hash chunks instead.
void writeTables(hid_t file, hid_t sg, SampleCutter& cut, const std::vector<DatasetCube>& cubes,
    const Parameters& shared, const DatasetBuildOptions& o, double total, std::size_t sourcesTotal,
    const std::string& out)
{
    detail::writeLabels(sg, cut.labels(), cut.hash(), out);
    detail::writeCubes(file, cubes, out);
    detail::writeSharedParameters(file, shared, out);
    detail::DatasetLayout l;
    l.mode = o.mode;
    l.quantity = o.quantity;
    l.axes = o.axes;
    l.stride = o.stride;
    l.rows = cut.rows();
    l.cols = cut.cols();
    l.cellSize = cut.cellSize();
    l.splitSeed = o.splitSeed;
    l.fractions = {o.split[0] / total, o.split[1] / total, o.split[2] / total};
    if (o.shard.whole()) {
        detail::writeLayout(file, kDatasetFormat, l, cut.labels().size(), out);
        detail::finishDataset(file, cut.labels(), cut.trainSum(), cut.trainSumSq(), cut.trainPixels(), cut.hash(), out);
        return;
    }
    detail::writeLayout(file, detail::kDatasetShardFormat, l, cut.labels().size(), out);
    h5::writeAttribute(file, "shard_index", std::int64_t(o.shard.index), out);
    h5::writeAttribute(file, "shard_count", std::int64_t(o.shard.count), out);
    h5::writeAttribute(file, "sources_total", std::int64_t(sourcesTotal), out);
    h5::writeAttribute(file, "deflate", std::int64_t(o.deflateLevel), out);
    h5::Id g = h5::requireGroup(file, "shard", out);
    h5::writeArray(g.get(), "hash_chunks", H5T_STD_I64LE, H5T_NATIVE_INT64, cut.hashChunks(), out);
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0)
        throw IoError(out, "cannot flush HDF5 file (disk full?)");
}

/// --observe is for δT_b slice datasets (whole or a shard: the merge carries the attributes).
void checkObserve(const DatasetBuildOptions& o, const ObserveOptions* observe)
{
    if (!observe)
        return;
    if (o.target)
        throw ParameterError("observe",
            "paired datasets are not observed: their input is the density field, which no telescope sees "
            "(--observe is for brightness_temperature slice datasets)");
    if (o.quantity != Quantity::BrightnessTemperature)
        throw ParameterError("observe", "telescope observation applies to brightness_temperature slice datasets");
    if (!(observe->hours > 0) || !std::isfinite(observe->hours))
        throw ParameterError("observe", "hours must be a positive number");
}

/// Source `index`'s cube as the telescope sees it (its own noise realisation).
Cube observedCube(const DatasetSource& src, Cube cube, const ObserveOptions& base, std::size_t index)
{
    if (cube.quantity() != Quantity::BrightnessTemperature)
        throw ParameterError(src.id, "is not a brightness_temperature cube; only δT_b can be observed");
    ObserveOptions oo = base;
    oo.seed = base.seed + index;
    return observe(cube, oo).cube;
}

void writeObserveAttributes(hid_t file, const ObserveOptions& o, const std::string& out)
{
    h5::writeAttribute(file, "observe_telescope", std::string(telescopeName(o.telescope)), out);
    h5::writeAttribute(file, "observe_hours", o.hours, out);
    h5::writeAttribute(file, "observe_wedge", o.wedge, out);
    h5::writeAttribute(file, "observe_noise", o.noise, out);
    h5::writeAttribute(file, "observe_seed", std::int64_t(o.seed), out);
}

} // namespace

std::vector<int> parseSliceAxes(const std::string& axes)
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

const char* sampleModeName(SampleMode m)
{
    return m == SampleMode::Slices ? "slices" : "patches";
}

namespace {

/// buildDataset, with each source cube observed first when `observe` is given.
void build(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o, const ObserveOptions* observe,
    const std::string& out, const ProgressFn& progress, const StopToken& stop)
{
    if (sources.empty())
        throw ParameterError("inputs", "no source cubes to build a dataset from");
    if (o.target
        && (o.quantity != Quantity::Density
            || (*o.target != Quantity::NeutralFraction && *o.target != Quantity::BrightnessTemperature)))
        throw ParameterError("target-field",
            "paired datasets translate density into neutral_fraction or "
            "brightness_temperature");
    if (!o.target && !o.contextRadiiMpc.empty())
        throw ParameterError("context", "context channels belong to paired datasets (give a target field)");
    if (o.contextBarrier && !isBandMax(o.contextRadiiMpc))
        throw ParameterError("context", "the barrier context takes band edges (barrier or barrier:EDGES)");
    if (o.target && !o.shard.whole())
        throw ParameterError("shard", "paired (translation) datasets are built whole; --shard is for slice datasets");
    checkObserve(o, observe);
    const std::vector<int> axes = parseSliceAxes(o.axes);
    if (o.stride < 1)
        throw ParameterError("stride", "must be at least 1");
    double total = 0;
    for (double f : o.split) {
        if (!(f > 0) || !std::isfinite(f))
            throw ParameterError("split", "train, validation and test fractions must all be positive");
        total += f;
    }
    const std::map<std::string, Split> splitOf = assignSplits(sources, o, total); // over all sources, also for a shard
    if (o.shard.count > sources.size())
        throw ParameterError("shard",
            o.shard.text() + ": " + std::to_string(o.shard.count) + " shards of " + std::to_string(sources.size())
                + " source cubes would leave some empty; use at most " + std::to_string(sources.size()));
    const std::size_t first = o.shard.begin(sources.size()), last = o.shard.end(sources.size());

    writeAtomically(out, [&](const std::string& tmp) {
        h5::Id file = h5::createFile(tmp);
        h5::Id samples = h5::requireGroup(file.get(), "samples", out);
        SampleCutter cut(samples.get(), o, out);
        std::vector<DatasetCube> cubes;
        std::optional<Parameters> shared;
        for (std::size_t si = first; si < last; ++si) {
            stop.throwIfStopped();
            const DatasetSource& src = sources[si];
            if (progress)
                progress(double(si - first) / double(last - first), "reading " + src.id);
            auto [cube, xh] = src.load();
            if (observe)
                cube = observedCube(src, std::move(cube), *observe, si);
            const SummaryStats st = summarize(cube);
            if (st.nonfinite)
                throw FormatError(src.id,
                    std::to_string(st.nonfinite) + " non-finite voxels (NaN/Inf) in the "
                        + std::string(quantityName(cube.quantity())) + " cube; datasets refuse NaNs in inputs");
            if (xh && xh->shape() != cube.shape())
                xh.reset();
            cubes.push_back(describeCube(src, splitOf.at(src.group), cube, xh, st));
            detail::keepCommon(shared, cube.metadata().parameters);
            const Cube* nfSource = xh ? &*xh : cube.quantity() == Quantity::NeutralFraction ? &cube : nullptr;
            cut.addCube(src, cube, nfSource, cubes.back(), std::int32_t(cubes.size() - 1), axes);
        }
        cut.writePairedAttributes(file.get(), out);
        if (observe)
            writeObserveAttributes(file.get(), *observe, out);
        writeTables(
            file.get(), samples.get(), cut, cubes, shared.value_or(Parameters {}), o, total, sources.size(), out);
    });
    if (progress)
        progress(1.0, "done");
}

} // namespace

void buildDataset(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o, const std::string& out,
    const ProgressFn& progress, const StopToken& stop)
{
    build(sources, o, nullptr, out, progress, stop);
}

void buildObservedDataset(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o,
    const ObserveOptions& observe, const std::string& out, const ProgressFn& progress, const StopToken& stop)
{
    build(sources, o, &observe, out, progress, stop);
}

Parameters readObserveAttributes(const std::string& path)
{
    const h5::Id file = h5::openFile(path);
    Parameters out;
    for (auto& [name, value] : detail::observeAttributes(file.get()))
        out[name.substr(std::string_view("observe_").size())] = value;
    return out;
}

} // namespace rs::ml

#include "ml/dataset.h"

#include "catalog/catalog.h"
#include "cube/cube_stats.h"
#include "io/cube_loader.h"
#include "io/hdf5_util.h"
#include "ml/dataset_pairs.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>

namespace rs::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kFormat = "reionscope-dataset";
/// ζ = N_γ f_* f_esc with the classic defaults N_γ = 5000, f_* = 0.05.
constexpr double kZetaPerFesc = 250.0;

std::string entryId(const CubeEntry& e) { return e.dataset.empty() ? e.path : e.path + "#" + e.dataset; }

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

void writeAttr(hid_t obj, const char* name, const ParamValue& v, const std::string& file)
{
    h5::writeAttribute(obj, name, v, file);
}

template <typename T>
void writeArray(hid_t loc, const std::string& name, hid_t fileType, hid_t memType, const std::vector<T>& v,
                const std::string& file)
{
    const hsize_t n = v.size();
    h5::Id space(H5Screate_simple(1, &n, nullptr));
    h5::Id ds(H5Dcreate2(loc, name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!ds.valid() || (n && H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0))
        throw IoError(file, "cannot write dataset '" + name + "' (disk full?)");
}

void writeStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& file)
{
    std::vector<const char*> ptrs;
    for (const std::string& s : v)
        ptrs.push_back(s.c_str());
    h5::Id type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    writeArray(loc, name, type.get(), type.get(), ptrs, file);
}

template <typename T>
std::vector<T> readArray(hid_t file, const std::string& name, hid_t memType, std::size_t n, const std::string& path)
{
    h5::Id ds = h5::openDataset(file, name, path);
    const std::vector<hsize_t> d = h5::dims(ds.get());
    if (d.size() != 1 || d[0] != n)
        throw FormatError(path, "dataset '" + name + "' should hold " + std::to_string(n) + " values");
    std::vector<T> v(n);
    if (n && H5Dread(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        throw FormatError(path, "cannot read dataset '" + name + "' (file damaged?)");
    return v;
}

std::vector<std::string> readStrings(hid_t file, const std::string& name, std::size_t n, const std::string& path)
{
    h5::Id type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    std::vector<char*> raw = readArray<char*>(file, name, type.get(), n, path);
    std::vector<std::string> out;
    for (char* s : raw) {
        out.emplace_back(s ? s : "");
        H5free_memory(s);
    }
    return out;
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

} // namespace

const char* sampleModeName(SampleMode m) { return m == SampleMode::Slices ? "slices" : "patches"; }

std::vector<DatasetSource> sourcesFromFiles(const std::vector<std::string>& inputs, Quantity quantity,
                                            std::optional<Quantity> target)
{
    std::vector<CubeEntry> entries;
    for (const std::string& in : inputs) {
        if (std::filesystem::is_directory(in)) {
            const Catalog cat = scanFolder(in);
            if (!cat.errors.empty())
                throw FormatError(cat.errors.front().first, cat.errors.front().second);
            for (const CatalogRun& r : cat.runs)
                for (const auto& [z, byQ] : r.cubes)
                    for (const auto& [q, e] : byQ)
                        entries.push_back(e);
        } else {
            for (CubeEntry& e : probeFile(in))
                if (e.primary)
                    entries.push_back(std::move(e));
        }
    }
    std::vector<DatasetSource> out;
    std::set<std::string> quantitiesSeen;
    for (const CatalogRun& run : groupIntoRuns(entries)) {
        std::string group = run.id;
        if (auto it = run.parameters.find(param::seed); it != run.parameters.end())
            group = "seed=" + formatValue(it->second);
        for (const auto& [z, byQ] : run.cubes) {
            for (const auto& [q, e] : byQ)
                quantitiesSeen.insert(std::string(quantityName(q)));
            auto it = byQ.find(quantity);
            if (it == byQ.end())
                continue;
            std::optional<CubeEntry> xh;
            if (auto x = byQ.find(Quantity::NeutralFraction); x != byQ.end() && quantity != Quantity::NeutralFraction)
                xh = x->second;
            const CubeEntry entry = it->second;
            std::function<Cube()> loadTarget;
            if (target) {
                auto t = byQ.find(*target);
                if (t == byQ.end())
                    continue; // nothing to pair with
                loadTarget = [e = t->second]() { return loadEntry(e); };
            }
            out.push_back({entryId(entry), group, [entry, xh]() -> std::pair<Cube, std::optional<Cube>> {
                               Cube c = loadEntry(entry);
                               std::optional<Cube> x;
                               if (xh)
                                   x = loadEntry(*xh);
                               return {std::move(c), std::move(x)};
                           }, loadTarget});
        }
    }
    if (out.empty()) {
        std::string seen;
        for (const std::string& s : quantitiesSeen)
            seen += (seen.empty() ? "" : ", ") + s;
        throw ParameterError("quantity", "no " + std::string(quantityName(quantity)) + " cube"
                                             + (target ? " with a " + std::string(quantityName(*target)) + " cube of the same run and redshift" : std::string())
                                             + " among the inputs" + (seen.empty() ? std::string() : " (found: " + seen + ")"));
    }
    return out;
}

void buildDataset(const std::vector<DatasetSource>& sources, const DatasetBuildOptions& o, const std::string& out,
                  const ProgressFn& progress, const StopToken& stop)
{
    if (sources.empty())
        throw ParameterError("inputs", "no source cubes to build a dataset from");
    if (o.target && (o.quantity != Quantity::Density
                     || (*o.target != Quantity::NeutralFraction && *o.target != Quantity::BrightnessTemperature)))
        throw ParameterError("target-field", "paired datasets translate density into neutral_fraction or "
                                             "brightness_temperature");
    if (!o.target && !o.contextRadiiMpc.empty())
        throw ParameterError("context", "context channels belong to paired datasets (give a target field)");
    const std::vector<int> axes = parseAxes(o.axes);
    if (o.stride < 1)
        throw ParameterError("stride", "must be at least 1");
    double total = 0;
    for (double f : o.split) {
        if (!(f > 0) || !std::isfinite(f))
            throw ParameterError("split", "train, validation and test fractions must all be positive");
        total += f;
    }

    // 1. Realizations → splits, before reading any voxels.
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

    writeAtomically(out, [&](const std::string& tmp) {
        h5::Id file = h5::createFile(tmp);
        h5::Id samples = h5::requireGroup(file.get(), "samples", out);
        std::unique_ptr<SampleWriter> writer;
        std::unique_ptr<detail::PairedSampleWriter> paired;
        std::size_t rows = 0, cols = 0;
        std::string firstId;
        double cellSize = kNaN;
        Hasher hash;
        const auto hashBytes = [&hash](const void* p, std::size_t bytes) { hash.add(p, bytes); };
        std::vector<SampleLabels> labels;
        std::vector<DatasetCube> cubes;
        double sum = 0, sumSq = 0;
        std::size_t trainPixels = 0;
        std::vector<float> buffer;

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
            const CubeMetadata& m = cube.metadata();
            DatasetCube dc;
            dc.id = src.id;
            dc.group = src.group;
            dc.split = splitOf.at(src.group);
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
            const std::int32_t cubeIndex = std::int32_t(cubes.size());
            cubes.push_back(dc);

            const Cube* nfSource = xh ? &*xh : cube.quantity() == Quantity::NeutralFraction ? &cube : nullptr;
            for (int axis : axes) {
                const auto [r, c] = sliceShape(cube.shape(), axis);
                std::size_t sr = r, sc = c;
                if (o.mode == SampleMode::Patches) {
                    const std::size_t p = o.patch ? o.patch : std::max<std::size_t>(1, std::min(r, c) / 4);
                    if (p > r || p > c)
                        throw ParameterError("patch", "patch side " + std::to_string(p) + " is larger than the "
                                                          + std::to_string(r) + "x" + std::to_string(c)
                                                          + " slices of " + src.id);
                    sr = sc = p;
                }
                if (!writer) {
                    rows = sr;
                    cols = sc;
                    firstId = src.id;
                    writer = std::make_unique<SampleWriter>(samples.get(), rows, cols, o.deflateLevel, out);
                    if (o.target)
                        paired = std::make_unique<detail::PairedSampleWriter>(samples.get(), o, rows, cols, out);
                    const int ra = axis == 0 ? 1 : 0;
                    cellSize = cube.cellSize(ra);
                } else if (sr != rows || sc != cols) {
                    throw FormatError(src.id, "samples are " + std::to_string(sr) + "x" + std::to_string(sc)
                                                  + " but the dataset's are " + std::to_string(rows) + "x"
                                                  + std::to_string(cols) + " (from " + firstId
                                                  + "); all cubes must give one sample size");
                }
                if (paired && axis == axes.front())
                    paired->beginSource(src, cube);
                const std::size_t tilesR = r / sr, tilesC = c / sc;
                std::vector<float> slice(r * c), nfSlice;
                for (std::size_t idx = 0; idx < cube.shape()[axis]; idx += o.stride) {
                    cube.slice(axis, idx).copyTo(slice.data());
                    if (paired)
                        paired->beginSlice(axis, idx);
                    if (nfSource)
                        nfSlice = nfSource->slice(axis, idx).toVector();
                    for (std::size_t tr = 0; tr < tilesR; ++tr)
                        for (std::size_t tc = 0; tc < tilesC; ++tc) {
                            const std::size_t base = buffer.size();
                            buffer.resize(base + sr * sc);
                            double nfTile = 0;
                            for (std::size_t i = 0; i < sr; ++i) {
                                const std::size_t off = (tr * sr + i) * c + tc * sc;
                                std::memcpy(&buffer[base + i * sc], &slice[off], sc * sizeof(float));
                                if (nfSource)
                                    nfTile += meanOf(&nfSlice[off], sc);
                            }
                            SampleLabels l;
                            l.z = dc.z;
                            l.zeta = dc.zeta;
                            l.fesc = dc.fesc;
                            l.nfCube = dc.nf;
                            l.nfSlice = nfSource ? nfTile / double(sr) : kNaN;
                            l.cube = cubeIndex;
                            l.split = std::int8_t(dc.split);
                            l.axis = std::int8_t(axis);
                            l.index = std::int32_t(idx);
                            l.tile = std::int32_t(tr * tilesC + tc);
                            labels.push_back(l);
                            if (paired)
                                paired->addTile(tr * sr, tc * sc, dc.split == Split::Train);
                            if (dc.split == Split::Train) {
                                for (std::size_t i = base; i < buffer.size(); ++i) {
                                    sum += buffer[i];
                                    sumSq += double(buffer[i]) * buffer[i];
                                }
                                trainPixels += sr * sc;
                            }
                        }
                    if (buffer.size() >= 256 * rows * cols) {
                        hash.add(buffer.data(), buffer.size() * sizeof(float));
                        writer->append(buffer.data(), buffer.size() / (rows * cols));
                        buffer.clear();
                        if (paired)
                            paired->flush(hashBytes);
                    }
                }
            }
            hash.add(buffer.data(), buffer.size() * sizeof(float));
            writer->append(buffer.data(), buffer.size() / (rows * cols));
            buffer.clear();
            if (paired)
                paired->flush(hashBytes);
        }

        // 2. Labels, cube table, splits, statistics.
        const std::size_t n = labels.size();
        std::array<std::vector<std::int64_t>, 3> splitIdx;
        for (std::size_t i = 0; i < n; ++i)
            splitIdx[std::size_t(labels[i].split)].push_back(std::int64_t(i));
        for (int s = 0; s < 3; ++s)
            if (splitIdx[s].empty())
                throw ParameterError("split", std::string("the ") + splitName(Split(s)) + " split has no samples");
        auto column = [&](auto get) {
            using T = decltype(get(labels[0]));
            std::vector<T> v(n);
            for (std::size_t i = 0; i < n; ++i)
                v[i] = get(labels[i]);
            hash.add(v.data(), v.size() * sizeof(T));
            return v;
        };
        const hid_t sg = samples.get();
        writeArray(sg, "z", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, column([](const SampleLabels& l) { return l.z; }), out);
        writeArray(sg, "zeta", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, column([](const SampleLabels& l) { return l.zeta; }), out);
        writeArray(sg, "f_esc", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, column([](const SampleLabels& l) { return l.fesc; }), out);
        writeArray(sg, "nf_slice", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, column([](const SampleLabels& l) { return l.nfSlice; }), out);
        writeArray(sg, "nf_cube", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, column([](const SampleLabels& l) { return l.nfCube; }), out);
        writeArray(sg, "cube", H5T_STD_I32LE, H5T_NATIVE_INT32, column([](const SampleLabels& l) { return l.cube; }), out);
        writeArray(sg, "split", H5T_STD_I8LE, H5T_NATIVE_INT8, column([](const SampleLabels& l) { return l.split; }), out);
        writeArray(sg, "axis", H5T_STD_I8LE, H5T_NATIVE_INT8, column([](const SampleLabels& l) { return l.axis; }), out);
        writeArray(sg, "index", H5T_STD_I32LE, H5T_NATIVE_INT32, column([](const SampleLabels& l) { return l.index; }), out);
        writeArray(sg, "tile", H5T_STD_I32LE, H5T_NATIVE_INT32, column([](const SampleLabels& l) { return l.tile; }), out);

        h5::Id cg = h5::requireGroup(file.get(), "cubes", out);
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
        writeStrings(cg.get(), "id", ids, out);
        writeStrings(cg.get(), "group", grp, out);
        writeArray(cg.get(), "split", H5T_STD_I8LE, H5T_NATIVE_INT8, csplit, out);
        writeArray(cg.get(), "z", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cz, out);
        writeArray(cg.get(), "zeta", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, czeta, out);
        writeArray(cg.get(), "f_esc", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cfesc, out);
        writeArray(cg.get(), "nf", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cnf, out);

        h5::Id spg = h5::requireGroup(file.get(), "splits", out);
        for (int s = 0; s < 3; ++s)
            writeArray(spg.get(), splitName(Split(s)), H5T_STD_I64LE, H5T_NATIVE_INT64, splitIdx[s], out);

        const double mean = sum / double(trainPixels);
        double sd = std::sqrt(std::max(0.0, sumSq / double(trainPixels) - mean * mean));
        if (!(sd > 0))
            sd = 1.0;
        const hid_t f = file.get();
        writeAttr(f, "format", std::string(kFormat), out);
        writeAttr(f, "format_version", std::int64_t(1), out);
        writeAttr(f, "created_by", std::string("ReionScope"), out);
        writeAttr(f, "mode", std::string(sampleModeName(o.mode)), out);
        writeAttr(f, "quantity", std::string(quantityName(o.quantity)), out);
        writeAttr(f, "axes", o.axes, out);
        writeAttr(f, "stride", std::int64_t(o.stride), out);
        writeAttr(f, "rows", std::int64_t(rows), out);
        writeAttr(f, "cols", std::int64_t(cols), out);
        writeAttr(f, "cell_size_mpc", cellSize, out);
        writeAttr(f, "samples", std::int64_t(n), out);
        writeAttr(f, "norm_mean", mean, out);
        writeAttr(f, "norm_std", sd, out);
        writeAttr(f, "split_seed", std::int64_t(o.splitSeed), out);
        h5::writeAttribute(f, "split_fractions", std::vector<double>{o.split[0] / total, o.split[1] / total, o.split[2] / total}, out);
        if (paired)
            paired->writeAttributes(f, out);
        writeAttr(f, "content_hash", hash.hex(), out);
        if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0)
            throw IoError(out, "cannot flush HDF5 file (disk full?)");
    });
    if (progress)
        progress(1.0, "done");
}

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
    if (format != kFormat)
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
    std::tie(ds->m_h->y, ds->m_h->context) = detail::openPairedParts(f, info);
    const std::size_t n = info.samples;
    const auto z = readArray<double>(f, "samples/z", H5T_NATIVE_DOUBLE, n, path);
    const auto zeta = readArray<double>(f, "samples/zeta", H5T_NATIVE_DOUBLE, n, path);
    const auto fesc = readArray<double>(f, "samples/f_esc", H5T_NATIVE_DOUBLE, n, path);
    const auto nfs = readArray<double>(f, "samples/nf_slice", H5T_NATIVE_DOUBLE, n, path);
    const auto nfc = readArray<double>(f, "samples/nf_cube", H5T_NATIVE_DOUBLE, n, path);
    const auto cube = readArray<std::int32_t>(f, "samples/cube", H5T_NATIVE_INT32, n, path);
    const auto split = readArray<std::int8_t>(f, "samples/split", H5T_NATIVE_INT8, n, path);
    const auto axis = readArray<std::int8_t>(f, "samples/axis", H5T_NATIVE_INT8, n, path);
    const auto index = readArray<std::int32_t>(f, "samples/index", H5T_NATIVE_INT32, n, path);
    const auto tile = readArray<std::int32_t>(f, "samples/tile", H5T_NATIVE_INT32, n, path);

    h5::Id cubesGroup = h5::openGroup(f, "cubes", path);
    const std::size_t nc = h5::dims(h5::openDataset(f, "cubes/z", path).get()).at(0);
    const auto cid = readStrings(f, "cubes/id", nc, path);
    const auto cgroup = readStrings(f, "cubes/group", nc, path);
    const auto csplit = readArray<std::int8_t>(f, "cubes/split", H5T_NATIVE_INT8, nc, path);
    const auto cz = readArray<double>(f, "cubes/z", H5T_NATIVE_DOUBLE, nc, path);
    const auto czeta = readArray<double>(f, "cubes/zeta", H5T_NATIVE_DOUBLE, nc, path);
    const auto cfesc = readArray<double>(f, "cubes/f_esc", H5T_NATIVE_DOUBLE, nc, path);
    const auto cnf = readArray<double>(f, "cubes/nf", H5T_NATIVE_DOUBLE, nc, path);
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
    detail::readChunkedSamples(m_h->context.get(), idx, n, m_info.contextRadiiMpc.size() * m_info.rows * m_info.cols,
                               m_info.path, out);
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

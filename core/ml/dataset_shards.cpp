#include "ml/dataset_shards.h"

#include "ml/detail/dataset_h5.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <map>

namespace rs::ml {

namespace {

using namespace detail;

struct OpenShard {
    DatasetShardInfo info;
    DatasetLayout layout;
    int deflate = 1;
    Parameters observe; ///< observe_* attributes (`--observe` builds), carried into the merge
    h5::Id file;
};

OpenShard openShard(const std::string& path)
{
    OpenShard s;
    s.file = h5::openFile(path);
    const hid_t f = s.file.get();
    const std::string format = stringAttr(f, "format");
    if (format != kDatasetShardFormat)
        throw FormatError(path,
            format == kDatasetFormat ? "is a whole dataset, not a shard of a `dataset build --shard I/N`"
                                     : "is not a shard of a `dataset build --shard I/N`");
    s.info.path = path;
    s.info.shard.index = std::size_t(numberAttr(f, "shard_index", path));
    s.info.shard.count = std::size_t(numberAttr(f, "shard_count", path));
    s.info.sourcesTotal = std::size_t(numberAttr(f, "sources_total", path));
    s.info.sourceBegin = s.info.shard.begin(s.info.sourcesTotal);
    s.info.sourceEnd = s.info.shard.end(s.info.sourcesTotal);
    s.info.samples = std::size_t(numberAttr(f, "samples", path));
    s.deflate = int(numberAttr(f, "deflate", path));
    s.layout = readLayout(f, path);
    s.observe = observeAttributes(f);
    if (s.info.shard.count < 1 || s.info.shard.index >= s.info.shard.count)
        throw FormatError(path, "has an invalid shard number " + s.info.shard.text());
    return s;
}

std::string layoutKey(const OpenShard& s)
{
    const DatasetLayout& l = s.layout;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s %d %s %zu %zux%zu seed %llu split %.17g,%.17g,%.17g deflate %d of %zu sources",
        sampleModeName(l.mode), int(l.quantity), l.axes.c_str(), l.stride, l.rows, l.cols,
        static_cast<unsigned long long>(l.splitSeed), l.fractions[0], l.fractions[1], l.fractions[2], s.deflate,
        s.info.sourcesTotal);
    std::string key = buf;
    for (const auto& [name, value] : s.observe) // shards of one observed build share the telescope options
        key += ", " + name + " " + formatValue(value);
    return key;
}

/// Appends one shard's samples to the merged file, hashing them in the build's own chunks and
/// summing the training pixels in the build's order.
void copySamples(const OpenShard& s, const std::vector<SampleLabels>& labels, ChunkedArrayWriter& writer, Hasher& hash,
    double& sum, double& sumSq, std::size_t& trainPixels, const StopToken& stop)
{
    const hid_t f = s.file.get();
    const std::string& path = s.info.path;
    const std::size_t pixels = s.layout.rows * s.layout.cols;
    h5::Id x = h5::openDataset(f, "samples/x", path);
    h5::Id chunksDs = h5::openDataset(f, "shard/hash_chunks", path);
    const std::vector<std::int64_t> chunks
        = h5::readArray<std::int64_t>(f, "shard/hash_chunks", H5T_NATIVE_INT64, h5::dims(chunksDs.get()).at(0), path);
    h5::Id fileSpace(H5Dget_space(x.get()));
    std::vector<float> buf;
    std::size_t at = 0;
    for (std::int64_t c : chunks) {
        stop.throwIfStopped();
        const std::size_t n = std::size_t(c);
        if (at + n > s.info.samples)
            throw FormatError(path, "its hash chunks cover more samples than it holds");
        buf.resize(n * pixels);
        if (n) {
            const hsize_t start[3] = {at, 0, 0}, count[3] = {n, s.layout.rows, s.layout.cols};
            H5Sselect_hyperslab(fileSpace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
            h5::Id memSpace(H5Screate_simple(3, count, nullptr));
            if (H5Dread(x.get(), H5T_NATIVE_FLOAT, memSpace.get(), fileSpace.get(), H5P_DEFAULT, buf.data()) < 0)
                throw FormatError(path, "cannot read samples (file damaged or truncated)");
        }
        for (std::size_t i = 0; i < n; ++i)
            if (labels[at + i].split == std::int8_t(Split::Train)) {
                const float* v = buf.data() + i * pixels;
                for (std::size_t p = 0; p < pixels; ++p) {
                    sum += v[p];
                    sumSq += double(v[p]) * v[p];
                }
                trainPixels += pixels;
            }
        hash.add(buf.data(), buf.size() * sizeof(float));
        writer.append(buf.data(), n);
        at += n;
    }
    if (at != s.info.samples)
        throw FormatError(path, "its hash chunks do not cover its " + std::to_string(s.info.samples) + " samples");
}

} // namespace

DatasetShardInfo readDatasetShardInfo(const std::string& path)
{
    return openShard(path).info;
}

void mergeDatasetShards(
    const std::vector<std::string>& paths, const std::string& out, const ProgressFn& progress, const StopToken& stop)
{
    if (paths.empty())
        throw ParameterError("shards", "no shard files to merge");
    std::vector<OpenShard> shards;
    std::map<std::size_t, std::string> byIndex;
    for (const std::string& p : paths) {
        shards.push_back(openShard(p));
        const OpenShard& s = shards.back();
        if (s.info.shard.count != shards.front().info.shard.count || layoutKey(s) != layoutKey(shards.front()))
            throw FormatError(p,
                "is a shard of another build than " + shards.front().info.path + " (" + layoutKey(s) + " vs "
                    + layoutKey(shards.front()) + ", " + std::to_string(s.info.shard.count) + " vs "
                    + std::to_string(shards.front().info.shard.count) + " shards)");
        if (auto [it, fresh] = byIndex.emplace(s.info.shard.index, p); !fresh)
            throw FormatError(p, "is shard " + s.info.shard.text() + " again (also " + it->second + ")");
    }
    const std::size_t count = shards.front().info.shard.count;
    std::string missing;
    for (std::size_t i = 0; i < count; ++i)
        if (!byIndex.count(i))
            missing += (missing.empty() ? "" : ", ") + std::to_string(i);
    if (!missing.empty())
        throw ParameterError("shards",
            "shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing + " of "
                + std::to_string(count) + " missing");
    std::sort(shards.begin(), shards.end(),
        [](const OpenShard& a, const OpenShard& b) { return a.info.shard.index < b.info.shard.index; });

    writeAtomically(out, [&](const std::string& tmp) {
        h5::Id file = h5::createFile(tmp);
        h5::Id samples = h5::requireGroup(file.get(), "samples", out);
        DatasetLayout layout = shards.front().layout; // the whole build's cell size is its first source's
        ChunkedArrayWriter writer(samples.get(), "x", {layout.rows, layout.cols}, shards.front().deflate, out);
        Hasher hash;
        std::vector<SampleLabels> labels;
        std::vector<DatasetCube> cubes;
        std::optional<Parameters> shared;
        double sum = 0, sumSq = 0;
        std::size_t trainPixels = 0;
        for (std::size_t k = 0; k < shards.size(); ++k) {
            const OpenShard& s = shards[k];
            if (progress)
                progress(double(k) / double(shards.size()), "merging " + s.info.path);
            const std::vector<DatasetCube> c = readCubes(s.file.get(), s.info.path);
            std::vector<SampleLabels> l = readLabels(s.file.get(), s.info.samples, c.size(), s.info.path);
            copySamples(s, l, writer, hash, sum, sumSq, trainPixels, stop);
            for (SampleLabels& x : l)
                x.cube += std::int32_t(cubes.size());
            cubes.insert(cubes.end(), c.begin(), c.end());
            keepCommon(shared, readSharedParameters(s.file.get(), s.info.path));
            labels.insert(labels.end(), l.begin(), l.end());
        }
        writeLabels(samples.get(), labels, hash, out);
        writeCubes(file.get(), cubes, out);
        writeSharedParameters(file.get(), shared.value_or(Parameters {}), out);
        for (const auto& [name, value] : shards.front().observe)
            h5::writeAttribute(file.get(), name, value, out);
        writeLayout(file.get(), kDatasetFormat, layout, labels.size(), out);
        finishDataset(file.get(), labels, sum, sumSq, trainPixels, hash, out);
    });
    if (progress)
        progress(1.0, "done");
}

} // namespace rs::ml

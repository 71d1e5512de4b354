#include "io/reionscope_h5.h"

#include "io/h5_chunk_reader.h"
#include "io/h5_lightcone.h"
#include "io/hdf5_guard.h"
#include "io/lzf.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace rs {

namespace {

constexpr const char* kReserved[]
    = {"quantity", "units", "redshift", "box_length_mpc", "source_path", "source_format", "source_dataset", "kind"};

bool isReserved(const std::string& name)
{
    for (const char* r : kReserved)
        if (name == r)
            return true;
    return false;
}

} // namespace

std::string defaultCubeName(const Cube& cube)
{
    std::string name(quantityName(cube.quantity()));
    if (cube.redshift()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "_z%06.2f", *cube.redshift());
        name += buf;
    }
    return name;
}

void writeReionScopeH5(const std::string& path, const std::vector<Cube>& cubes, const H5WriteOptions& options)
{
    writeAtomically(path, [&](const std::string& tmp) {
        h5::Id file = h5::createFile(tmp);
        h5::writeAttribute(file.get(), "format", std::string("reionscope"), path);
        h5::writeAttribute(file.get(), "format_version", std::int64_t(1), path);
        h5::writeAttribute(file.get(), "created_by", std::string("ReionScope"), path);
        h5::Id group = h5::requireGroup(file.get(), "cubes", path);
        std::set<std::string> used;
        for (const Cube& cube : cubes) {
            if (cube.empty())
                throw ParameterError("cube", "cannot write an empty cube to " + path);
            std::string name = defaultCubeName(cube);
            for (int i = 2; used.count(name); ++i)
                name = defaultCubeName(cube) + "_" + std::to_string(i);
            used.insert(name);

            const Shape& s = cube.shape();
            const hsize_t dims[3] = {s[0], s[1], s[2]};
            h5::Id space(H5Screate_simple(3, dims, nullptr));
            h5::Id dcpl(H5Pcreate(H5P_DATASET_CREATE));
            // Whole slabs along axis 0, about 1 MiB each: one chunk decompresses independently
            // of the others (parallel reads) and slicing along axis 0 touches few chunks.
            const hsize_t slab = hsize_t(s[1]) * s[2] * sizeof(float);
            const hsize_t chunk[3]
                = {std::max<hsize_t>(1, std::min<hsize_t>(s[0], (1u << 20) / std::max<hsize_t>(slab, 1))), s[1], s[2]};
            H5Pset_chunk(dcpl.get(), 3, chunk);
            if (options.codec != H5WriteOptions::Codec::None && options.shuffle)
                H5Pset_shuffle(dcpl.get());
            if (options.codec == H5WriteOptions::Codec::Deflate)
                H5Pset_deflate(dcpl.get(), unsigned(std::clamp(options.deflateLevel, 1, 9)));
            else if (options.codec == H5WriteOptions::Codec::Lzf)
                H5Pset_filter(dcpl.get(), lzf::kHdf5FilterId, H5Z_FLAG_OPTIONAL, 0, nullptr);
            h5::Id ds(H5Dcreate2(
                group.get(), name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
            if (!ds.valid() || H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, cube.data()) < 0)
                throw IoError(path, "cannot write dataset 'cubes/" + name + "' (disk full?)");
            const CubeMetadata& m = cube.metadata();
            h5::writeAttribute(ds.get(), "quantity", std::string(quantityName(m.quantity)), path);
            h5::writeAttribute(ds.get(), "units", std::string(quantityUnits(m.quantity)), path);
            if (m.redshift)
                h5::writeAttribute(ds.get(), "redshift", *m.redshift, path);
            const Extent& b = cube.boxLength();
            h5::writeAttribute(ds.get(), "box_length_mpc", std::vector<double> {b[0], b[1], b[2]}, path);
            h5::writeAttribute(ds.get(), "source_path", m.sourcePath, path);
            h5::writeAttribute(ds.get(), "source_format", m.sourceFormat, path);
            h5::writeAttribute(ds.get(), "source_dataset", m.sourceDataset, path);
            for (const auto& [key, value] : m.parameters)
                h5::writeAttribute(ds.get(), isReserved(key) ? "param_" + key : key, value, path);
            if (m.kind == FieldKind::Lightcone && m.lightcone)
                writeLightconeAttributes(ds.get(), *m.lightcone, path);
        }
        if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0)
            throw IoError(path, "cannot flush HDF5 file (disk full?)");
    });
}

bool isReionScopeFile(hid_t file)
{
    auto v = h5::readAttribute(file, "format");
    return v && std::holds_alternative<std::string>(*v) && std::get<std::string>(*v) == "reionscope";
}

std::vector<CubeEntry> probeReionScope(const std::string& path, hid_t file)
{
    if (!h5::isGroup(file, "cubes"))
        throw FormatError(path, "ReionScope file has no 'cubes' group");
    h5::Id group = h5::openGroup(file, "cubes", path);
    std::vector<CubeEntry> out;
    for (const std::string& name : h5::children(group.get())) {
        const std::string dsPath = "cubes/" + name;
        if (!h5::isDataset(file, dsPath))
            continue;
        h5::Id ds = h5::openDataset(file, dsPath, path);
        const std::vector<hsize_t> d = h5::dims(ds.get());
        if (d.size() != 3)
            throw FormatError(
                path, "dataset '" + dsPath + "' has rank " + std::to_string(d.size()) + "; a cube needs rank 3");
        const std::vector<double> box = h5::readNumberArrayAttribute(ds.get(), "box_length_mpc");
        if (box.size() != 3 || !(box[0] > 0 && box[1] > 0 && box[2] > 0))
            throw FormatError(
                path, "dataset '" + dsPath + "' lacks a valid 'box_length_mpc' attribute (3 positive lengths)");
        CubeEntry e;
        e.path = path;
        e.format = FileFormat::ReionScope;
        e.dataset = dsPath;
        e.shape = {std::size_t(d[0]), std::size_t(d[1]), std::size_t(d[2])};
        e.box = {box[0], box[1], box[2]};
        Parameters attrs = h5::readAttributes(ds.get());
        if (auto it = attrs.find("quantity"); it != attrs.end() && std::holds_alternative<std::string>(it->second))
            e.quantity = quantityFromName(std::get<std::string>(it->second)).value_or(Quantity::Other);
        if (auto z = numberOf(attrs, "redshift"))
            e.redshift = *z;
        if (auto axis = readLightconeAttributes(ds.get(), e.shape[2], path, dsPath)) {
            e.kind = FieldKind::Lightcone;
            e.lightcone = std::move(axis);
        }
        for (auto& [key, value] : attrs) {
            if (isReserved(key) || (e.kind == FieldKind::Lightcone && isLightconeAttribute(key)))
                continue;
            e.parameters[key.rfind("param_", 0) == 0 && isReserved(key.substr(6)) ? key.substr(6) : key] = value;
        }
        out.push_back(std::move(e));
    }
    if (out.empty())
        throw FormatError(path, "ReionScope file holds no cubes");
    return out;
}

Cube readH5Entry(const CubeEntry& entry)
{
    h5::vetFile(entry.path); // no cost when the file passed when it was listed
    const std::uint64_t bytes = std::uint64_t(entry.shape[0]) * entry.shape[1] * entry.shape[2] * sizeof(float);
    if (const auto pieces = h5::plainDataOf(entry.path, entry.dataset, bytes)) {
        // The helper found the voxels stored as plain float32: read without HDF5 in this process.
        Cube cube = Cube::uninitialized(entry.shape, entry.box, entry.metadata());
        h5::readPlainPieces(entry.path, *pieces, cube.mutableData());
        return cube;
    }
    if (const auto packed = h5::packedDataOf(entry.path, entry.dataset, entry.shape)) {
        // Compressed slab chunks the helper located: read and decoded here without HDF5.
        Cube cube = Cube::uninitialized(entry.shape, entry.box, entry.metadata());
        h5::readPackedChunks(entry.path, *packed, cube.mutableData(), entry.dataset);
        return cube;
    }
    h5::Id file = h5::openFile(entry.path);
    h5::Id ds = h5::openDataset(file.get(), entry.dataset, entry.path);
    const std::vector<hsize_t> d = h5::dims(ds.get());
    if (d.size() != 3 || Shape {std::size_t(d[0]), std::size_t(d[1]), std::size_t(d[2])} != entry.shape)
        throw FormatError(entry.path, "dataset '" + entry.dataset + "' changed shape since it was listed");
    Cube cube = Cube::uninitialized(entry.shape, entry.box, entry.metadata());
    float* out = cube.mutableData();
    if (!h5::readPlainFloats(ds.get(), out, entry.path)
        && !h5::readSlabChunkedFloats(ds.get(), out, entry.path, entry.dataset))
        h5::readFloats(ds.get(), out, entry.path, entry.dataset);
    return cube;
}

} // namespace rs

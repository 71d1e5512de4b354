#include "io/cube_loader.h"

#include "io/classic_name.h"
#include "io/h5_21cmfast.h"
#include "io/hdf5_guard.h"
#include "io/hdf5_util.h"
#include "io/npy.h"
#include "io/raw_box.h"
#include "io/reionscope_h5.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/size_limits.h"

#include <filesystem>
#include <new>

namespace rs {

const char* formatName(FileFormat f)
{
    switch (f) {
    case FileFormat::Classic:
        return "classic";
    case FileFormat::Npy:
        return "npy";
    case FileFormat::H5v3:
        return "21cmfast-v3";
    case FileFormat::H5v4:
        return "21cmfast-v4";
    case FileFormat::ReionScope:
        return "reionscope";
    case FileFormat::Unknown:
        break;
    }
    return "unknown";
}

CubeMetadata CubeEntry::metadata() const
{
    CubeMetadata m;
    m.quantity = quantity;
    m.redshift = redshift;
    m.kind = kind;
    m.lightcone = lightcone;
    m.parameters = parameters;
    m.sourcePath = path;
    m.sourceFormat = formatName(format);
    m.sourceDataset = dataset;
    return m;
}

namespace {

std::string fileNameOf(const std::string& path)
{
    return std::filesystem::path(path).filename().string();
}

void addFolderLabels(CubeEntry& e)
{
    const std::filesystem::path parent = std::filesystem::absolute(e.path).parent_path();
    for (auto& [key, value] : parseFolderLabels(parent.filename().string()))
        e.parameters.try_emplace(key, value);
}

/// The largest box length accepted, in comoving Mpc: some 8 times the observable universe's
/// diameter. Larger (1e308 ...) is a damaged attribute, and would overflow cell-size arithmetic.
constexpr double kMaxBoxMpc = 1e6;

/// Refuses entries whose declared geometry cannot be a cube: an empty axis, a voxel count that
/// overflows, a box length that is not a positive, finite, plausible number.
void validateEntry(const CubeEntry& e)
{
    const std::string what = e.dataset.empty() ? std::string("cube") : "dataset '" + e.dataset + "'";
    for (int a = 0; a < 3; ++a) {
        if (e.shape[a] == 0)
            throw FormatError(e.path, what + " has an empty axis");
        if (!(e.box[a] > 0) || !(e.box[a] <= kMaxBoxMpc))
            throw FormatError(e.path,
                what + ": box length " + formatValue(e.box[a]) + " Mpc along axis " + std::to_string(a)
                    + " is not a positive length up to 1e6 Mpc");
    }
    if (!checkedProduct({e.shape[0], e.shape[1], e.shape[2], sizeof(float)}))
        throw FormatError(e.path,
            what + " declares an impossible size (" + std::to_string(e.shape[0]) + " x " + std::to_string(e.shape[1])
                + " x " + std::to_string(e.shape[2]) + " voxels overflow 64 bits)");
}

std::vector<CubeEntry> validated(std::vector<CubeEntry> entries)
{
    for (const CubeEntry& e : entries)
        validateEntry(e);
    return entries;
}

std::vector<CubeEntry> probeUnchecked(const std::string& path);
Cube loadUnchecked(const CubeEntry& entry);

} // namespace

FileFormat detectFormat(const std::string& path)
{
    regularFileSize(path); // IoError for missing paths and folders
    const std::string head = readHead(path, 8);
    if (head.size() >= 6 && head.compare(0, 6, "\x93NUMPY", 6) == 0)
        return FileFormat::Npy;
    if (h5::hasHdf5Signature(path)) {
        h5::Id file;
        try {
            // A helper process lists it first (libhdf5 may crash on damaged files); what it
            // refused is not opened here.
            if (auto listed = h5::probeIsolated(path); listed && !listed->empty())
                return listed->front().format;
            file = h5::openFile(path);
        } catch (const FormatError&) {
            return FileFormat::Unknown;
        }
        if (isReionScopeFile(file.get()))
            return FileFormat::ReionScope;
        return detect21cmfastVersion(file.get());
    }
    if (parseClassicName(fileNameOf(path)))
        return FileFormat::Classic;
    return FileFormat::Unknown;
}

std::vector<CubeEntry> probeFile(const std::string& path)
{
    try {
        return validated(probeUnchecked(path));
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw FormatError(path, "ran out of memory while reading its metadata: the file is damaged");
    } catch (const std::exception& e) {
        throw FormatError(path, std::string("cannot be read: ") + e.what());
    }
}

Cube loadEntry(const CubeEntry& entry)
{
    validateEntry(entry);
    const std::string what = entry.dataset.empty() ? std::string("cube") : "dataset '" + entry.dataset + "'";
    checkedArrayBytes(entry.path, what, {entry.shape[0], entry.shape[1], entry.shape[2]}, sizeof(float));
    try {
        return loadUnchecked(entry);
    } catch (const FileError&) {
        throw;
    } catch (const Error& e) { // a ParameterError from the cube itself: name the file
        throw FormatError(entry.path, e.what());
    } catch (const std::bad_alloc&) {
        throw IoError(entry.path,
            "not enough memory to load " + what + " of "
                + formatBytes(std::uint64_t(entry.shape[0]) * entry.shape[1] * entry.shape[2] * 4));
    }
}

namespace {

std::vector<CubeEntry> probeUnchecked(const std::string& path)
{
    regularFileSize(path);
    const std::string head = readHead(path, 8);
    if (head.size() >= 6 && head.compare(0, 6, "\x93NUMPY", 6) == 0) {
        CubeEntry e = probeNpy(path);
        addFolderLabels(e);
        return {e};
    }
    if (h5::hasHdf5Signature(path)) {
        // A helper process lists it (libhdf5 may crash on damaged files): its metadata is then
        // never parsed here. In-process only without the helper or for a file vetted earlier.
        if (auto listed = h5::probeIsolated(path))
            return *listed;
        h5::Id file = h5::openFile(path); // FormatError "corrupt HDF5" when damaged
        if (isReionScopeFile(file.get()))
            return probeReionScope(path, file.get());
        const FileFormat v = detect21cmfastVersion(file.get());
        if (v == FileFormat::Unknown && h5::exists(file.get(), "maps") && h5::readAttribute(file.get(), "run"))
            throw UnrecognisedFormatError(path,
                "maps drawn by a generator run (reionscope-cli generate), not a cube: dataset 'maps' holds "
                "N 2D maps; the Training studio's Generator view draws and compares them");
        if (v == FileFormat::Unknown)
            throw UnrecognisedFormatError(
                path, "HDF5 file is neither a ReionScope nor a 21cmFAST file (no known groups or attributes)");
        return probe21cmfast(path, file.get(), v);
    }
    if (parseClassicName(fileNameOf(path))) {
        CubeEntry e = probeClassicBox(path);
        addFolderLabels(e);
        return {e};
    }
    if (head.empty())
        throw UnrecognisedFormatError(path, "file is empty");
    throw UnrecognisedFormatError(
        path, "unrecognised file format (not a classic 21cmFAST box name, .npy or HDF5 file)");
}

Cube loadUnchecked(const CubeEntry& entry)
{
    if (entry.kind == FieldKind::HaloCatalog)
        throw FormatError(entry.path,
            "'" + entry.dataset + "' is a halo catalogue (" + std::to_string(entry.itemCount) + " haloes), not a cube");
    switch (entry.format) {
    case FileFormat::Classic:
        return readClassicEntry(entry);
    case FileFormat::Npy:
        return readNpyEntry(entry);
    case FileFormat::H5v3:
    case FileFormat::H5v4:
    case FileFormat::ReionScope:
        return readH5Entry(entry);
    case FileFormat::Unknown:
        break;
    }
    throw FormatError(entry.path, "unrecognised file format");
}

} // namespace

std::vector<Cube> loadFile(const std::string& path, bool primaryOnly)
{
    std::vector<Cube> cubes;
    for (const CubeEntry& e : probeFile(path))
        if (e.primary || !primaryOnly)
            cubes.push_back(loadEntry(e));
    return cubes;
}

Cube loadCube(const std::string& path, std::optional<Quantity> quantity)
{
    const std::vector<CubeEntry> entries = probeFile(path);
    const CubeEntry* pick = nullptr;
    int primaries = 0;
    for (const CubeEntry& e : entries) {
        if (quantity) {
            if (e.quantity == *quantity && (!pick || (e.primary && !pick->primary)))
                pick = &e;
        } else if (e.primary) {
            ++primaries;
            if (!pick)
                pick = &e;
        }
    }
    if (quantity && !pick)
        throw FormatError(path, "holds no " + std::string(quantityName(*quantity)) + " cube");
    if (!quantity && primaries > 1)
        throw FormatError(path, "holds " + std::to_string(primaries) + " cubes; say which quantity to load");
    if (!pick)
        throw FormatError(path, "holds no cube");
    return loadEntry(*pick);
}

} // namespace rs

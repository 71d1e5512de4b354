#include "io/hdf5_util.h"

#include "io/lzf.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/size_limits.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <sys/stat.h>

namespace rs::h5 {

namespace {
/// Longest attribute string or name read (a damaged header may declare gigabytes).
constexpr std::size_t kMaxStringBytes = std::size_t(1) << 20;
/// Most elements of a numeric array attribute read.
constexpr hssize_t kMaxArrayAttribute = hssize_t(1) << 20;
} // namespace

std::string validUtf8(std::string s)
{
    // Walks the bytes; each invalid sequence becomes U+FFFD so JSON output and Qt strings never
    // meet undecodable text. Valid strings come back unchanged.
    std::string out;
    bool changed = false;
    std::size_t i = 0;
    auto cont = [&](std::size_t k) { return k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        if (c < 0x80)
            len = 1;
        else if (c >= 0xC2 && c <= 0xDF && cont(i + 1))
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF && cont(i + 1) && cont(i + 2)) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            len = (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) ? 0 : 3;
        } else if (c >= 0xF0 && c <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            len = (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F) ? 0 : 4;
        }
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            changed = true;
            ++i;
        } else {
            out.append(s, i, len);
            i += len;
        }
    }
    return changed ? out : s;
}

void Id::reset()
{
    if (m_id < 0)
        return;
    switch (H5Iget_type(m_id)) {
    case H5I_FILE:
        H5Fclose(m_id);
        break;
    case H5I_GROUP:
        H5Gclose(m_id);
        break;
    case H5I_DATASET:
        H5Dclose(m_id);
        break;
    case H5I_DATASPACE:
        H5Sclose(m_id);
        break;
    case H5I_DATATYPE:
        H5Tclose(m_id);
        break;
    case H5I_ATTR:
        H5Aclose(m_id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(m_id);
        break;
    default:
        H5Idec_ref(m_id);
        break;
    }
    m_id = H5I_INVALID_HID;
}

namespace {
/// Installed instead of HDF5's printer: empties the failing thread's error stack. A stack left
/// filled on a worker thread that then ends keeps HDF5 from closing at exit ("HDF5: infinite
/// loop closing library"); our own exceptions carry the message instead.
herr_t clearInsteadOfPrinting(hid_t stack, void*)
{
    H5Eclear2(stack);
    return 0;
}
} // namespace

void silenceErrorPrinting()
{
    // Thread-safe HDF5 keeps the automatic error handler per thread, so every thread that talks
    // to HDF5 installs its own; the filter registration is process-wide.
    static std::once_flag once;
    std::call_once(once, [] { lzf::registerHdf5Filter(); });
    thread_local bool installed = false;
    if (!installed) {
        H5Eset_auto2(H5E_DEFAULT, clearInsteadOfPrinting, nullptr);
        installed = true;
    }
}

bool hasHdf5Signature(const std::string& path)
{
    static const char sig[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    const std::string head = readHead(path, 8);
    if (head.size() == 8 && std::memcmp(head.data(), sig, 8) == 0)
        return true;
    // A user block shifts the superblock to 512, 1024, 2048 ...
    for (std::uint64_t off : {512u, 1024u, 2048u}) {
        char buf[8];
        try {
            if (regularFileSize(path) < off + 8)
                return false;
            readExactly(path, off, buf, 8);
        } catch (const Error&) {
            return false;
        }
        if (std::memcmp(buf, sig, 8) == 0)
            return true;
    }
    return false;
}

namespace {
std::atomic<std::uint64_t> g_opens {0};
} // namespace

std::uint64_t inProcessOpenCount()
{
    return g_opens.load();
}

Id openFile(const std::string& path)
{
    silenceErrorPrinting();
    regularFileSize(path); // throws IoError for missing files and folders
    g_opens.fetch_add(1);
    Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f.valid()) {
        if (hasHdf5Signature(path))
            throw FormatError(path, "corrupt HDF5 file (it has an HDF5 signature but the library cannot open it)");
        throw FormatError(path, "not an HDF5 file");
    }
    return f;
}

Id createFile(const std::string& path)
{
    silenceErrorPrinting();
    Id f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!f.valid())
        throw IoError(path, "cannot create HDF5 file");
    return f;
}

bool exists(hid_t loc, const std::string& path)
{
    // H5Lexists needs every intermediate component to exist, so walk them one by one.
    std::size_t pos = 0;
    while (true) {
        const std::size_t slash = path.find('/', pos);
        const std::string prefix = path.substr(0, slash);
        if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0)
            return false;
        if (slash == std::string::npos)
            return !prefix.empty();
        pos = slash + 1;
    }
}

namespace {
H5O_type_t objectType(hid_t loc, const std::string& path)
{
    if (!exists(loc, path))
        return H5O_TYPE_UNKNOWN;
    H5O_info_t info;
    if (H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        return H5O_TYPE_UNKNOWN;
    return info.type;
}
} // namespace

bool isGroup(hid_t loc, const std::string& path)
{
    return objectType(loc, path) == H5O_TYPE_GROUP;
}
bool isDataset(hid_t loc, const std::string& path)
{
    return objectType(loc, path) == H5O_TYPE_DATASET;
}

std::vector<std::string> children(hid_t group)
{
    std::vector<std::string> names;
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0 || info.nlinks > (hsize_t(1) << 20))
        return names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (len < 0 || std::size_t(len) > kMaxStringBytes)
            continue;
        std::string name(std::size_t(len) + 1, '\0');
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
        name.resize(std::size_t(len));
        names.push_back(std::move(name));
    }
    return names;
}

Id openGroup(hid_t loc, const std::string& path, const std::string& file)
{
    if (!isGroup(loc, path))
        throw FormatError(file, "HDF5 group '" + path + "' is missing");
    Id g(H5Gopen2(loc, path.c_str(), H5P_DEFAULT));
    if (!g.valid())
        throw FormatError(file, "cannot open HDF5 group '" + path + "'");
    return g;
}

Id openDataset(hid_t loc, const std::string& path, const std::string& file)
{
    if (!isDataset(loc, path))
        throw FormatError(file, "HDF5 dataset '" + path + "' is missing");
    Id d(H5Dopen2(loc, path.c_str(), H5P_DEFAULT));
    if (!d.valid())
        throw FormatError(file, "cannot open HDF5 dataset '" + path + "'");
    return d;
}

Id requireGroup(hid_t loc, const std::string& path, const std::string& file)
{
    if (isGroup(loc, path))
        return openGroup(loc, path, file);
    Id lcpl(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    Id g(H5Gcreate2(loc, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
    if (!g.valid())
        throw IoError(file, "cannot create HDF5 group '" + path + "'");
    return g;
}

std::vector<hsize_t> dims(hid_t dataset)
{
    Id space(H5Dget_space(dataset));
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> d(rank > 0 ? std::size_t(rank) : 0);
    if (rank > 0)
        H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
    return d;
}

std::optional<ParamValue> readAttribute(hid_t obj, const std::string& name)
{
    if (H5Aexists(obj, name.c_str()) <= 0)
        return std::nullopt;
    Id attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
    if (!attr.valid())
        return std::nullopt;
    Id type(H5Aget_type(attr.get()));
    Id space(H5Aget_space(attr.get()));
    const hssize_t npoints = H5Sget_simple_extent_npoints(space.get());
    if (npoints != 1)
        return std::nullopt;
    switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: {
        std::int64_t v = 0;
        if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0)
            return std::nullopt;
        return v;
    }
    case H5T_FLOAT: {
        double v = 0;
        if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0)
            return std::nullopt;
        return v;
    }
    case H5T_ENUM: { // h5py stores numpy bools as an int8 enum {FALSE, TRUE}
        Id native(H5Tget_native_type(type.get(), H5T_DIR_ASCEND));
        long long raw = 0;
        std::vector<unsigned char> buf(H5Tget_size(native.get()));
        if (H5Aread(attr.get(), native.get(), buf.data()) < 0)
            return std::nullopt;
        std::memcpy(&raw, buf.data(), std::min(buf.size(), sizeof raw));
        char memberName[16] = {};
        if (H5Tenum_nameof(type.get(), buf.data(), memberName, sizeof memberName) >= 0) {
            if (std::strcmp(memberName, "TRUE") == 0)
                return true;
            if (std::strcmp(memberName, "FALSE") == 0)
                return false;
        }
        return std::int64_t(raw);
    }
    case H5T_STRING: {
        if (H5Tis_variable_str(type.get()) > 0) {
            Id mem(H5Tcopy(H5T_C_S1));
            H5Tset_size(mem.get(), H5T_VARIABLE);
            H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
            char* s = nullptr;
            if (H5Aread(attr.get(), mem.get(), &s) < 0 || !s)
                return std::nullopt;
            std::string out(s, ::strnlen(s, kMaxStringBytes));
            H5free_memory(s);
            return validUtf8(std::move(out));
        }
        const std::size_t size = H5Tget_size(type.get());
        if (size == 0 || size > kMaxStringBytes)
            return std::nullopt;
        std::string out(size, '\0');
        Id mem(H5Tcopy(H5T_C_S1));
        H5Tset_size(mem.get(), size);
        H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
        if (H5Aread(attr.get(), mem.get(), out.data()) < 0)
            return std::nullopt;
        out.resize(std::strlen(out.c_str()));
        return validUtf8(std::move(out));
    }
    default:
        return std::nullopt;
    }
}

Parameters readAttributes(hid_t obj)
{
    Parameters p;
    H5O_info_t info;
    if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0)
        return p;
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
        const ssize_t len = H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (len < 0 || std::size_t(len) > kMaxStringBytes)
            continue;
        std::string name(std::size_t(len) + 1, '\0');
        H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
        name.resize(std::size_t(len));
        if (auto v = readAttribute(obj, name))
            p[name] = *v;
    }
    return p;
}

std::vector<double> readNumberArrayAttribute(hid_t obj, const std::string& name)
{
    if (H5Aexists(obj, name.c_str()) <= 0)
        return {};
    Id attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
    Id type(H5Aget_type(attr.get()));
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
        return {};
    Id space(H5Aget_space(attr.get()));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n <= 0 || n > kMaxArrayAttribute)
        return {};
    std::vector<double> v(static_cast<std::size_t>(n));
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v.data()) < 0)
        return {};
    return v;
}

namespace {
void removeAttribute(hid_t obj, const std::string& name)
{
    if (H5Aexists(obj, name.c_str()) > 0)
        H5Adelete(obj, name.c_str());
}

void writeRaw(hid_t obj, const std::string& name, hid_t fileType, hid_t memType, hid_t space, const void* data,
    const std::string& file)
{
    removeAttribute(obj, name);
    Id attr(H5Acreate2(obj, name.c_str(), fileType, space, H5P_DEFAULT, H5P_DEFAULT));
    if (!attr.valid() || H5Awrite(attr.get(), memType, data) < 0)
        throw IoError(file, "cannot write HDF5 attribute '" + name + "'");
}
} // namespace

void writeAttribute(hid_t obj, const std::string& name, const ParamValue& value, const std::string& file)
{
    Id scalar(H5Screate(H5S_SCALAR));
    if (auto b = std::get_if<bool>(&value)) {
        Id type(H5Tenum_create(H5T_NATIVE_INT8));
        const std::int8_t f = 0, t = 1;
        H5Tenum_insert(type.get(), "FALSE", &f);
        H5Tenum_insert(type.get(), "TRUE", &t);
        const std::int8_t v = *b ? 1 : 0;
        writeRaw(obj, name, type.get(), type.get(), scalar.get(), &v, file);
    } else if (auto i = std::get_if<std::int64_t>(&value)) {
        writeRaw(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, scalar.get(), i, file);
    } else if (auto d = std::get_if<double>(&value)) {
        writeRaw(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar.get(), d, file);
    } else {
        const std::string& s = std::get<std::string>(value);
        Id type(H5Tcopy(H5T_C_S1));
        H5Tset_size(type.get(), H5T_VARIABLE);
        H5Tset_cset(type.get(), H5T_CSET_UTF8);
        const char* p = s.c_str();
        writeRaw(obj, name, type.get(), type.get(), scalar.get(), &p, file);
    }
}

void writeAttribute(hid_t obj, const std::string& name, const std::vector<double>& values, const std::string& file)
{
    const hsize_t n = values.size();
    Id space(H5Screate_simple(1, &n, nullptr));
    writeRaw(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), values.data(), file);
}

namespace {

/// Layout messages libhdf5 1.10 trusts when reading (found by reionscope-fuzz: both passed the
/// helper, which reads metadata only, then H5Dread copied past its buffers): a chunk larger than
/// the dataset may ever grow (HDF5 refuses to create one), and compact or contiguous storage
/// whose size is not the dataset's (contiguous storage may be unallocated: fill values).
void checkLayout(hid_t dataset, const std::string& file, const std::string& datasetPath)
{
    const std::string what = "HDF5 dataset '" + datasetPath + "' ";
    Id dcpl(H5Dget_create_plist(dataset));
    Id space(H5Dget_space(dataset));
    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_COMPACT || layout == H5D_CONTIGUOUS) {
        Id type(H5Dget_type(dataset));
        const hssize_t points = H5Sget_simple_extent_npoints(space.get());
        const hsize_t stored = H5Dget_storage_size(dataset);
        const std::optional<std::uint64_t> needed
            = points < 0 ? std::nullopt : checkedMul(std::uint64_t(points), H5Tget_size(type.get()));
        if (!needed || (stored != *needed && !(layout == H5D_CONTIGUOUS && stored == 0)))
            throw FormatError(file,
                what + "stores " + std::to_string(stored) + " bytes where its shape needs "
                    + (needed ? std::to_string(*needed) : std::string("more")) + ": the file is damaged");
        return;
    }
    if (layout != H5D_CHUNKED)
        return;
    hsize_t dims[H5S_MAX_RANK], maxDims[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
    const int rank = H5Sget_simple_extent_dims(space.get(), dims, maxDims);
    if (rank <= 0 || H5Pget_chunk(dcpl.get(), rank, chunk) != rank)
        throw FormatError(file, what + "has an unreadable chunk layout: the file is damaged");
    for (int a = 0; a < rank; ++a)
        if (chunk[a] == 0 || (maxDims[a] != H5S_UNLIMITED && chunk[a] > maxDims[a]))
            throw FormatError(file,
                what + "declares chunks of " + std::to_string(chunk[a]) + " along axis " + std::to_string(a)
                    + ", beyond its extent of " + std::to_string(maxDims[a]) + ": the file is damaged");
}

} // namespace

namespace {

/// A number type libhdf5 1.10 can convert without running off its buffers (found by
/// reionscope-fuzz: a float32 whose size field says 131076 bytes made H5Dread's conversion copy
/// past them): integers of 1, 2, 4 or 8 bytes, floats of 2, 4, 8 or 16 bytes, whose bits lie
/// inside their size.
void checkNumberType(hid_t type, const std::string& file, const std::string& datasetPath)
{
    const H5T_class_t cls = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    const int precision = int(H5Tget_precision(type)), offset = H5Tget_offset(type);
    const bool sizeOk = cls == H5T_INTEGER ? (size == 1 || size == 2 || size == 4 || size == 8)
                                           : (size == 2 || size == 4 || size == 8 || size == 16);
    bool bitsOk = precision > 0 && offset >= 0 && std::size_t(precision + offset) <= 8 * size;
    if (cls == H5T_FLOAT && bitsOk) {
        std::size_t signPos = 0, expPos = 0, expSize = 0, mantPos = 0, mantSize = 0;
        bitsOk = H5Tget_fields(type, &signPos, &expPos, &expSize, &mantPos, &mantSize) >= 0 && signPos < 8 * size
            && expPos + expSize <= 8 * size && mantPos + mantSize <= 8 * size && expSize > 0 && mantSize > 0;
    }
    if (!sizeOk || !bitsOk)
        throw FormatError(file,
            "HDF5 dataset '" + datasetPath + "' declares a " + std::to_string(size) + "-byte number type with "
                + std::to_string(precision) + " bits at bit " + std::to_string(offset) + ": the file is damaged");
}

} // namespace

void readFloats(hid_t dataset, float* out, const std::string& file, const std::string& datasetPath)
{
    Id type(H5Dget_type(dataset));
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        throw FormatError(file, "HDF5 dataset '" + datasetPath + "' is not numeric");
    checkNumberType(type.get(), file, datasetPath);
    checkLayout(dataset, file, datasetPath);
    if (H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        throw FormatError(file, "cannot read HDF5 dataset '" + datasetPath + "' (file damaged or truncated)");
}

namespace {

Id utf8StringType()
{
    Id type(H5Tcopy(H5T_C_S1));
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    return type;
}

} // namespace

void writeStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& file)
{
    std::vector<const char*> ptrs;
    for (const std::string& s : v)
        ptrs.push_back(s.c_str());
    const Id type = utf8StringType();
    writeArray(loc, name, type.get(), type.get(), ptrs, file);
}

std::vector<std::string> readStrings(hid_t loc, const std::string& name, std::size_t n, const std::string& file)
{
    const Id type = utf8StringType();
    std::vector<char*> raw = readArray<char*>(loc, name, type.get(), n, file);
    std::vector<std::string> out;
    for (char* s : raw) {
        out.emplace_back(s ? s : "");
        H5free_memory(s);
    }
    return out;
}

} // namespace rs::h5

#include "io/npy.h"

#include "io/name_hints.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/size_limits.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>

namespace rs {

namespace {

constexpr char kMagic[] = "\x93NUMPY";

std::size_t findKey(const std::string& h, const std::string& key)
{
    for (const char q : {'\'', '"'}) {
        const std::string quoted = std::string(1, q) + key + std::string(1, q);
        const std::size_t at = h.find(quoted);
        if (at != std::string::npos) {
            std::size_t colon = h.find(':', at + quoted.size());
            if (colon != std::string::npos)
                return colon + 1;
        }
    }
    return std::string::npos;
}

void skipSpace(const std::string& h, std::size_t& i)
{
    while (i < h.size() && std::isspace(static_cast<unsigned char>(h[i])))
        ++i;
}

template<typename T> void byteSwapInPlace(T* v, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        unsigned char* b = reinterpret_cast<unsigned char*>(v + i);
        std::reverse(b, b + sizeof(T));
    }
}

} // namespace

NpyHeader readNpyHeader(const std::string& path)
{
    const std::uint64_t size = regularFileSize(path);
    const std::string head = readHead(path, 12);
    if (head.size() < 10 || head.compare(0, 6, kMagic, 6) != 0)
        throw FormatError(path, "not a NumPy .npy file (magic string missing)");
    NpyHeader hdr;
    hdr.major = static_cast<unsigned char>(head[6]);
    hdr.minor = static_cast<unsigned char>(head[7]);
    std::size_t headerLen = 0, prefix = 0;
    if (hdr.major == 1) {
        headerLen = static_cast<unsigned char>(head[8]) | (std::size_t(static_cast<unsigned char>(head[9])) << 8);
        prefix = 10;
    } else if (hdr.major == 2 || hdr.major == 3) {
        if (head.size() < 12)
            throw FormatError(path, "NumPy header is truncated");
        for (int i = 0; i < 4; ++i)
            headerLen |= std::size_t(static_cast<unsigned char>(head[8 + i])) << (8 * i);
        prefix = 12;
    } else {
        throw FormatError(path,
            "unsupported NumPy format version " + std::to_string(hdr.major) + "." + std::to_string(hdr.minor)
                + " (1.0 to 3.0 are supported)");
    }
    if (prefix + headerLen > size || headerLen > (1u << 24))
        throw FormatError(path, "NumPy header length " + std::to_string(headerLen) + " runs past the end of the file");
    std::string h(headerLen, '\0');
    readExactly(path, prefix, h.data(), headerLen);
    hdr.dataOffset = prefix + headerLen;

    // descr
    std::size_t i = findKey(h, "descr");
    if (i == std::string::npos)
        throw FormatError(path, "NumPy header has no 'descr' (dtype) entry");
    skipSpace(h, i);
    if (i >= h.size() || (h[i] != '\'' && h[i] != '"'))
        throw FormatError(path, "NumPy header: 'descr' is not a simple dtype string (structured arrays are not cubes)");
    const char q = h[i];
    const std::size_t close = h.find(q, i + 1);
    if (close == std::string::npos)
        throw FormatError(path, "NumPy header: unterminated 'descr'");
    hdr.descr = h.substr(i + 1, close - i - 1);
    if (hdr.descr.size() < 3)
        throw FormatError(path, "NumPy header: malformed dtype '" + hdr.descr + "'");
    const char order = hdr.descr[0];
    hdr.bigEndian = order == '>';
    hdr.kind = hdr.descr[1];
    hdr.itemSize = 0;
    for (std::size_t k = 2; k < hdr.descr.size(); ++k) {
        if (!std::isdigit(static_cast<unsigned char>(hdr.descr[k])) || k > 5)
            throw FormatError(path, "NumPy header: malformed dtype '" + hdr.descr + "'");
        hdr.itemSize = hdr.itemSize * 10 + (hdr.descr[k] - '0');
    }
    if (order != '<' && order != '>' && order != '=' && order != '|')
        throw FormatError(path, "NumPy header: malformed dtype '" + hdr.descr + "'");

    // fortran_order
    i = findKey(h, "fortran_order");
    if (i == std::string::npos)
        throw FormatError(path, "NumPy header has no 'fortran_order' entry");
    skipSpace(h, i);
    if (h.compare(i, 4, "True") == 0)
        hdr.fortranOrder = true;
    else if (h.compare(i, 5, "False") == 0)
        hdr.fortranOrder = false;
    else
        throw FormatError(path, "NumPy header: 'fortran_order' is neither True nor False");

    // shape
    i = findKey(h, "shape");
    if (i == std::string::npos)
        throw FormatError(path, "NumPy header has no 'shape' entry");
    skipSpace(h, i);
    if (i >= h.size() || h[i] != '(')
        throw FormatError(path, "NumPy header: 'shape' is not a tuple");
    const std::size_t end = h.find(')', i);
    if (end == std::string::npos)
        throw FormatError(path, "NumPy header: unterminated 'shape' tuple");
    std::size_t p = i + 1;
    while (p < end) {
        skipSpace(h, p);
        if (p >= end)
            break;
        if (!std::isdigit(static_cast<unsigned char>(h[p])))
            throw FormatError(path, "NumPy header: 'shape' holds something other than integers");
        std::size_t v = 0;
        while (p < end && std::isdigit(static_cast<unsigned char>(h[p]))) {
            v = v * 10 + std::size_t(h[p] - '0');
            if (v > (std::size_t(1) << 40))
                throw FormatError(path, "NumPy header: 'shape' dimension is absurdly large");
            ++p;
        }
        hdr.shape.push_back(v);
        skipSpace(h, p);
        if (p < end && h[p] == ',')
            ++p;
    }
    return hdr;
}

CubeEntry probeNpy(const std::string& path, double boxMpcOverride)
{
    const NpyHeader hdr = readNpyHeader(path);
    if (hdr.shape.size() != 3) {
        std::string s;
        for (std::size_t d : hdr.shape)
            s += (s.empty() ? "" : ", ") + std::to_string(d);
        throw FormatError(path,
            "NumPy array has rank " + std::to_string(hdr.shape.size()) + " (shape (" + s + ")); a cube needs rank 3");
    }
    if (hdr.kind != 'f' || (hdr.itemSize != 4 && hdr.itemSize != 8))
        throw FormatError(path, "unsupported NumPy dtype '" + hdr.descr + "' (float32 and float64 are supported)");
    const Shape shape {hdr.shape[0], hdr.shape[1], hdr.shape[2]};
    const std::optional<std::uint64_t> dataBytes
        = checkedProduct({shape[0], shape[1], shape[2], std::uint64_t(hdr.itemSize)});
    if (!dataBytes || *dataBytes > std::numeric_limits<std::uint64_t>::max() - hdr.dataOffset)
        throw FormatError(path,
            "NumPy header declares an impossible size: shape (" + std::to_string(shape[0]) + ", "
                + std::to_string(shape[1]) + ", " + std::to_string(shape[2]) + ") " + hdr.descr + " overflows 64 bits");
    if (*dataBytes == 0)
        throw FormatError(path, "NumPy array is empty");
    const std::uint64_t expected = hdr.dataOffset + *dataBytes;
    const std::uint64_t found = regularFileSize(path);
    if (found != expected)
        throw FormatError(path,
            std::string(found < expected ? "NumPy file is truncated" : "NumPy file has trailing bytes") + ": expected "
                + std::to_string(expected) + " bytes for shape (" + std::to_string(shape[0]) + ", "
                + std::to_string(shape[1]) + ", " + std::to_string(shape[2]) + ") " + hdr.descr + " but found "
                + std::to_string(found));

    NameHints hints = hintsFromFileName(std::filesystem::path(path).stem().string());
    CubeEntry e;
    e.path = path;
    e.format = FileFormat::Npy;
    e.quantity = hints.quantity;
    e.redshift = hints.redshift;
    e.parameters = std::move(hints.parameters);
    e.shape = shape;
    double cell = 1.0;
    if (boxMpcOverride > 0)
        cell = boxMpcOverride / double(shape[0]);
    else if (hints.boxMpc)
        cell = *hints.boxMpc / double(shape[0]);
    else
        e.parameters["box_length_assumed"] = true;
    e.box = {cell * double(shape[0]), cell * double(shape[1]), cell * double(shape[2])};
    return e;
}

Cube readNpyEntry(const CubeEntry& entry)
{
    const NpyHeader hdr = readNpyHeader(entry.path);
    const Shape& shape = entry.shape;
    if (hdr.shape.size() != 3 || Shape {hdr.shape[0], hdr.shape[1], hdr.shape[2]} != shape)
        throw FormatError(entry.path, "NumPy array changed shape since it was listed");
    const std::size_t count = shape[0] * shape[1] * shape[2];
    // Read (and convert) straight into the cube, chunk by chunk for float64, so peak memory stays
    // close to the cube's own bytes.
    Cube cube = Cube::uninitialized(shape, entry.box, entry.metadata());
    float* dst = cube.mutableData();
    const bool swap = hdr.bigEndian != (std::endian::native == std::endian::big);
    if (hdr.itemSize == 4) {
        readExactly(entry.path, hdr.dataOffset, dst, count * 4);
        if (swap)
            byteSwapInPlace(reinterpret_cast<std::uint32_t*>(dst), count);
    } else {
        constexpr std::size_t chunk = 1 << 20;
        std::vector<double> buf(std::min(count, chunk));
        for (std::size_t done = 0; done < count;) {
            const std::size_t n = std::min(chunk, count - done);
            readExactly(entry.path, hdr.dataOffset + done * 8, buf.data(), n * 8);
            if (swap)
                byteSwapInPlace(reinterpret_cast<std::uint64_t*>(buf.data()), n);
            for (std::size_t k = 0; k < n; ++k)
                dst[done + k] = float(buf[k]);
            done += n;
        }
    }
    if (!hdr.fortranOrder)
        return cube;
    // Fortran order: the first index runs fastest. Reorder into C order.
    Cube out = Cube::uninitialized(shape, entry.box, entry.metadata());
    float* c = out.mutableData();
    const float* f = cube.data();
    for (std::size_t k = 0; k < shape[2]; ++k)
        for (std::size_t j = 0; j < shape[1]; ++j)
            for (std::size_t i = 0; i < shape[0]; ++i)
                c[(i * shape[1] + j) * shape[2] + k] = *f++;
    return out;
}

Cube readNpyCube(const std::string& path, double boxMpcOverride)
{
    return readNpyEntry(probeNpy(path, boxMpcOverride));
}

void writeNpy(const std::string& path, const float* data, const std::vector<std::size_t>& shape)
{
    std::string tuple;
    std::size_t count = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        tuple += (i ? ", " : "") + std::to_string(shape[i]);
        count *= shape[i];
    }
    if (shape.size() == 1)
        tuple += ",";
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + tuple + "), }";
    // Pad so that magic + version + length + header is a multiple of 64 and ends in '\n'.
    const std::size_t total = 10 + dict.size() + 1;
    dict.append((total + 63) / 64 * 64 - total, ' ');
    dict += '\n';
    if (dict.size() > 65535)
        throw ParameterError("shape", "too many dimensions for a .npy header");
    std::string header(kMagic, 6);
    header += {char(1), char(0), char(dict.size() & 0xff), char((dict.size() >> 8) & 0xff)};
    header += dict;
    writeFileAtomically(path, {{header.data(), header.size()}, {data, count * sizeof(float)}});
}

} // namespace rs

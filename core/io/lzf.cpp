#include "io/lzf.h"

#include <hdf5.h>
#include <lzf.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

namespace rs::lzf {

std::size_t compress(const std::uint8_t* in, std::size_t n, std::uint8_t* out, std::size_t cap)
{
    // liblzf counts in unsigned int; a chunk that large is stored uncompressed by the caller.
    if (n == 0 || n > std::numeric_limits<unsigned>::max())
        return 0;
    const unsigned limit = unsigned(std::min<std::size_t>(cap, std::numeric_limits<unsigned>::max()));
    return lzf_compress(in, unsigned(n), out, limit);
}

std::size_t decompress(const std::uint8_t* in, std::size_t n, std::uint8_t* out, std::size_t cap)
{
    if (n == 0 || n > std::numeric_limits<unsigned>::max())
        return 0;
    const unsigned limit = unsigned(std::min<std::size_t>(cap, std::numeric_limits<unsigned>::max()));
    return lzf_decompress(in, unsigned(n), out, limit); // 0 for damaged input (errno EINVAL) or no room (E2BIG)
}

namespace {

// h5py's convention for the filter's client data: {filter revision, LZF version, chunk bytes}.
constexpr unsigned kFilterRevision = 4;
constexpr unsigned kLzfVersion = 0x0105;

herr_t setLocal(hid_t dcpl, hid_t type, hid_t)
{
    unsigned flags = 0;
    std::size_t nelements = 8;
    unsigned values[8] = {};
    if (H5Pget_filter_by_id2(dcpl, kHdf5FilterId, &flags, &nelements, values, 0, nullptr, nullptr) < 0)
        return -1;
    hsize_t chunk[32];
    const int rank = H5Pget_chunk(dcpl, 32, chunk);
    if (rank < 0)
        return -1;
    std::size_t bytes = H5Tget_size(type);
    for (int i = 0; i < rank; ++i)
        bytes *= chunk[i];
    if (bytes > 0xffffffffu)
        return -1;
    values[0] = kFilterRevision;
    values[1] = kLzfVersion;
    values[2] = unsigned(bytes);
    return H5Pmodify_filter(dcpl, kHdf5FilterId, flags, std::max<std::size_t>(nelements, 3), values);
}

std::size_t filter(
    unsigned flags, std::size_t cdCount, const unsigned cd[], std::size_t nbytes, std::size_t* bufSize, void** buf)
{
    const auto* src = static_cast<const std::uint8_t*>(*buf);
    std::size_t outCap = 0;
    std::size_t produced = 0;
    void* outBuf = nullptr;
    if (!(flags & H5Z_FLAG_REVERSE)) {
        outCap = nbytes; // not smaller: fail, and HDF5 stores this (optional-filter) chunk raw
        outBuf = H5allocate_memory(outCap, false);
        if (!outBuf)
            return 0;
        produced = compress(src, nbytes, static_cast<std::uint8_t*>(outBuf), outCap);
    } else {
        outCap = cdCount >= 3 && cd[2] ? cd[2] : std::max<std::size_t>(*bufSize * 2, 1 << 16);
        for (int attempt = 0; attempt < 8 && !produced; ++attempt) {
            if (outBuf)
                H5free_memory(outBuf);
            outBuf = H5allocate_memory(outCap, false);
            if (!outBuf)
                return 0;
            produced = decompress(src, nbytes, static_cast<std::uint8_t*>(outBuf), outCap);
            if (!produced)
                outCap *= 2; // unknown chunk size (no client data): grow and retry
        }
    }
    if (!produced) {
        H5free_memory(outBuf);
        return 0;
    }
    H5free_memory(*buf);
    *buf = outBuf;
    *bufSize = outCap;
    return produced;
}

} // namespace

void registerHdf5Filter()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (H5Zfilter_avail(kHdf5FilterId) > 0)
            return; // someone (a plugin) registered it already
        H5Z_class2_t cls {};
        cls.version = H5Z_CLASS_T_VERS;
        cls.id = kHdf5FilterId;
        cls.encoder_present = 1;
        cls.decoder_present = 1;
        cls.name = "lzf";
        cls.can_apply = nullptr;
        cls.set_local = setLocal;
        cls.filter = filter;
        H5Zregister(&cls);
    });
}

} // namespace rs::lzf

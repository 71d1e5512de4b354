#include "io/lzf.h"

#include <hdf5.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace rs::lzf {

namespace {

constexpr std::size_t kMaxLiteral = 32;
constexpr std::size_t kMaxOffset = 8192;         // 13 offset bits, distance 1..8192
constexpr std::size_t kMaxMatch = 7 + 255 + 2;   // 264
constexpr int kHashBits = 14;

inline std::uint32_t hash3(const std::uint8_t* p)
{
    const std::uint32_t v = std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2];
    return (v * 2654435761u) >> (32 - kHashBits);
}

} // namespace

std::size_t compress(const std::uint8_t* in, std::size_t n, std::uint8_t* out, std::size_t cap)
{
    if (n == 0)
        return 0;
    std::vector<std::uint32_t> table(std::size_t(1) << kHashBits, 0); // position + 1; 0 = empty
    std::size_t op = 0;
    std::size_t litStart = 0; // first byte of the pending literal run
    std::size_t ip = 0;

    auto flushLiterals = [&](std::size_t end) -> bool {
        while (litStart < end) {
            const std::size_t run = std::min(kMaxLiteral, end - litStart);
            if (op + 1 + run > cap)
                return false;
            out[op++] = std::uint8_t(run - 1);
            std::memcpy(out + op, in + litStart, run);
            op += run;
            litStart += run;
        }
        return true;
    };

    while (ip + 2 < n) {
        const std::uint32_t h = hash3(in + ip);
        const std::size_t cand = table[h];
        table[h] = std::uint32_t(ip + 1);
        if (cand) {
            const std::size_t ref = cand - 1;
            const std::size_t dist = ip - ref;
            if (dist >= 1 && dist <= kMaxOffset && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]
                && in[ref + 2] == in[ip + 2]) {
                std::size_t len = 3;
                const std::size_t maxLen = std::min(kMaxMatch, n - ip);
                while (len < maxLen && in[ref + len] == in[ip + len])
                    ++len;
                if (!flushLiterals(ip))
                    return 0;
                const std::size_t l = len - 2;  // encoded length: 1..262
                const std::size_t off = dist - 1; // 0..8191
                if (l < 7) {
                    if (op + 2 > cap)
                        return 0;
                    out[op++] = std::uint8_t((l << 5) | (off >> 8));
                } else {
                    if (op + 3 > cap)
                        return 0;
                    out[op++] = std::uint8_t((7 << 5) | (off >> 8));
                    out[op++] = std::uint8_t(l - 7);
                }
                out[op++] = std::uint8_t(off & 0xff);
                // Index a couple of positions inside the match so repeats right after it are found.
                const std::size_t end = ip + len;
                for (std::size_t p = ip + 1; p < end && p + 2 < n && p < ip + 3; ++p)
                    table[hash3(in + p)] = std::uint32_t(p + 1);
                ip = end;
                litStart = ip;
                continue;
            }
        }
        ++ip;
    }
    if (!flushLiterals(n))
        return 0;
    return op;
}

std::size_t decompress(const std::uint8_t* in, std::size_t n, std::uint8_t* out, std::size_t cap)
{
    std::size_t ip = 0, op = 0;
    while (ip < n) {
        const std::size_t ctrl = in[ip++];
        if (ctrl < 32) { // literal run of ctrl + 1 bytes
            const std::size_t run = ctrl + 1;
            if (ip + run > n || op + run > cap)
                return 0;
            std::memcpy(out + op, in + ip, run);
            ip += run;
            op += run;
        } else { // back reference
            std::size_t len = ctrl >> 5;
            std::size_t back = (ctrl & 0x1f) << 8;
            if (len == 7) {
                if (ip >= n)
                    return 0;
                len += in[ip++];
            }
            if (ip >= n)
                return 0;
            back += in[ip++];
            len += 2;
            if (back + 1 > op || op + len > cap)
                return 0;
            const std::size_t ref = op - back - 1;
            if (back + 1 >= len) {
                std::memcpy(out + op, out + ref, len);
            } else { // overlapping copy repeats the last back+1 bytes
                for (std::size_t i = 0; i < len; ++i)
                    out[op + i] = out[ref + i];
            }
            op += len;
        }
    }
    return op;
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

std::size_t filter(unsigned flags, std::size_t cdCount, const unsigned cd[], std::size_t nbytes, std::size_t* bufSize,
                   void** buf)
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
        H5Z_class2_t cls{};
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

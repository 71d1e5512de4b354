#include "io/h5_chunk_reader.h"

#include "io/lzf.h"
#include "util/error.h"
#include "util/file_util.h"

#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rs::h5 {

namespace {

enum class Codec { Deflate, Lzf };

struct Layout {
    std::vector<hsize_t> dims;
    hsize_t chunk0 = 0;
    bool shuffle = false;
    std::optional<Codec> codec;
};

/// The layout if the fast path applies.
std::optional<Layout> fastLayout(hid_t dataset)
{
    Layout l;
    l.dims = dims(dataset);
    if (l.dims.size() != 3)
        return std::nullopt;
    Id type(H5Dget_type(dataset));
    if (H5Tequal(type.get(), H5T_IEEE_F32LE) <= 0)
        return std::nullopt;
    Id dcpl(H5Dget_create_plist(dataset));
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED)
        return std::nullopt;
    hsize_t chunk[3];
    if (H5Pget_chunk(dcpl.get(), 3, chunk) != 3 || chunk[1] != l.dims[1] || chunk[2] != l.dims[2] || chunk[0] == 0
        || chunk[0] > l.dims[0])
        return std::nullopt;
    l.chunk0 = chunk[0];
    const int nfilters = H5Pget_nfilters(dcpl.get());
    for (int i = 0; i < nfilters; ++i) {
        unsigned flags = 0, cdValues[8];
        std::size_t ncd = 8;
        char name[64];
        const H5Z_filter_t f
            = H5Pget_filter2(dcpl.get(), unsigned(i), &flags, &ncd, cdValues, sizeof name, name, nullptr);
        if (f == H5Z_FILTER_SHUFFLE && i == 0)
            l.shuffle = true;
        else if (f == H5Z_FILTER_DEFLATE && !l.codec)
            l.codec = Codec::Deflate;
        else if (f == lzf::kHdf5FilterId && !l.codec)
            l.codec = Codec::Lzf;
        else
            return std::nullopt; // another filter or order: let HDF5 handle it
    }
    if (!l.codec) // uncompressed chunks: H5Dread is already a straight copy
        return std::nullopt;
    return l;
}

/// Undoes HDF5's byte shuffle: byte b of element i sits at in[b * planeStride + i]. Writing only
/// the first `count` elements also serves edge chunks (planeStride = the full chunk's elements).
void unshuffle(const unsigned char* in, std::size_t planeStride, float* out, std::size_t count)
{
    auto* bytes = reinterpret_cast<unsigned char*>(out);
    const unsigned char* b0 = in;
    const unsigned char* b1 = in + planeStride;
    const unsigned char* b2 = in + 2 * planeStride;
    const unsigned char* b3 = in + 3 * planeStride;
    for (std::size_t i = 0; i < count; ++i) {
        bytes[4 * i + 0] = b0[i];
        bytes[4 * i + 1] = b1[i];
        bytes[4 * i + 2] = b2[i];
        bytes[4 * i + 3] = b3[i];
    }
}

struct Job {
    hsize_t first = 0; ///< first slab of axis 0
    std::size_t slabs = 0; ///< valid slabs in this chunk (edge chunks are stored full-size)
    unsigned mask = 0; ///< HDF5 filter mask: bit i set = filter i was skipped
    std::vector<unsigned char> raw;
};

/// Decodes one raw chunk into `dst` (its first `valid` floats; `scratch` holds a full chunk).
/// Returns "" or why the chunk is unusable.
std::string decodeChunk(const Layout& l, const Job& job, libdeflate_decompressor* d,
    std::vector<unsigned char>& scratch, float* dst, std::size_t valid)
{
    // Filters run in reverse on read: inflate (unless skipped), then un-shuffle.
    const bool inflated = !(job.mask & (l.shuffle ? 2u : 1u));
    const bool shuffled = l.shuffle && !(job.mask & 1u);
    const unsigned char* bytes = job.raw.data();
    std::size_t size = job.raw.size();
    if (inflated) {
        std::size_t got = 0;
        bool ok = false;
        if (*l.codec == Codec::Deflate) {
            ok = libdeflate_zlib_decompress(d, job.raw.data(), job.raw.size(), scratch.data(), scratch.size(), &got)
                == LIBDEFLATE_SUCCESS;
        } else {
            got = lzf::decompress(job.raw.data(), job.raw.size(), scratch.data(), scratch.size());
            ok = got > 0;
        }
        if (!ok || got != scratch.size())
            return "does not decompress (file damaged)";
        bytes = scratch.data();
        size = got;
    }
    const std::size_t chunkFloats = scratch.size() / sizeof(float);
    if (size < chunkFloats * sizeof(float))
        return "is short";
    if (shuffled) {
        unshuffle(bytes, chunkFloats, dst, valid);
    } else {
        std::memcpy(dst, bytes, valid * sizeof(float));
    }
    return {};
}

/// A compressed chunk never needs much more room than its plain bytes; more is a damaged index.
std::uint64_t maxStoredBytes(std::size_t chunkFloats)
{
    return std::uint64_t(chunkFloats) * sizeof(float) + std::uint64_t(chunkFloats) * sizeof(float) / 8 + 4096;
}

/// Fills `job.raw` and `job.mask` with chunk `job.first`'s stored bytes, or leaves `raw` empty for
/// an unwritten chunk (read as 0, the fill value of our files). Returns "" or why it cannot.
using FetchChunk = std::function<std::string(Job& job)>;

/// Decodes the dataset's chunks into `out`: this thread fetches them one by one (HDF5 serialises
/// its calls anyway) while worker threads decompress and un-shuffle them in place. Memory stays at
/// the destination plus a few chunks in flight. Throws FormatError naming `file`.
void decodeChunks(const Layout& l, const FetchChunk& fetch, float* out, const std::string& file,
    const std::string& datasetPath, unsigned threads)
{
    const std::size_t slab = std::size_t(l.dims[1]) * std::size_t(l.dims[2]);
    const std::size_t chunkFloats = std::size_t(l.chunk0) * slab;
    if (threads == 0)
        threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));

    std::mutex m;
    std::condition_variable haveWork, haveRoom;
    std::deque<Job> queue;
    bool done = false;
    std::string error;
    std::atomic<bool> failed {false};
    const std::size_t maxInFlight = threads; // bounded: memory stays near the cube's own bytes

    auto worker = [&] {
        libdeflate_decompressor* d = libdeflate_alloc_decompressor();
        std::vector<unsigned char> scratch(chunkFloats * sizeof(float));
        for (;;) {
            Job job;
            {
                std::unique_lock lock(m);
                haveWork.wait(lock, [&] { return !queue.empty() || done; });
                if (queue.empty())
                    break;
                job = std::move(queue.front());
                queue.pop_front();
            }
            haveRoom.notify_one();
            if (failed)
                continue;
            std::string why = decodeChunk(l, job, d, scratch, out + std::size_t(job.first) * slab, job.slabs * slab);
            if (!why.empty()) {
                std::lock_guard lock(m);
                error = "chunk at slab " + std::to_string(job.first) + " of dataset '" + datasetPath + "' " + why;
                failed = true;
            }
        }
        libdeflate_free_decompressor(d);
    };

    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back(worker);

    for (hsize_t first = 0; first < l.dims[0] && !failed; first += l.chunk0) {
        Job job;
        job.first = first;
        job.slabs = std::size_t(std::min<hsize_t>(l.chunk0, l.dims[0] - first));
        std::string why;
        try {
            why = fetch(job);
        } catch (const std::exception& e) { // (bad_alloc): stop the workers before throwing
            why = std::string("cannot be read: ") + e.what();
        }
        if (!why.empty()) {
            std::lock_guard lock(m);
            error = "chunk at slab " + std::to_string(first) + " of dataset '" + datasetPath + "' " + why;
            failed = true;
            break;
        }
        if (job.raw.empty()) {
            std::fill_n(out + std::size_t(first) * slab, job.slabs * slab, 0.0f);
            continue;
        }
        std::unique_lock lock(m);
        haveRoom.wait(lock, [&] { return queue.size() < maxInFlight || failed; });
        queue.push_back(std::move(job));
        lock.unlock();
        haveWork.notify_one();
    }
    {
        std::lock_guard lock(m);
        done = true;
    }
    haveWork.notify_all();
    for (std::thread& t : pool)
        t.join();
    if (failed)
        throw FormatError(file, error);
}

} // namespace

bool readSlabChunkedFloats(
    hid_t dataset, float* out, const std::string& file, const std::string& datasetPath, unsigned threads)
{
    const std::optional<Layout> layout = fastLayout(dataset);
    if (!layout)
        return false;
    const std::uint64_t maxStored
        = maxStoredBytes(std::size_t(layout->chunk0) * std::size_t(layout->dims[1]) * std::size_t(layout->dims[2]));
    decodeChunks(
        *layout,
        [&](Job& job) -> std::string {
            const hsize_t offset[3] = {job.first, 0, 0};
            hsize_t bytes = 0;
            if (H5Dget_chunk_storage_size(dataset, offset, &bytes) < 0 || bytes == 0)
                return {}; // unwritten: the fill value
            if (bytes > maxStored)
                return "claims " + std::to_string(bytes) + " stored bytes, more than it can hold (file damaged)";
            job.raw.resize(std::size_t(bytes));
            if (H5Dread_chunk(dataset, H5P_DEFAULT, offset, &job.mask, job.raw.data()) < 0)
                return "cannot be read (file damaged or truncated)";
            return {};
        },
        out, file, datasetPath, threads);
    return true;
}

void readPackedChunks(
    const std::string& file, const PackedChunks& packed, float* out, const std::string& datasetPath, unsigned threads)
{
    Layout l;
    l.dims = {packed.dims[0], packed.dims[1], packed.dims[2]};
    l.chunk0 = packed.chunk0;
    l.shuffle = packed.shuffle;
    l.codec = packed.lzf ? Codec::Lzf : Codec::Deflate;
    const std::size_t slab = std::size_t(l.dims[1]) * std::size_t(l.dims[2]);
    if (l.chunk0 == 0 || l.chunk0 > l.dims[0] || packed.chunks.size() != (l.dims[0] + l.chunk0 - 1) / l.chunk0)
        throw FormatError(file, "dataset '" + datasetPath + "': its chunk list does not cover it");
    const std::uint64_t maxStored = maxStoredBytes(std::size_t(l.chunk0) * slab);
    const std::uint64_t fileBytes = regularFileSize(file);
    decodeChunks(
        l,
        [&](Job& job) -> std::string {
            const PackedChunks::Chunk& c = packed.chunks[std::size_t(job.first / l.chunk0)];
            if (c.bytes == 0 || c.bytes > maxStored || c.fileOffset > fileBytes || c.bytes > fileBytes - c.fileOffset)
                return "lies outside the file or claims an impossible size (file changed or damaged)";
            job.raw.resize(std::size_t(c.bytes));
            job.mask = c.mask;
            try {
                readExactly(file, c.fileOffset, job.raw.data(), job.raw.size());
            } catch (const Error&) {
                return "cannot be read (file changed, damaged or truncated)";
            }
            return {};
        },
        out, file, datasetPath, threads);
}

namespace {

/// Where HDF5's addresses start in the file: after the user block, if any. (H5Dget_offset adds it;
/// H5Dget_chunk_info_by_coord does not: chunk addresses are relative to it.) nullopt if unknown.
std::optional<std::uint64_t> baseAddress(hid_t dataset)
{
    Id file(H5Iget_file_id(dataset));
    Id fcpl(file.valid() ? H5Fget_create_plist(file.get()) : H5I_INVALID_HID);
    hsize_t userBlock = 0;
    if (!fcpl.valid() || H5Pget_userblock(fcpl.get(), &userBlock) < 0)
        return std::nullopt;
    return std::uint64_t(userBlock);
}

/// The pieces of unfiltered float32 chunks of whole slabs ({c0, n1, n2}), all written in full.
std::optional<std::vector<PlainPiece>> plainChunks(hid_t dataset, hid_t dcpl, hid_t space, std::uint64_t fileBytes)
{
    hsize_t d[3], chunk[3];
    if (H5Sget_simple_extent_ndims(space) != 3 || H5Pget_nfilters(dcpl) != 0 || H5Pget_chunk(dcpl, 3, chunk) != 3)
        return std::nullopt;
    H5Sget_simple_extent_dims(space, d, nullptr);
    if (chunk[0] == 0 || chunk[0] > d[0] || chunk[1] != d[1] || chunk[2] != d[2] || d[0] / chunk[0] > (1u << 20))
        return std::nullopt;
    const std::uint64_t slab = std::uint64_t(d[1]) * d[2] * sizeof(float), chunkBytes = slab * chunk[0];
    const std::optional<std::uint64_t> base = baseAddress(dataset);
    if (!base || *base > fileBytes)
        return std::nullopt;
    std::vector<PlainPiece> pieces;
    for (hsize_t first = 0; first < d[0]; first += chunk[0]) {
        const hsize_t offset[3] = {first, 0, 0};
        unsigned mask = 0;
        haddr_t addr = HADDR_UNDEF;
        hsize_t size = 0;
        if (H5Dget_chunk_info_by_coord(dataset, offset, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF
            || size != chunkBytes || addr > fileBytes - *base || chunkBytes > fileBytes - *base - addr)
            return std::nullopt; // unwritten (fill value) or damaged: HDF5's path says which
        pieces.push_back({*base + std::uint64_t(addr), first * slab, std::min<hsize_t>(chunk[0], d[0] - first) * slab});
    }
    return pieces;
}

} // namespace

std::optional<std::vector<PlainPiece>> plainPieces(hid_t dataset, const std::string& file)
{
    if constexpr (std::endian::native != std::endian::little)
        return std::nullopt;
    Id type(H5Dget_type(dataset));
    if (H5Tequal(type.get(), H5T_IEEE_F32LE) <= 0)
        return std::nullopt;
    Id dcpl(H5Dget_create_plist(dataset));
    Id space(H5Dget_space(dataset));
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    if (points <= 0 || std::uint64_t(points) > UINT64_MAX / sizeof(float))
        return std::nullopt;
    const std::uint64_t bytes = std::uint64_t(points) * sizeof(float);
    const std::uint64_t fileBytes = regularFileSize(file);
    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_CHUNKED)
        return plainChunks(dataset, dcpl.get(), space.get(), fileBytes);
    const haddr_t offset = H5Dget_offset(dataset); // includes a user block's size
    if (layout != H5D_CONTIGUOUS || H5Pget_external_count(dcpl.get()) != 0 || H5Dget_storage_size(dataset) != bytes
        || offset == HADDR_UNDEF || std::uint64_t(offset) > fileBytes || bytes > fileBytes - offset)
        return std::nullopt; // H5Dread says what is wrong
    return std::vector<PlainPiece> {{std::uint64_t(offset), 0, bytes}};
}

std::optional<PackedChunks> packedChunks(hid_t dataset, const std::string& file)
{
    if constexpr (std::endian::native != std::endian::little)
        return std::nullopt;
    const std::optional<Layout> l = fastLayout(dataset);
    const std::optional<std::uint64_t> base = l ? baseAddress(dataset) : std::nullopt;
    if (!l || !base || l->dims[0] / l->chunk0 > (1u << 20))
        return std::nullopt;
    const std::uint64_t fileBytes = regularFileSize(file);
    const std::uint64_t maxStored = maxStoredBytes(std::size_t(l->chunk0) * std::size_t(l->dims[1] * l->dims[2]));
    PackedChunks p;
    p.dims = {l->dims[0], l->dims[1], l->dims[2]};
    p.chunk0 = l->chunk0;
    p.shuffle = l->shuffle;
    p.lzf = *l->codec == Codec::Lzf;
    for (hsize_t first = 0; first < l->dims[0]; first += l->chunk0) {
        const hsize_t offset[3] = {first, 0, 0};
        unsigned mask = 0;
        haddr_t addr = HADDR_UNDEF;
        hsize_t size = 0;
        if (H5Dget_chunk_info_by_coord(dataset, offset, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF || size == 0
            || size > maxStored || *base > fileBytes || addr > fileBytes - *base || size > fileBytes - *base - addr)
            return std::nullopt; // unwritten (fill value) or damaged: HDF5's path says which
        p.chunks.push_back({*base + std::uint64_t(addr), std::uint64_t(size), mask});
    }
    return p;
}

void readPlainPieces(const std::string& file, const std::vector<PlainPiece>& pieces, void* out)
{
    for (const PlainPiece& p : pieces)
        readExactly(file, p.fileOffset, static_cast<char*>(out) + p.cubeOffset, std::size_t(p.bytes));
}

bool readPlainFloats(hid_t dataset, float* out, const std::string& file)
{
    const std::optional<std::vector<PlainPiece>> pieces = plainPieces(dataset, file);
    if (!pieces)
        return false;
    readPlainPieces(file, *pieces, out);
    return true;
}

} // namespace rs::h5

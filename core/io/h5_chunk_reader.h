#pragma once
/// \file h5_chunk_reader.h
/// Fast paths for whole float32 cubes. Uncompressed little-endian data: plain reads of its bytes.
/// Chunked data: fast path for reading chunked, deflate- or LZF-compressed (optionally shuffled) float32 datasets: the
/// raw chunks are fetched one by one (HDF5 is serialised internally) while worker threads inflate and un-shuffle them
/// straight into the destination buffer. Memory stays at the destination plus a few chunks in flight.

#include "io/hdf5_util.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rs::h5 {

/// Reads the whole float32 dataset into `out` (C order) if its layout allows the fast path:
/// chunks spanning whole slabs of axis 0 ({c0, n1, n2}), float32 little-endian, filters limited
/// to shuffle and deflate. Returns false (having read nothing) when the layout does not qualify,
/// so the caller can fall back to H5Dread. Throws FormatError for damaged chunks.
bool readSlabChunkedFloats(
    hid_t dataset, float* out, const std::string& file, const std::string& datasetPath, unsigned threads = 0);

/// A run of a dataset's voxel bytes stored as they are in the file: the `bytes` at `fileOffset`
/// are the cube's bytes from `cubeOffset` (C order).
struct PlainPiece {
    std::uint64_t fileOffset = 0, cubeOffset = 0, bytes = 0;
    bool operator==(const PlainPiece&) const = default;
};

/// Where the dataset's voxels lie in `file` if they can be read as plain bytes: float32
/// little-endian on a little-endian machine, allocated in full inside the file, and stored
/// contiguously (no external files; one piece) or in unfiltered chunks of whole slabs of axis 0
/// (one piece per chunk, edge chunks included). nullopt otherwise (big-endian, integer or double
/// data, compression, compact storage, other chunk shapes, unwritten chunks or datasets). Throws
/// IoError when `file` cannot be examined.
std::optional<std::vector<PlainPiece>> plainPieces(hid_t dataset, const std::string& file);

/// Reads `pieces` of `file` into `out`. Throws IoError when the file cannot be read and
/// FormatError when it ends before a piece does.
void readPlainPieces(const std::string& file, const std::vector<PlainPiece>& pieces, void* out);

/// Where a dataset's compressed chunks lie when readSlabChunkedFloats' layout applies (float32
/// little-endian in chunks of whole slabs of axis 0; shuffle, then deflate or LZF), every chunk
/// written: readPackedChunks then decodes them without HDF5.
struct PackedChunks {
    struct Chunk {
        std::uint64_t fileOffset = 0, bytes = 0; ///< the stored (compressed) bytes
        unsigned mask = 0; ///< HDF5's filter mask: bit i set = filter i was skipped for this chunk
        bool operator==(const Chunk&) const = default;
    };
    std::array<std::uint64_t, 3> dims {0, 0, 0};
    std::uint64_t chunk0 = 0; ///< slabs of axis 0 per chunk
    bool shuffle = false, lzf = false; ///< lzf false: deflate
    std::vector<Chunk> chunks; ///< one per chunk along axis 0, in order
    bool operator==(const PackedChunks&) const = default;
};

/// The dataset's chunks if readPackedChunks can read them (each inside `file` and no larger than
/// its chunk could need); nullopt otherwise. Throws IoError when `file` cannot be examined.
std::optional<PackedChunks> packedChunks(hid_t dataset, const std::string& file);

/// Reads and decodes `packed` from `file` into `out` (dims[0] x dims[1] x dims[2] floats) with
/// plain reads, no HDF5. Throws FormatError naming `file` and the dataset for a chunk that is
/// out of bounds, cannot be read or does not decompress to its size.
void readPackedChunks(const std::string& file, const PackedChunks& packed, float* out, const std::string& datasetPath,
    unsigned threads = 0);

/// Reads the whole dataset into `out` with plain reads of the file's bytes, without H5Dread, where
/// plainPieces finds them. Returns false (having read nothing) otherwise. Throws as
/// readPlainPieces.
bool readPlainFloats(hid_t dataset, float* out, const std::string& file);

} // namespace rs::h5

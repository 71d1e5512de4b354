#pragma once
/// \file h5_chunk_reader.h
/// Fast paths for whole float32 cubes. Contiguous little-endian data: plain reads of its bytes.
/// Chunked data: fast path for reading chunked, deflate- or LZF-compressed (optionally shuffled) float32 datasets: the
/// raw chunks are fetched one by one (HDF5 is serialised internally) while worker threads inflate and un-shuffle them
/// straight into the destination buffer. Memory stays at the destination plus a few chunks in flight.

#include "io/hdf5_util.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rs::h5 {

/// Reads the whole float32 dataset into `out` (C order) if its layout allows the fast path:
/// chunks spanning whole slabs of axis 0 ({c0, n1, n2}), float32 little-endian, filters limited
/// to shuffle and deflate. Returns false (having read nothing) when the layout does not qualify,
/// so the caller can fall back to H5Dread. Throws FormatError for damaged chunks.
bool readSlabChunkedFloats(
    hid_t dataset, float* out, const std::string& file, const std::string& datasetPath, unsigned threads = 0);

/// Where the dataset's voxels start in `file` if they can be read as plain bytes: stored
/// contiguously (no external files), allocated in full, as float32 little-endian on a
/// little-endian machine, and lying inside the file. nullopt otherwise (big-endian, integer or
/// double data, chunked or compact storage, unallocated datasets). Throws IoError when `file`
/// cannot be examined.
std::optional<std::uint64_t> plainFloatsAt(hid_t dataset, const std::string& file);

/// Reads the whole dataset into `out` with plain reads of the file's bytes, without H5Dread, where
/// plainFloatsAt finds them. Returns false (having read nothing) otherwise. Throws IoError when
/// the file cannot be read and FormatError when it is shorter than it was a moment before.
bool readContiguousFloats(hid_t dataset, float* out, const std::string& file);

} // namespace rs::h5

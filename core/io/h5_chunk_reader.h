#pragma once
/// \file h5_chunk_reader.h
/// Fast path for reading chunked, deflate- or LZF-compressed (optionally shuffled) float32 datasets: the raw chunks
/// are fetched one by one (HDF5 is serialised internally) while worker threads inflate and
/// un-shuffle them straight into the destination buffer. Memory stays at the destination plus a
/// few chunks in flight.

#include "io/hdf5_util.h"

#include <string>

namespace rs::h5 {

/// Reads the whole float32 dataset into `out` (C order) if its layout allows the fast path:
/// chunks spanning whole slabs of axis 0 ({c0, n1, n2}), float32 little-endian, filters limited
/// to shuffle and deflate. Returns false (having read nothing) when the layout does not qualify,
/// so the caller can fall back to H5Dread. Throws FormatError for damaged chunks.
bool readSlabChunkedFloats(
    hid_t dataset, float* out, const std::string& file, const std::string& datasetPath, unsigned threads = 0);

} // namespace rs::h5

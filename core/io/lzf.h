#pragma once
/// \file lzf.h
/// The LZF byte format (as read by liblzf's decoder and h5py's built-in "lzf" HDF5 filter,
/// filter id 32000): a sequence of literal runs (control byte 0..31, then 1..32 bytes) and back
/// references (control byte with a 3-bit length and 5 high offset bits, an optional extra length
/// byte, then the low offset byte; copies 3..264 bytes from up to 8192 bytes back).
/// The codec is Debian's liblzf (the reference implementation h5py embeds); this file adds the
/// HDF5 filter registration that lets ReionScope write and read LZF-compressed datasets that h5py
/// opens without plugins.

#include <cstddef>
#include <cstdint>

namespace rs::lzf {

/// Compresses `n` bytes into `out` (capacity `cap`). Returns the compressed size, or 0 when the
/// result would not fit (the caller then stores the data uncompressed).
std::size_t compress(const std::uint8_t* in, std::size_t n, std::uint8_t* out, std::size_t cap);

/// Decompresses into `out` (capacity `cap`). Returns the decompressed size, or 0 for damaged
/// input or an output that does not fit.
std::size_t decompress(const std::uint8_t* in, std::size_t n, std::uint8_t* out, std::size_t cap);

/// HDF5 filter id registered for LZF (shared with h5py and PyTables' registry).
inline constexpr int kHdf5FilterId = 32000;

/// Registers the LZF filter with the HDF5 library (once; thread-safe). Called by h5::openFile
/// and h5::createFile.
void registerHdf5Filter();

} // namespace rs::lzf

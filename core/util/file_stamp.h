#pragma once
/// \file file_stamp.h
/// Telling whether a file changed since it was last read, for watchers that poll.

#include <cstdint>
#include <string>

namespace rs {

/// A value that changes whenever the file at `path` is replaced or written: its modification time
/// (ns), inode and size mixed; 0 when there is no such file. Files written through
/// writeAtomically get a new inode on every write, so two writes within one tick of the
/// filesystem's clock (a few ms: modification times are coarse) still give two stamps. Never throws.
std::uint64_t fileChangeStamp(const std::string& path);

} // namespace rs

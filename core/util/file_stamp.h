#pragma once
/// \file file_stamp.h
/// Telling whether a file changed since it was last read, for watchers that poll.

#include <cstdint>
#include <string>

namespace rs {

/// A value that changes whenever the file at `path` is replaced or written: its modification time
/// (ns), inode and size mixed, and for files up to 1 MiB a hash of the contents; 0 when there is
/// no such file. Modification times are coarse (a few ms), so two writes within one tick differ by
/// inode (writeAtomically makes a new one each time) or, as inodes are reused, by contents.
/// Never throws.
std::uint64_t fileChangeStamp(const std::string& path);

} // namespace rs

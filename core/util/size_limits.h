#pragma once
/// \file size_limits.h
/// Overflow-safe size arithmetic and the memory budget every reader checks before it allocates:
/// a file that declares more voxels than the machine can hold is refused with the numbers,
/// naming the file, instead of ending in std::bad_alloc or a wrapped-around size.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace rs {

/// a·b, or nullopt when the product does not fit in 64 bits.
std::optional<std::uint64_t> checkedMul(std::uint64_t a, std::uint64_t b);

/// The product of `factors`, or nullopt on overflow.
std::optional<std::uint64_t> checkedProduct(std::initializer_list<std::uint64_t> factors);

/// Bytes one reader may allocate for a cube. In order: the value given to setMemoryBudgetBytes
/// (when not 0), the environment variable REIONSCOPE_MEMORY_BUDGET (bytes, or a number with K, M,
/// G or T), else the smaller of physical memory and the address-space limit (RLIMIT_AS).
std::uint64_t memoryBudgetBytes();

/// Overrides the budget for this process (0 restores the automatic one). Thread-safe.
void setMemoryBudgetBytes(std::uint64_t bytes);

/// Parses "4G", "512M", "1000000" (K/M/G/T are powers of 1024). nullopt when malformed or 0.
std::optional<std::uint64_t> parseByteSize(const std::string& text);

/// "1.5 GiB", "300 MiB", "12 KiB", "17 B".
std::string formatBytes(std::uint64_t bytes);

/// The bytes of an array of `dims` elements of `elementBytes` each, checked: throws FormatError
/// naming `path` when the product overflows ("declares an impossible size") or exceeds the
/// memory budget (states both figures). `what` describes the array ("dataset 'cubes/x'").
std::uint64_t checkedArrayBytes(const std::string& path, const std::string& what,
    std::initializer_list<std::uint64_t> dims, std::uint64_t elementBytes);

/// Throws FormatError naming `path` when `bytes` exceed the memory budget.
void checkMemoryBudget(const std::string& path, const std::string& what, std::uint64_t bytes);

} // namespace rs

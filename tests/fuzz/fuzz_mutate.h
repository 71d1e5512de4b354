#pragma once
// Deterministic mutations for the fuzz driver: a fixed xorshift generator, so a failure found
// with --seed S at input I is found again by the same command.

#include <cstdint>
#include <string>

namespace rs::fuzz {

class Rng {
public:
    explicit Rng(std::uint64_t seed)
        : m_s(seed * 0x9E3779B97F4A7C15ULL + 1)
    { }
    std::uint64_t next()
    {
        m_s ^= m_s << 13;
        m_s ^= m_s >> 7;
        m_s ^= m_s << 17;
        return m_s;
    }
    /// Uniform in [0, n) (n > 0).
    std::size_t below(std::size_t n) { return std::size_t(next() % n); }

private:
    std::uint64_t m_s;
};

/// Applies 1-4 random edits to `data`: bit flips, bytes set to boundary values, 2/4/8-byte
/// integers overwritten with boundary values (0, -1, 2^31, 2^32, 2^63 ...), digit runs replaced
/// by huge numbers, truncation, insertion, duplication and removal of a block.
void mutate(std::string& data, Rng& rng);

} // namespace rs::fuzz

#include "fuzz_mutate.h"

#include <cctype>
#include <cstring>

namespace rs::fuzz {

namespace {

constexpr std::uint64_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    1ULL << 32, 1ULL << 40, 1ULL << 62, 1ULL << 63, ~0ULL};
constexpr const char* kNumbers[]
    = {"0", "-1", "18014398509482000", "1e308", "nan", "4294967296", "99999999999999999999", "-5"};

void overwriteInt(std::string& d, Rng& rng)
{
    const std::size_t width = std::size_t(1) << (1 + rng.below(3)); // 2, 4 or 8 bytes
    if (d.size() < width)
        return;
    const std::uint64_t v = kInteresting[rng.below(std::size(kInteresting))];
    std::memcpy(d.data() + rng.below(d.size() - width + 1), &v, width);
}

void replaceDigits(std::string& d, Rng& rng)
{
    // Find a digit run starting at a random place; replace it by an extreme number.
    const std::size_t start = rng.below(d.size());
    std::size_t i = start;
    while (i < d.size() && !std::isdigit(static_cast<unsigned char>(d[i])))
        ++i;
    if (i == d.size())
        return;
    std::size_t j = i;
    while (j < d.size() && (std::isdigit(static_cast<unsigned char>(d[j])) || d[j] == '.'))
        ++j;
    d.replace(i, j - i, kNumbers[rng.below(std::size(kNumbers))]);
}

} // namespace

void mutate(std::string& d, Rng& rng)
{
    const std::size_t edits = 1 + rng.below(4);
    for (std::size_t e = 0; e < edits; ++e) {
        if (d.empty()) {
            d.push_back(char(rng.next()));
            continue;
        }
        switch (rng.below(9)) {
        case 0:
            d[rng.below(d.size())] ^= char(1u << rng.below(8));
            break;
        case 1:
            d[rng.below(d.size())] = char(kInteresting[rng.below(5)]);
            break;
        case 2:
            overwriteInt(d, rng);
            break;
        case 3:
            replaceDigits(d, rng);
            break;
        case 4:
            d.resize(rng.below(d.size()));
            break;
        case 5: {
            std::string junk(1 + rng.below(16), '\0');
            for (char& c : junk)
                c = char(rng.next());
            d.insert(rng.below(d.size() + 1), junk);
            break;
        }
        case 6: { // duplicate a block
            const std::size_t at = rng.below(d.size()), n = 1 + rng.below(std::min<std::size_t>(64, d.size() - at));
            d.insert(rng.below(d.size() + 1), d.substr(at, n));
            break;
        }
        case 7: { // remove a block
            const std::size_t at = rng.below(d.size()), n = 1 + rng.below(std::min<std::size_t>(64, d.size() - at));
            d.erase(at, n);
            break;
        }
        default:
            d[rng.below(d.size())] = char(rng.next());
            break;
        }
    }
}

} // namespace rs::fuzz

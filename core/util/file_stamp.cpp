#include "util/file_stamp.h"

#include <fstream>
#include <sys/stat.h>

namespace rs {

namespace {
constexpr off_t kHashedBytes = 1024 * 1024; ///< configs, metrics, notes; not weights or datasets
} // namespace

std::uint64_t fileChangeStamp(const std::string& path)
{
    struct stat st { };
    if (::stat(path.c_str(), &st) != 0)
        return 0;
    // A 64-bit mix (splitmix64's finaliser) of the three: equal stamps for two versions of a file
    // would need them to collide, not merely share a clock tick.
    auto mix = [](std::uint64_t h, std::uint64_t v) {
        h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebULL;
        return h ^ (h >> 31);
    };
    std::uint64_t h = mix(0, std::uint64_t(st.st_mtim.tv_sec) * 1000000000ULL + std::uint64_t(st.st_mtim.tv_nsec));
    h = mix(h, std::uint64_t(st.st_ino));
    h = mix(h, std::uint64_t(st.st_size));
    // Small files (configs, metrics, notes) are hashed too: a freed inode is often handed out
    // again at once, so three rewrites of one size within a tick could give the first one's stamp
    // back. A generator's config.json is ~110 KB: read in blocks, ~0.1 ms (byte by byte it was
    // 6 ns a byte, on every draw of the Generator view).
    if (st.st_size <= kHashedBytes) {
        std::ifstream in(path, std::ios::binary);
        std::uint64_t fnv = 0xcbf29ce484222325ULL; // FNV-1a
        char block[16384];
        while (in) {
            in.read(block, sizeof block);
            for (std::streamsize i = 0; i < in.gcount(); ++i)
                fnv = (fnv ^ std::uint8_t(block[i])) * 0x100000001b3ULL;
        }
        h = mix(h, fnv);
    }
    return h == 0 ? 1 : h;
}

} // namespace rs

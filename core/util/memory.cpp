#include "util/memory.h"

#include <cstdio>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rs {

namespace {

std::uint64_t statusField(const char* field)
{
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    std::uint64_t kb = 0;
    const std::size_t len = std::strlen(field);
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, field, len) == 0 && line[len] == ':') {
            std::sscanf(line + len + 1, "%lu", &kb);
            break;
        }
    }
    std::fclose(f);
    return kb * 1024;
}

} // namespace

std::uint64_t currentRssBytes()
{
    return statusField("VmRSS");
}
std::uint64_t peakRssBytes()
{
    return statusField("VmHWM");
}

bool resetPeakRss()
{
    std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    const bool ok = std::fputs("5", f) >= 0;
    return std::fclose(f) == 0 && ok;
}

void returnLargeBlocksToSystem()
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 65536); // glibc's default: undoes configureAllocatorForTraining() (no mmap)
    mallopt(M_TRIM_THRESHOLD, 128 * 1024); // glibc's default: freed heap tops go back too
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

} // namespace rs

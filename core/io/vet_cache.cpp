#include "io/vet_cache.h"

#include "util/file_util.h"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace rs::h5::detail {

namespace {

constexpr std::size_t kBlock = 64 * 1024;
constexpr std::size_t kMaxFileBytes = 2 << 20; ///< a cache file larger than this is not read

/// FNV-1a over 8-byte words (then the last bytes one by one): a byte-wise pass over 128 KiB cost
/// about 0.2 ms of each first open, as much as a third of the helper's own check.
void fnv1a(std::uint64_t& h, const unsigned char* p, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        h ^= w;
        h *= 1099511628211ULL;
    }
    for (; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
}

/// "v2 1.10.8 ": verdicts of another libhdf5 (or another format of this file: v1 hashed byte by
/// byte) are not ours.
const std::string& linePrefix()
{
    static const std::string prefix = [] {
        unsigned maj = 0, min = 0, rel = 0;
        H5get_libversion(&maj, &min, &rel);
        return "v2 " + std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel) + " ";
    }();
    return prefix;
}

std::string lineOf(const FileFingerprint& f)
{
    char head[80];
    std::snprintf(head, sizeof head, "%016llx %llu %lld ", (unsigned long long)f.hash, (unsigned long long)f.size,
        (long long)f.mtimeNs);
    return linePrefix() + head + f.path;
}

struct State {
    std::mutex mutex;
    bool configured = false;
    std::string file;
    bool loaded = false;
    struct timespec loadedMtime { };
    off_t loadedSize = -1;
    std::unordered_set<std::string> lines; ///< lineOf() of every entry
    std::size_t fileLines = 0; ///< lines in the file when last read or appended to
};

State& state()
{
    static State s;
    return s;
}

void configure(State& s)
{
    if (!s.configured) {
        s.file = defaultVetCacheFile();
        s.configured = true;
    }
}

/// (Re)reads the cache file when it changed since we last read it. Caller holds the mutex.
void reload(State& s)
{
    struct stat st { };
    if (s.file.empty() || ::stat(s.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        s.lines.clear();
        s.fileLines = 0;
        s.loaded = true;
        s.loadedSize = 0;
        s.loadedMtime = {};
        return;
    }
    if (s.loaded && st.st_size == s.loadedSize && st.st_mtim.tv_sec == s.loadedMtime.tv_sec
        && st.st_mtim.tv_nsec == s.loadedMtime.tv_nsec)
        return;
    s.lines.clear();
    s.fileLines = 0;
    s.loaded = true;
    s.loadedSize = st.st_size;
    s.loadedMtime = st.st_mtim;
    if (std::uint64_t(st.st_size) > kMaxFileBytes)
        return; // not ours to trust or to spend time on; the next compaction replaces it
    std::string text;
    try {
        text = readHead(s.file, kMaxFileBytes);
    } catch (...) {
        return;
    }
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        ++s.fileLines;
        if (line.rfind(linePrefix(), 0) == 0)
            s.lines.insert(line);
    }
}

/// Keeps the newest half of the entries (the file's order is the order they were added).
void compact(State& s)
{
    std::string text;
    try {
        text = readHead(s.file, kMaxFileBytes);
    } catch (...) {
        return;
    }
    std::deque<std::string> keep;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(linePrefix(), 0) == 0) {
            keep.push_back(line);
            if (keep.size() > PersistentVetCache::kMaxEntries / 2)
                keep.pop_front();
        }
    std::string out;
    for (const std::string& l : keep)
        out += l + "\n";
    try {
        writeFileAtomically(s.file, out.data(), out.size());
    } catch (...) {
        return;
    }
    s.loaded = false;
}

} // namespace

std::optional<FileFingerprint> fingerprintOf(const std::string& absolutePath)
{
    if (absolutePath.find('\n') != std::string::npos)
        return std::nullopt;
    const int fd = ::open(absolutePath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct stat st { };
    FileFingerprint f;
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok) {
        f.path = absolutePath;
        f.size = std::uint64_t(st.st_size);
        f.mtimeNs = std::int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        f.hash = 14695981039346656037ULL;
        std::string buf(kBlock, '\0');
        const std::uint64_t tail = f.size > 2 * kBlock ? f.size - kBlock : std::min<std::uint64_t>(f.size, kBlock);
        for (const std::uint64_t offset : {std::uint64_t(0), tail}) {
            const ssize_t got = ::pread(fd, buf.data(), kBlock, off_t(offset));
            if (got < 0) {
                ok = false;
                break;
            }
            fnv1a(f.hash, reinterpret_cast<const unsigned char*>(buf.data()), std::size_t(got));
        }
    }
    ::close(fd);
    return ok ? std::optional<FileFingerprint>(f) : std::nullopt;
}

std::string defaultVetCacheFile()
{
    if (const char* env = std::getenv("REIONSCOPE_VET_CACHE"))
        return env;
    std::string base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home == '/')
        base = std::string(home) + "/.cache";
    return base.empty() ? std::string() : base + "/reionscope/hdf5-vetted.txt";
}

void PersistentVetCache::setFile(const std::string& file)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.file = file;
    s.configured = true;
    s.loaded = false;
    s.lines.clear();
}

std::string PersistentVetCache::file()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    configure(s);
    return s.file;
}

bool PersistentVetCache::contains(const FileFingerprint& f)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    configure(s);
    if (s.file.empty())
        return false;
    reload(s);
    return s.lines.count(lineOf(f)) > 0;
}

void PersistentVetCache::add(const FileFingerprint& f)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    configure(s);
    if (s.file.empty())
        return;
    const std::string line = lineOf(f);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(s.file).parent_path(), ec);
    // One write of one line with O_APPEND: concurrent writers interleave whole lines.
    const int fd = ::open(s.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    const std::string text = line + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
    struct stat st { };
    // What we appended is known: the next lookup need not read the file again for it.
    if (written && s.loaded && ::fstat(fd, &st) == 0 && st.st_size == s.loadedSize + off_t(text.size())) {
        s.loadedSize = st.st_size;
        s.loadedMtime = st.st_mtim;
    }
    ::close(fd);
    if (!written)
        return;
    s.lines.insert(line);
    if (++s.fileLines > kMaxEntries)
        compact(s);
}

void PersistentVetCache::forget()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.loaded = false;
    s.lines.clear();
}

} // namespace rs::h5::detail

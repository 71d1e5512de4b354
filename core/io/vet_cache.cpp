#include "io/vet_cache.h"

#include "io/lzf.h"

#include <hdf5.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace rs::h5::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBlock = 64 * 1024;
constexpr const char* kMagic = "reionscope-vetted 3 ";
constexpr const char* kRecordSuffix = ".rec";

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

std::uint64_t fnv1a(const std::string& bytes)
{
    std::uint64_t h = 14695981039346656037ULL;
    fnv1a(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return h;
}

/// "1.10.8": records of another libhdf5 are not ours.
const std::string& libraryVersion()
{
    static const std::string version = [] {
        unsigned maj = 0, min = 0, rel = 0;
        H5get_libversion(&maj, &min, &rel);
        return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
    }();
    return version;
}

/// The second line of a record: what must match besides the path.
std::string keyLine(const FileFingerprint& f, std::size_t listingBytes, std::size_t storedBytes)
{
    char line[160];
    std::snprintf(line, sizeof line, "%s %016" PRIx64 " %" PRIu64 " %" PRId64 " %zu %zu\n", libraryVersion().c_str(),
        f.hash, f.size, f.mtimeNs, listingBytes, storedBytes);
    return line;
}

/// The whole of `path` when it is a regular file of at most `limit` bytes; nullopt otherwise.
std::optional<std::string> readSmallFile(const std::string& path, std::size_t limit)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct stat st { };
    std::optional<std::string> out;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && std::uint64_t(st.st_size) <= limit) {
        std::string bytes(std::size_t(st.st_size), '\0');
        std::size_t got = 0;
        while (got < bytes.size()) {
            const ssize_t n = ::pread(fd, bytes.data() + got, bytes.size() - got, off_t(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += std::size_t(n);
        }
        if (got == bytes.size())
            out = std::move(bytes);
    }
    ::close(fd);
    return out;
}

/// The listing a record holds for `f`; nullopt for anything but an intact record of `f`.
std::optional<std::string> listingIn(const std::string& record, const FileFingerprint& f)
{
    const std::size_t magic = std::strlen(kMagic);
    const std::size_t first = record.find('\n');
    if (first != magic + 16 || record.compare(0, magic, kMagic) != 0)
        return std::nullopt;
    char check[17];
    std::snprintf(check, sizeof check, "%016" PRIx64, fnv1a(record.substr(first + 1)));
    if (record.compare(magic, 16, check) != 0)
        return std::nullopt;
    const std::size_t second = record.find('\n', first + 1), third = record.find('\n', second + 1);
    if (second == std::string::npos || third == std::string::npos)
        return std::nullopt;
    if (record.compare(second + 1, third - second - 1, f.path) != 0 || third - second - 1 != f.path.size())
        return std::nullopt;
    const std::size_t stored = record.size() - third - 1;
    // The listing size as the record states it: the key line must then be exactly ours.
    unsigned long long listingBytes = 0;
    const std::string key = record.substr(first + 1, second - first);
    const std::size_t lastSpace = key.rfind(' '), sizeSpace = key.rfind(' ', lastSpace - 1);
    if (lastSpace == std::string::npos || sizeSpace == std::string::npos
        || std::sscanf(key.c_str() + sizeSpace + 1, "%llu", &listingBytes) != 1 || listingBytes == 0
        || listingBytes > PersistentVetCache::kMaxListingBytes || stored > listingBytes)
        return std::nullopt;
    if (key != keyLine(f, std::size_t(listingBytes), stored))
        return std::nullopt;
    if (stored == listingBytes)
        return record.substr(third + 1);
    std::string listing(std::size_t(listingBytes), '\0');
    const std::size_t got = lzf::decompress(reinterpret_cast<const std::uint8_t*>(record.data() + third + 1), stored,
        reinterpret_cast<std::uint8_t*>(listing.data()), listing.size());
    if (got != listing.size())
        return std::nullopt;
    return listing;
}

struct State {
    std::mutex mutex;
    bool configured = false;
    std::string folder;
    std::uint64_t added = 0; ///< records this process wrote (prune at the first and every 64th)
};

State& state()
{
    static State s;
    return s;
}

/// The folder, configured from the environment on first use. Caller holds the mutex.
const std::string& folderOf(State& s)
{
    if (!s.configured) {
        s.folder = defaultVetCacheFolder();
        s.configured = true;
        // The verdict-only cache file of earlier versions, beside the default folder: it is
        // never read again.
        if (!std::getenv("REIONSCOPE_VET_CACHE") && !s.folder.empty())
            ::unlink((fs::path(s.folder).parent_path() / "hdf5-vetted.txt").c_str());
    }
    return s.folder;
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

std::string defaultVetCacheFolder()
{
    if (const char* env = std::getenv("REIONSCOPE_VET_CACHE"))
        return env;
    std::string base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home == '/')
        base = std::string(home) + "/.cache";
    return base.empty() ? std::string() : base + "/reionscope/hdf5-vetted";
}

std::string recordOf(const FileFingerprint& f, const std::string& listing)
{
    std::string stored(listing.size(), '\0');
    std::size_t n = listing.size() > 1 ? lzf::compress(reinterpret_cast<const std::uint8_t*>(listing.data()),
                        listing.size(), reinterpret_cast<std::uint8_t*>(stored.data()), listing.size() - 1)
                                       : 0;
    if (n == 0)
        stored = listing; // incompressible: kept as it is (stored bytes == listing bytes)
    else
        stored.resize(n);
    const std::string body = keyLine(f, listing.size(), stored.size()) + f.path + "\n" + stored;
    char head[64];
    std::snprintf(head, sizeof head, "%s%016" PRIx64 "\n", kMagic, fnv1a(body));
    return head + body;
}

std::string recordNameOf(const FileFingerprint& f)
{
    char name[32];
    std::snprintf(name, sizeof name, "%016" PRIx64 "%s", fnv1a(f.path), kRecordSuffix);
    return name;
}

void PersistentVetCache::setFolder(const std::string& folder)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.folder = folder;
    s.configured = true;
}

std::string PersistentVetCache::folder()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    return folderOf(s);
}

std::optional<std::string> PersistentVetCache::find(const FileFingerprint& f)
{
    const std::string dir = folder();
    if (dir.empty())
        return std::nullopt;
    const std::optional<std::string> record
        = readSmallFile(dir + "/" + recordNameOf(f), kMaxListingBytes + f.path.size() + 256);
    return record ? listingIn(*record, f) : std::nullopt;
}

void PersistentVetCache::add(const FileFingerprint& f, const std::string& listing)
{
    const std::string dir = folder();
    if (dir.empty() || listing.empty() || listing.size() > kMaxListingBytes)
        return;
    std::error_code ec;
    fs::create_directories(dir, ec);
    static std::atomic<unsigned> serial {0};
    const std::string final = dir + "/" + recordNameOf(f);
    const std::string temp = final + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(serial.fetch_add(1));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    const std::string record = recordOf(f, listing);
    bool ok = true;
    for (std::size_t done = 0; ok && done < record.size();) {
        const ssize_t n = ::write(fd, record.data() + done, record.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        done += ok ? std::size_t(n) : 0;
    }
    // No fsync: a record cut short by a crash fails its check and is only a helper run.
    ok = ::close(fd) == 0 && ok && ::rename(temp.c_str(), final.c_str()) == 0;
    if (!ok)
        ::unlink(temp.c_str());
    State& s = state();
    bool pruneNow = false;
    {
        std::lock_guard lock(s.mutex);
        pruneNow = s.added++ % 64 == 0;
    }
    if (pruneNow)
        prune();
}

void PersistentVetCache::prune(std::size_t maxEntries, std::uint64_t maxBytes)
{
    const std::string dir = folder();
    if (dir.empty())
        return;
    struct Record {
        fs::path path;
        fs::file_time_type time;
        std::uint64_t bytes;
    };
    std::vector<Record> records;
    std::uint64_t total = 0;
    const auto staleBefore = fs::file_time_type::clock::now() - std::chrono::minutes(1);
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code e;
        const std::string name = it->path().filename().string();
        const fs::file_time_type time = it->last_write_time(e);
        const std::uint64_t bytes = it->is_regular_file(e) ? it->file_size(e) : 0;
        if (e)
            continue;
        if (name.find(".tmp-") != std::string::npos) {
            if (time < staleBefore)
                fs::remove(it->path(), e);
        } else if (name.size() > 4 && name.compare(name.size() - 4, 4, kRecordSuffix) == 0) {
            records.push_back({it->path(), time, bytes});
            total += bytes;
        }
    }
    if (records.size() <= maxEntries && total <= maxBytes)
        return;
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) { return a.time < b.time; });
    std::size_t count = records.size();
    for (const Record& r : records) {
        if (count <= maxEntries * 3 / 4 && total <= maxBytes / 4 * 3)
            break;
        std::error_code e;
        if (fs::remove(r.path, e)) {
            --count;
            total -= r.bytes;
        }
    }
}

} // namespace rs::h5::detail

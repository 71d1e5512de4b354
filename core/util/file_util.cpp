#include "util/file_util.h"

#include "util/error.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace rs {

namespace {

std::string errnoText()
{
    return std::strerror(errno);
}

struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

std::uint64_t regularFileSize(const std::string& path)
{
    struct stat st { };
    if (::stat(path.c_str(), &st) != 0)
        throw IoError(path, errno == ENOENT ? "no such file or folder" : errnoText());
    if (S_ISDIR(st.st_mode))
        throw IoError(path, "is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        throw IoError(path, "is not a regular file");
    return std::uint64_t(st.st_size);
}

void readExactly(const std::string& path, std::uint64_t offset, void* out, std::size_t bytes)
{
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0)
        throw IoError(path, "cannot open: " + errnoText());
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(f.fd, off_t(offset), off_t(bytes), POSIX_FADV_SEQUENTIAL);
#endif
    auto* dst = static_cast<char*>(out);
    std::size_t done = 0;
    while (done < bytes) {
        // Large pread()s straight into the destination: no intermediate buffer, no extra copy.
        const std::size_t chunk = std::min<std::size_t>(bytes - done, std::size_t(1) << 30);
        const ssize_t got = ::pread(f.fd, dst + done, chunk, off_t(offset + done));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            throw IoError(path, "read failed: " + errnoText());
        }
        if (got == 0)
            throw FormatError(path,
                "file ends after " + std::to_string(offset + done) + " bytes, expected "
                    + std::to_string(offset + bytes));
        done += std::size_t(got);
    }
}

std::string readHead(const std::string& path, std::size_t n)
{
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0)
        throw IoError(path, "cannot open: " + errnoText());
    std::string out(n, '\0');
    std::size_t done = 0;
    while (done < n) {
        const ssize_t got = ::read(f.fd, out.data() + done, n - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        done += std::size_t(got);
    }
    out.resize(done);
    return out;
}

namespace {
/// ".<name>.tmp<pid>-<random>": hidden, and it says which process wrote it.
constexpr const char* kTmpTag = ".tmp";

/// The writer's pid when `name` is one of our temporaries, else 0.
pid_t temporaryOwner(const std::string& name)
{
    if (name.size() < 7 || name[0] != '.')
        return 0;
    const std::size_t tag = name.rfind(kTmpTag);
    if (tag == std::string::npos || tag < 2)
        return 0;
    const std::string rest = name.substr(tag + 4);
    const std::size_t dash = rest.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 >= rest.size())
        return 0;
    for (std::size_t i = 0; i < rest.size(); ++i)
        if (i != dash && !std::isdigit(static_cast<unsigned char>(rest[i])))
            return 0;
    const long long pid = std::atoll(rest.substr(0, dash).c_str());
    return pid > 0 && pid < (1LL << 31) ? pid_t(pid) : 0;
}
} // namespace

std::string temporaryPathFor(const std::string& path)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    static thread_local std::mt19937_64 rng {std::random_device {}()};
    return (target.parent_path()
        / ("." + target.filename().string() + kTmpTag + std::to_string(::getpid()) + "-"
            + std::to_string(rng() % 1000000000ULL)))
        .string();
}

std::size_t removeStaleTemporaries(const std::string& folder)
{
    namespace fs = std::filesystem;
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const pid_t owner = temporaryOwner(it->path().filename().string());
        if (owner == 0 || owner == ::getpid())
            continue;
        if (::kill(owner, 0) == 0 || errno == EPERM) // its writer still runs
            continue;
        std::error_code rmEc;
        if (fs::remove(it->path(), rmEc))
            ++removed;
    }
    return removed;
}

void writeAtomically(const std::string& path, const std::function<void(const std::string& tmpPath)>& write)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    {
        std::error_code ec;
        if (fs::is_directory(target, ec))
            throw IoError(path, "is a folder; cannot write a file in its place");
    }
    const fs::path tmp = temporaryPathFor(path);
    try {
        write(tmp.string());
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        const std::string why = ec.message();
        fs::remove(tmp, ec);
        throw IoError(path, "cannot replace file: " + why);
    }
}

void writeFileAtomically(const std::string& path, std::initializer_list<ByteSpan> pieces)
{
    writeAtomically(path, [&](const std::string& tmp) {
        Fd f;
        f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (f.fd < 0)
            throw IoError(path, "cannot create: " + errnoText());
        for (const ByteSpan& piece : pieces) {
            const auto* src = static_cast<const char*>(piece.data);
            std::size_t done = 0;
            while (done < piece.size) {
                const ssize_t put
                    = ::write(f.fd, src + done, std::min<std::size_t>(piece.size - done, std::size_t(1) << 30));
                if (put < 0) {
                    if (errno == EINTR)
                        continue;
                    throw IoError(path, "write failed: " + errnoText());
                }
                done += std::size_t(put);
            }
        }
        if (::fsync(f.fd) != 0)
            throw IoError(path, "write failed: " + errnoText());
    });
}

} // namespace rs

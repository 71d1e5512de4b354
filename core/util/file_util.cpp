#include "util/file_util.h"

#include "util/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace rs {

namespace {

std::string errnoText() { return std::strerror(errno); }

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
    struct stat st {};
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
            throw FormatError(path, "file ends after " + std::to_string(offset + done) + " bytes, expected "
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

void writeAtomically(const std::string& path, const std::function<void(const std::string& tmpPath)>& write)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const fs::path tmp = target.parent_path()
                         / ("." + target.filename().string() + ".tmp" + std::to_string(rng() % 1000000000ULL));
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
        fs::remove(tmp, ec);
        throw IoError(path, "cannot replace file: " + ec.message());
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
                const ssize_t put = ::write(f.fd, src + done, std::min<std::size_t>(piece.size - done, std::size_t(1) << 30));
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

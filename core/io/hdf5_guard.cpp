#include "io/hdf5_guard.h"

#include "io/entry_codec.h"
#include "io/h5_chunk_reader.h"
#include "io/hdf5_util.h"
#include "io/probe_server.h"
#include "io/vet_cache.h"
#include "util/error.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace rs::h5 {

namespace {

std::atomic<int> g_isolation {-1}; // -1: not decided yet (reads $REIONSCOPE_ISOLATION)
std::atomic<double> g_timeout {20.0};

/// What identifies one version of a file: a rewrite changes the inode or the times.
using FileKey = std::tuple<dev_t, ino_t, off_t, long long, long long>;

struct Verdict;

/// Verdicts of this process, by file version (a rewritten file is vetted again).
struct VetCache {
    std::mutex mutex;
    std::map<FileKey, std::shared_ptr<const Verdict>> verdicts;
};

/// Verdicts remembered at most (then forgotten together: the helper answers again).
constexpr std::size_t kMaxRemembered = 4096;

VetCache& cache()
{
    static VetCache c;
    return c;
}

std::mutex& serverMutex()
{
    static std::mutex m;
    return m;
}

detail::ProbeServer& server()
{
    static detail::ProbeServer s; // destroyed at exit: closes the pipe and reaps the server
    return s;
}

std::optional<FileKey> keyOf(const std::string& path)
{
    struct stat st { };
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return FileKey {st.st_dev, st.st_ino, st.st_size, (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
        (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec};
}

std::string signalText(int sig)
{
    const char* name = sigabbrev_np(sig);
    return name ? std::string("SIG") + name : "signal " + std::to_string(sig);
}

/// Runs the helper on `path`; returns (wait status, timed out, its stdout).
struct HelperOutcome {
    int status = 0;
    bool timedOut = false;
    std::string output;
};

HelperOutcome runHelper(const std::string& helper, const std::string& path, double timeoutS)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw IoError(path, std::string("cannot start the HDF5 checker: ") + std::strerror(errno));
    pid_t pid = -1;
    const int rc = detail::spawnHelper(helper, path, -1, fds[1], pid);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        throw IoError(path, "cannot start the HDF5 checker " + helper + ": " + std::strerror(rc));
    }
    HelperOutcome out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
    char buf[4096];
    for (;;) {
        const auto left
            = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            out.timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd p {fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, int(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            continue;
        const ssize_t got = ::read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break; // end of output: the helper exited (or closed stdout)
        if (out.output.size() < detail::kMaxAnswerBytes + 4096)
            out.output.append(buf, std::size_t(got));
    }
    ::close(fds[0]);
    // After EOF the helper is exiting; a helper that closed stdout and then hangs is killed.
    for (;;) {
        const pid_t w = ::waitpid(pid, &out.status, out.timedOut ? 0 : WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
        if (w == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                out.timedOut = true;
                ::kill(pid, SIGKILL);
            } else {
                ::usleep(1000);
            }
        }
    }
    return out;
}

} // namespace

void setIsolation(bool on)
{
    g_isolation.store(on ? 1 : 0);
}

bool isolationEnabled()
{
    int v = g_isolation.load();
    if (v < 0) {
        const char* env = std::getenv("REIONSCOPE_ISOLATION");
        v = env && std::string(env) == "0" ? 0 : 1;
        g_isolation.store(v);
    }
    return v == 1;
}

void setVetTimeoutSeconds(double seconds)
{
    if (seconds > 0)
        g_timeout.store(seconds);
}

void clearVetCache()
{
    {
        std::lock_guard lock(cache().mutex);
        cache().verdicts.clear();
    }
}

void setVetCacheFolder(const std::string& folder)
{
    detail::PersistentVetCache().setFolder(folder);
}

std::string vetCacheFolder()
{
    return detail::PersistentVetCache().folder();
}

std::string probeHelperPath()
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (const char* env = std::getenv("REIONSCOPE_PROBE"); env && *env)
        return fs::is_regular_file(env, ec) ? std::string(env) : std::string();
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return {};
    const fs::path beside = self.parent_path() / "reionscope-probe";
    return fs::is_regular_file(beside, ec) ? beside.string() : std::string();
}

namespace {

/// What the helper said about one version of a file.
struct Verdict {
    bool refused = false;
    std::string kind, problem; ///< refused: the error's kind ("io", "format", "unrecognised") and text
    detail::Listing listing; ///< not refused: what it found (now or in an earlier process)
};

/// Reads a helper's answer: "ok <cubes> <bytes>" and the encoded entries, or "error <kind> <problem>".
Verdict parseAnswer(const std::string& answer, const std::string& path)
{
    const std::size_t nl = answer.find('\n');
    const std::string line = answer.substr(0, nl);
    Verdict v;
    if (line.rfind("ok ", 0) == 0 && nl != std::string::npos) {
        v.listing = detail::decodeListing(answer.substr(nl + 1), path);
        return v;
    }
    if (line.rfind("error ", 0) != 0)
        throw FormatError(path, "the HDF5 checker gave no answer: the file could not be read safely");
    const std::size_t space = line.find(' ', 6);
    v.refused = true;
    v.kind = line.substr(6, space == std::string::npos ? std::string::npos : space - 6);
    v.problem = space == std::string::npos ? std::string() : line.substr(space + 1);
    return v;
}

/// The helper's refusal, as the error the same reader would have thrown here, naming `path`.
[[noreturn]] void throwRefusal(const Verdict& v, const std::string& path)
{
    if (v.kind == "io")
        throw IoError(path, v.problem);
    if (v.kind == "unrecognised")
        throw UnrecognisedFormatError(path, v.problem);
    throw FormatError(path, v.problem);
}

/// One helper per file: the fallback, and the confirmation of a server crash.
Verdict vetWithOneHelper(const std::string& helper, const std::string& path, const std::string& absolute)
{
    const HelperOutcome r = runHelper(helper, absolute, g_timeout.load());
    if (r.timedOut)
        throw FormatError(path,
            "the HDF5 library hung reading its metadata (no answer in " + std::to_string(int(g_timeout.load()))
                + " s): the file is damaged");
    if (WIFSIGNALED(r.status))
        throw FormatError(path,
            "the HDF5 library crashed reading its metadata (" + signalText(WTERMSIG(r.status))
                + "): the file is damaged");
    if (!WIFEXITED(r.status) || (WEXITSTATUS(r.status) != 0 && WEXITSTATUS(r.status) != 1))
        throw FormatError(path,
            "the HDF5 checker failed (exit status " + std::to_string(WEXITSTATUS(r.status))
                + "): the file could not be read safely");
    return parseAnswer(r.output, path);
}

/// The verdict on `path` from this process's memory, an earlier process's cache or the helper;
/// null when isolation is off, the helper is not installed or the path is not a regular file.
std::shared_ptr<const Verdict> verdictOf(const std::string& path)
{
    if (!isolationEnabled())
        return nullptr;
    const std::optional<FileKey> key = keyOf(path);
    if (!key)
        return nullptr; // missing or not a file: the in-process open says so
    {
        std::lock_guard lock(cache().mutex);
        if (auto it = cache().verdicts.find(*key); it != cache().verdicts.end())
            return it->second;
    }
    const std::string helper = probeHelperPath();
    if (helper.empty())
        return nullptr;
    auto remember = [&](Verdict v) {
        auto shared = std::make_shared<const Verdict>(std::move(v));
        std::lock_guard lock(cache().mutex);
        if (cache().verdicts.size() >= kMaxRemembered)
            cache().verdicts.clear();
        cache().verdicts[*key] = shared;
        return shared;
    };
    // Absolute: the helpers' working folder is not ours once we change it (and "--serve" stays a path).
    std::error_code ec;
    const std::string abs = std::filesystem::absolute(path, ec).string();
    // Passed in an earlier process (and unchanged since): its listing, kept with the verdict, so
    // no helper either and still no metadata parsed here. A record that does not decode is
    // ignored (the helper answers again and its answer replaces the record).
    detail::PersistentVetCache persistent;
    const std::optional<detail::FileFingerprint> print = ec || persistent.folder().empty()
        ? std::nullopt
        : detail::fingerprintOf(std::filesystem::path(abs).lexically_normal().string());
    if (const std::optional<std::string> kept = print ? persistent.find(*print) : std::nullopt) {
        try {
            Verdict earlier;
            earlier.listing = detail::decodeListing(*kept, path);
            return remember(std::move(earlier));
        } catch (const Error&) { }
    }
    // The long-lived server answers first (no process start per file); when it dies on a file,
    // a fresh helper confirms, so damage a previous file left in the server is not blamed on this one.
    detail::ProbeServer::Verdict v = detail::ProbeServer::Verdict::Unavailable;
    int sig = 0;
    std::string answer;
    if (!ec && abs.find('\n') == std::string::npos) {
        std::lock_guard lock(serverMutex());
        v = server().check(helper, abs, g_timeout.load(), sig, answer);
    }
    if (v == detail::ProbeServer::Verdict::Hung)
        throw FormatError(path,
            "the HDF5 library hung reading its metadata (no answer in " + std::to_string(int(g_timeout.load()))
                + " s): the file is damaged");
    Verdict verdict = v == detail::ProbeServer::Verdict::Passed ? parseAnswer(answer, path)
                                                                : vetWithOneHelper(helper, path, ec ? path : abs);
    if (print && !verdict.refused)
        persistent.add(*print, detail::encodeListing(verdict.listing));
    return remember(std::move(verdict));
}

} // namespace

std::optional<std::vector<CubeEntry>> probeIsolated(const std::string& path)
{
    const std::shared_ptr<const Verdict> v = verdictOf(path);
    if (!v)
        return std::nullopt;
    if (v->refused)
        throwRefusal(*v, path);
    std::vector<CubeEntry> entries = v->listing.entries;
    for (CubeEntry& e : entries)
        e.path = path;
    return entries;
}

void vetFile(const std::string& path)
{
    (void)probeIsolated(path);
}

namespace {

/// The helper's listing of this version of `path` in this process; null if it has none.
std::shared_ptr<const Verdict> listedVerdict(const std::string& path)
{
    const std::optional<FileKey> key = keyOf(path);
    if (!key || !isolationEnabled())
        return nullptr;
    std::lock_guard lock(cache().mutex);
    const auto it = cache().verdicts.find(*key);
    return it == cache().verdicts.end() || it->second->refused ? nullptr : it->second;
}

} // namespace

std::optional<std::vector<PlainPiece>> plainDataOf(
    const std::string& path, const std::string& dataset, std::uint64_t bytes)
{
    const std::shared_ptr<const Verdict> v = listedVerdict(path);
    if (!v)
        return std::nullopt;
    const auto& plain = v->listing.plain;
    const auto at = plain.find(dataset);
    if (at == plain.end())
        return std::nullopt;
    // The pieces must fill exactly `bytes`, in order, each inside it.
    std::uint64_t filled = 0;
    for (const PlainPiece& p : at->second) {
        if (p.cubeOffset != filled || p.bytes > bytes - filled)
            return std::nullopt;
        filled += p.bytes;
    }
    if (filled != bytes)
        return std::nullopt;
    return at->second;
}

std::optional<PackedChunks> packedDataOf(const std::string& path, const std::string& dataset, const Shape& shape)
{
    const std::shared_ptr<const Verdict> v = listedVerdict(path);
    if (!v)
        return std::nullopt;
    const auto at = v->listing.packed.find(dataset);
    if (at == v->listing.packed.end())
        return std::nullopt;
    const PackedChunks& p = at->second;
    if (p.dims != std::array<std::uint64_t, 3> {shape[0], shape[1], shape[2]} || p.chunk0 == 0 || p.chunk0 > p.dims[0]
        || p.chunks.size() != (p.dims[0] + p.chunk0 - 1) / p.chunk0)
        return std::nullopt;
    return p;
}

} // namespace rs::h5

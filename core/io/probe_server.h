#pragma once
/// \file probe_server.h
/// (Internal to hdf5_guard.cpp.) A long-lived `reionscope-probe --serve` process that vets one
/// file per request, so a first open costs the helper's metadata read, not a process start and
/// HDF5's initialisation every time. The server answers through forked generations of itself: a
/// generation that refused a file or died on one is replaced by a fresh fork (the server answers
/// "crashed <signal>" for the latter), so no file meets a libhdf5 an earlier damaged file left in
/// a bad state. A hang ends the server (killed); the next request starts a new one.

#include <string>
#include <sys/types.h>

namespace rs::h5::detail {

/// Starts `helper` with `arg`, its stdin from `in` and stdout to `out` (-1: leave), stderr to
/// /dev/null and MALLOC_PERTURB_ set (freed memory filled with a pattern, so libhdf5's
/// use-after-free on damaged attribute tables crashes every time, not now and then). Returns the
/// posix_spawn error (0 on success) and sets `pid`.
int spawnHelper(const std::string& helper, const std::string& arg, int in, int out, pid_t& pid);

/// The most bytes an answer may announce (a lightcone's axes and globals take a few hundred KiB).
constexpr std::size_t kMaxAnswerBytes = std::size_t(64) << 20;

/// How many bytes follow an answer line: "ok <cubes> <bytes>" announces the encoded entries
/// (io/entry_codec.h); "error <kind> <problem>" and "crashed <signal>" nothing.
std::size_t answerBytes(const std::string& line);

class ProbeServer {
public:
    enum class Verdict {
        Passed, ///< the server answered: listed the file's cubes, or refused it with an error
        Crashed, ///< the server (or its generation answering) died on it; `signal` says how
        Hung, ///< no answer before the timeout; the server was killed
        Unavailable ///< no server could be started (fall back to one helper per file)
    };

    ~ProbeServer();
    /// Not thread-safe: the caller serialises requests. On Passed, `answer` holds the server's
    /// whole answer (its line, then the bytes that line announces: see answerBytes).
    Verdict check(
        const std::string& helper, const std::string& path, double timeoutS, int& signal, std::string& answer);

private:
    bool start(const std::string& helper);
    void stop(bool kill);

    pid_t m_pid = -1;
    pid_t m_owner = -1; ///< the process that started it (a forked child starts its own)
    int m_fd = -1; ///< our end of the socket pair (the server's stdin and stdout)
    std::string m_helper, m_buffer;
};

} // namespace rs::h5::detail

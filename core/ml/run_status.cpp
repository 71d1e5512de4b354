#include "ml/run_status.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <unistd.h>

namespace rs::ml {

namespace fs = std::filesystem;

std::string runLockPath(const std::string& runDir)
{
    return (fs::path(runDir) / "train.lock").string();
}

RunLock::RunLock(const std::string& runDir)
{
    const std::string path = runLockPath(runDir);
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
        throw IoError(path, std::string("cannot create the training lock: ") + std::strerror(errno));
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw RunBusyError(runDir + ": is being trained by another process or window right now; stop it first");
    }
}

RunLock::~RunLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

bool runIsTraining(const std::string& runDir)
{
    const std::string path = runLockPath(runDir);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

const char* runStatusName(RunStatus s)
{
    switch (s) {
    case RunStatus::Running:
        return "running";
    case RunStatus::Paused:
        return "paused";
    case RunStatus::Stopped:
        return "stopped";
    case RunStatus::Finished:
        return "finished";
    case RunStatus::Failed:
        return "failed";
    }
    return "?";
}

RunStatus runStatus(const std::string& runDir, const std::vector<HistoryRecord>& history)
{
    // A "resume" line that led nowhere (an already finished run asked to train again, or a
    // trainer killed before its first batch) does not change what the run is.
    std::string last;
    for (auto it = history.rbegin(); it != history.rend() && last.empty(); ++it)
        if (it->type != "resume" || std::next(it) == history.rend())
            last = it->type;
    if (runIsTraining(runDir))
        return !history.empty() && history.back().type == "paused" ? RunStatus::Paused : RunStatus::Running;
    if (last == "error")
        return RunStatus::Failed;
    std::error_code ec;
    if (last == "finished" || (last.empty() && fs::exists(finalModelPath(runDir), ec)))
        return RunStatus::Finished;
    return RunStatus::Stopped;
}

std::optional<HistoryRecord> bestEpochRecord(const std::vector<HistoryRecord>& history)
{
    std::optional<HistoryRecord> best;
    for (const HistoryRecord& r : history)
        if (r.type == "epoch" && std::isfinite(r.valLoss) && (!best || r.valLoss < best->valLoss))
            best = r;
    return best;
}

} // namespace rs::ml

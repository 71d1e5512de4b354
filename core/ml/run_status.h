#pragma once
/// \file run_status.h
/// Whether a run is being trained right now, and what state it is in, for listings (`runs`,
/// the studio) and for sweeps deciding which points still need work. A trainer holds an
/// advisory lock (flock) on `<run>/train.lock` while it trains, so another process, or another
/// thread of the same process, sees it; the lock vanishes with the trainer, even after kill -9.
/// No LibTorch here.

#include "ml/run_folder.h"
#include "util/error.h"

#include <optional>
#include <string>
#include <vector>

namespace rs::ml {

std::string runLockPath(const std::string& runDir); ///< train.lock

/// Held by whoever trains a run folder. Throws IoError when the lock file cannot be created and
/// RunBusyError when another trainer holds it.
class RunLock {
public:
    explicit RunLock(const std::string& runDir);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    int m_fd = -1;
};

/// A second trainer on a run folder that is being trained.
class RunBusyError : public Error {
public:
    using Error::Error;
};

/// Whether a trainer holds the run's lock now. Nothing throws (an unreadable folder is idle).
bool runIsTraining(const std::string& runDir);

/// "running", "paused", "stopped", "finished", "failed".
const char* runStatusName(RunStatus s);

/// The status of a run from whether it is training, its history and whether final.pt exists:
/// training → running (paused when the last line is "paused"); else the last line decides:
/// "error" → failed, "finished" → finished, anything else → stopped (a stop request or a killed
/// trainer; resumable), and a final.pt without history → finished.
RunStatus runStatus(const std::string& runDir, const std::vector<HistoryRecord>& history);

/// The epoch line with the lowest validation loss (the epoch checkpoints/best.pt and final.pt
/// hold; the first of equals), or nullopt before the first epoch.
std::optional<HistoryRecord> bestEpochRecord(const std::vector<HistoryRecord>& history);

} // namespace rs::ml

#pragma once
/// \file progress.h
/// How long-running core work reports progress and learns that it should stop, without Qt.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace rs {

/// A shared flag a caller raises to ask work to stop; the work polls it at safe points.
/// Copies share the flag. A default-constructed token can be stopped like any other.
class StopToken {
public:
    StopToken()
        : m_flag(std::make_shared<std::atomic<bool>>(false))
    { }
    void requestStop() const { m_flag->store(true, std::memory_order_relaxed); }
    bool stopRequested() const { return m_flag->load(std::memory_order_relaxed); }
    /// Throws CancelledError if a stop was requested.
    void throwIfStopped() const;

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

/// Progress: fraction of the whole job in [0, 1] and a short description of the current stage.
using ProgressFn = std::function<void(double fraction, const std::string& stage)>;

/// Maps progress of a sub-step onto [begin, end] of a parent's scale.
ProgressFn subProgress(const ProgressFn& parent, double begin, double end);

} // namespace rs

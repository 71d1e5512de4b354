#pragma once
/// \file worker_pool.h
/// A pool of long-lived worker threads that run submitted tasks in order of submission, on plain
/// std::thread, std::mutex and std::condition_variable, so every hand-over between the submitting
/// thread and a worker is one that ThreadSanitizer sees (the GUI's job runner runs on it; Qt's
/// QThreadPool, built without TSan on Debian, hides its hand-overs from TSan).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rs {

class WorkerPool {
public:
    /// Up to `maxThreads` (at least 1) workers, started as tasks need them. `onThreadStart` runs
    /// once on each worker before its first task (e.g. to lower the thread's priority).
    explicit WorkerPool(int maxThreads, std::function<void()> onThreadStart = {});
    /// Runs every task already submitted, then joins the workers.
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Queues `task`; a worker runs it as soon as one is free. A task must not throw (whatever
    /// escapes it ends the process, as from any thread).
    void submit(std::function<void()> task);
    /// Workers started so far.
    int threadCount() const;

private:
    void workerLoop();

    const int m_maxThreads;
    const std::function<void()> m_onThreadStart;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks;
    std::vector<std::thread> m_threads;
    int m_idle = 0;
    bool m_closing = false;
};

} // namespace rs

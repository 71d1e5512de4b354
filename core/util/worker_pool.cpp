#include "util/worker_pool.h"

#include <algorithm>

namespace rs {

WorkerPool::WorkerPool(int maxThreads, std::function<void()> onThreadStart)
    : m_maxThreads(std::max(1, maxThreads))
    , m_onThreadStart(std::move(onThreadStart))
{ }

WorkerPool::~WorkerPool()
{
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
    }
    m_wake.notify_all();
    for (std::thread& t : m_threads)
        t.join();
}

void WorkerPool::submit(std::function<void()> task)
{
    std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(task));
    // A task waits for a busy worker only when the pool is at its size.
    if (m_idle >= int(m_tasks.size()) || int(m_threads.size()) >= m_maxThreads) {
        m_wake.notify_one();
        return;
    }
    ++m_idle; // the new worker counts as idle until it takes a task, so a burst starts no more than it needs
    m_threads.emplace_back([this] { workerLoop(); });
}

int WorkerPool::threadCount() const
{
    std::lock_guard lock(m_mutex);
    return int(m_threads.size());
}

void WorkerPool::workerLoop()
{
    if (m_onThreadStart)
        m_onThreadStart();
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_closing || !m_tasks.empty(); });
        if (m_tasks.empty())
            return; // closing, nothing left
        std::function<void()> task = std::move(m_tasks.front());
        m_tasks.pop_front();
        --m_idle;
        lock.unlock();
        task();
        task = nullptr; // the task's captures end on this thread, before it is counted idle again
        lock.lock();
        ++m_idle;
    }
}

} // namespace rs

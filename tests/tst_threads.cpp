// The threaded parts of core's readers, driven across threads the way the application drives
// them, so the ThreadSanitizer build (preset `tsan`, label tsan) sees every hand-over: the chunk
// reader's pool, HDF5 files vetted from several threads at once (the probe server and the
// verdict caches) and the worker pool the GUI's jobs run on. tst_threads_ml does the same for training. In the ordinary
// build both check the same outcomes.
#include "fixtures.h"
#include "thread_check.h"

#include "cube/cube.h"
#include "io/cube_loader.h"
#include "io/hdf5_guard.h"
#include "io/reionscope_h5.h"
#include "util/worker_pool.h"

#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace rs;

namespace {

/// An n^3 density cube whose voxels differ from their neighbours (so a misplaced chunk shows).
Cube patternCube(std::size_t n)
{
    const double box = 1.5 * double(n);
    Cube c = Cube::uninitialized({n, n, n}, {box, box, box}, CubeMetadata {});
    c.metadata().quantity = Quantity::Density;
    c.metadata().redshift = 8.0;
    float* d = c.mutableData();
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        d[i] = float((i * 7919) % 1009) * 0.01f;
    return c;
}

} // namespace

namespace {

QTemporaryDir* g_dir = nullptr;

void setUp()
{
    qputenv("REIONSCOPE_PROBE", QByteArrayLiteral(REIONSCOPE_PROBE_EXE));
    h5::setVetCacheFolder(g_dir->filePath(QStringLiteral("vetted")).toStdString());
}

void chunkReaderPoolReadsEveryVoxel()
{
    // LZF and deflate, chunked by slabs: the reader's pool inflates chunks on several threads.
    for (const auto codec : {H5WriteOptions::Codec::Lzf, H5WriteOptions::Codec::Deflate}) {
        const Cube c = patternCube(40);
        const std::string path = g_dir->filePath(QStringLiteral("pool.h5")).toStdString();
        H5WriteOptions o;
        o.codec = codec;
        writeReionScopeH5(path, {c}, o);
        for (int round = 0; round < 3; ++round) {
            const Cube back = loadCube(path);
            THREAD_CHECK(back.voxelCount() == c.voxelCount());
            THREAD_CHECK(std::equal(c.data(), c.data() + c.voxelCount(), back.data()));
        }
    }
}

void filesVettedFromSeveralThreads()
{
    std::vector<std::string> paths;
    for (int i = 0; i < 6; ++i) {
        const std::string p = g_dir->filePath(QStringLiteral("vet%1.h5").arg(i)).toStdString();
        writeReionScopeH5(p, {patternCube(8)});
        paths.push_back(p);
    }
    for (int round = 0; round < 2; ++round) { // the helper, then the persistent cache
        h5::clearVetCache();
        std::atomic<int> ok {0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t i = 0; i < paths.size(); ++i)
                    if (probeFile(paths[(i + std::size_t(t)) % paths.size()]).size() == 1)
                        ++ok;
            });
        for (std::thread& t : threads)
            t.join();
        THREAD_CHECK(ok.load() == 4 * int(paths.size()));
    }
}

void workerPoolRunsEveryTaskWithinItsSize()
{
    constexpr int kTasks = 400;
    std::vector<int> slots(kTasks, -1); // plain ints: written by workers, read after the pool ends
    std::atomic<int> started {0};
    std::atomic<int> busy {0};
    std::atomic<int> mostBusy {0};
    int threads = 0;
    {
        WorkerPool pool(3, [&] { ++started; });
        std::vector<std::thread> submitters;
        for (int s = 0; s < 2; ++s)
            submitters.emplace_back([&, s] {
                for (int i = s; i < kTasks; i += 2)
                    pool.submit([&, i] {
                        const int now = ++busy;
                        for (int seen = mostBusy.load(); now > seen && !mostBusy.compare_exchange_weak(seen, now);) { }
                        slots[std::size_t(i)] = i * i;
                        --busy;
                    });
            });
        for (std::thread& t : submitters)
            t.join();
        threads = pool.threadCount();
    } // runs what is queued, then joins
    bool all = true;
    for (int i = 0; i < kTasks; ++i)
        all = all && slots[std::size_t(i)] == i * i;
    THREAD_CHECK(all);
    THREAD_CHECK(threads >= 1 && threads <= 3);
    THREAD_CHECK(started.load() == threads);
    THREAD_CHECK(mostBusy.load() >= 1 && mostBusy.load() <= 3);
}

void workerPoolGrowsPastABlockedTask()
{
    std::mutex m;
    std::condition_variable cv;
    bool release = false;
    bool secondRan = false;
    WorkerPool pool(2);
    pool.submit([&] {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return release; });
    });
    pool.submit([&] {
        std::lock_guard lock(m);
        secondRan = true;
        cv.notify_all();
    });
    {
        std::unique_lock lock(m);
        THREAD_CHECK(cv.wait_for(lock, std::chrono::seconds(30), [&] { return secondRan; }));
        release = true;
    }
    cv.notify_all();
    THREAD_CHECK(pool.threadCount() == 2);
}

} // namespace

int main()
{
    QTemporaryDir dir;
    g_dir = &dir;
    setUp();
    threadcheck::run("chunkReaderPoolReadsEveryVoxel", chunkReaderPoolReadsEveryVoxel);
    threadcheck::run("filesVettedFromSeveralThreads", filesVettedFromSeveralThreads);
    threadcheck::run("workerPoolRunsEveryTaskWithinItsSize", workerPoolRunsEveryTaskWithinItsSize);
    threadcheck::run("workerPoolGrowsPastABlockedTask", workerPoolGrowsPastABlockedTask);
    return threadcheck::failures() == 0 && dir.isValid() ? 0 : 1;
}

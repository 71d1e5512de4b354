// Training's threads, driven the way the Training studio drives them, for the ThreadSanitizer
// build (preset `tsan`, label tsan; see tst_threads): the batch stream's reader thread stopped
// mid-epoch, and a training paused, resumed and stopped from another thread.
#include "fixtures.h"
#include "ml_fixtures.h"
#include "thread_check.h"

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/run_folder.h"
#include "ml/trainer.h"

#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <thread>

using namespace rs;
using namespace rs::ml;

namespace {

QTemporaryDir* g_dir = nullptr;
std::string g_ds;

void setUp()
{
    g_ds = fixtures::buildSyntheticDataset(
        g_dir->path(), g_dir->filePath(QStringLiteral("ds.h5")).toStdString(), {7, 9}, {20}, 3, 16, 2);
}

void batchStreamStoppedMidEpoch()
{
    auto f = DatasetFile::open(g_ds);
    const auto train = f->indices(Split::Train);
    BatchStreamOptions o;
    o.batchSize = 3;
    o.cacheBytes = 2 * 3 * 256 * sizeof(float); // about two batches: the reader blocks on a full cache
    for (int taken = 0; taken < 6; ++taken) {
        o.epoch = taken;
        BatchStream s(f, train, o); // destroyed while its reader is filling the queue
        for (int i = 0; i < taken; ++i) {
            const std::optional<Batch> b = s.next();
            THREAD_CHECK(b && b->x.size() == b->size() * 256);
        }
    }
}

void trainingPausedResumedAndStoppedFromAnotherThread()
{
    const std::string run = g_dir->filePath(QStringLiteral("run")).toStdString();
    RunConfig c = fixtures::tinyRunConfig(g_ds);
    c.batch = 2;
    c.epochs = 50; // stopped long before
    StopToken stop;
    PauseToken pause;
    std::atomic<std::int64_t> lastStep {-1};
    TrainResult result;
    std::exception_ptr error;
    std::thread trainer([&] {
        try {
            result = train(
                run, c, [&](const TrainProgress& p) { lastStep = p.step; }, stop, pause);
        } catch (...) {
            error = std::current_exception();
        }
    });
    auto waitFor = [&](auto&& condition) {
        for (int i = 0; i < 6000 && !condition(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return condition();
    };
    const bool started = waitFor([&] { return lastStep.load() >= 2; });
    pause.pause();
    std::int64_t atPause = lastStep.load();
    for (int i = 0; i < 50; ++i) { // the batch in flight ends, then nothing moves
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (lastStep.load() == atPause)
            break;
        atPause = lastStep.load();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::int64_t whilePaused = lastStep.load();
    pause.resume();
    const bool resumed = waitFor([&] { return lastStep.load() >= whilePaused + 2; });
    stop.requestStop();
    trainer.join();
    if (error)
        std::rethrow_exception(error);
    THREAD_CHECK(started);
    THREAD_CHECK(whilePaused == atPause);
    THREAD_CHECK(resumed);
    THREAD_CHECK(int(result.status) == int(TrainStatus::Stopped));
    THREAD_CHECK(readHistory(run).back().type == std::string("stopped"));
}

} // namespace

int main()
{
    QTemporaryDir dir;
    g_dir = &dir;
    setUp();
    threadcheck::run("batchStreamStoppedMidEpoch", batchStreamStoppedMidEpoch);
    threadcheck::run(
        "trainingPausedResumedAndStoppedFromAnotherThread", trainingPausedResumedAndStoppedFromAnotherThread);
    return threadcheck::failures() == 0 && dir.isValid() ? 0 : 1;
}

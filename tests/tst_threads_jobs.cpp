// The GUI's job runner (ui/shell/job_runner.cpp) driven the way the windows drive it, for the
// ThreadSanitizer build (preset `tsan`, label tsan; see thread_check.h for why this is not a Qt Test
// suite): results computed on a worker and applied on the GUI thread, progress posted across,
// newer jobs superseding running ones, cancel, background jobs on the lowered pool beside normal
// ones, and a runner destroyed while its job runs.
#include "thread_check.h"

#include "shell/job_runner.h"
#include "util/error.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

using namespace rs;
using namespace rs::ui;

namespace {

/// Runs the event loop until `condition` holds or 60 s pass; returns the condition.
template<typename F> bool pumpUntil(F&& condition)
{
    QElapsedTimer t;
    t.start();
    while (!condition() && t.elapsed() < 60000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return condition();
}

/// A job whose result is a vector filled on the worker and read on the GUI thread: the hand-over
/// TSan must see ordered (the worker's writes before the GUI thread's reads).
JobRunner::Work fillJob(int n, std::vector<int>& target, std::atomic<int>& applied)
{
    return [n, &target, &applied](const ProgressFn& progress, const StopToken& stop) {
        auto values = std::make_shared<std::vector<int>>(std::size_t(n));
        for (int i = 0; i < n; ++i) {
            (*values)[std::size_t(i)] = i;
            if (i % 64 == 0) {
                stop.throwIfStopped();
                progress(double(i) / n, "filling");
            }
        }
        return std::function<void()>([values, &target, &applied] {
            target = *values;
            ++applied;
        });
    };
}

void resultsCrossToTheGuiThread()
{
    JobRunner runner;
    std::vector<int> target;
    std::atomic<int> applied {0};
    int finished = 0;
    double lastProgress = -1;
    QObject::connect(&runner, &JobRunner::finished, [&] { ++finished; });
    QObject::connect(&runner, &JobRunner::progressChanged, [&](double f, const QString&) { lastProgress = f; });
    for (int round = 0; round < 20; ++round) {
        runner.start(QStringLiteral("fill"), fillJob(4096 + round, target, applied));
        THREAD_CHECK(pumpUntil([&] { return finished == round + 1; }));
        THREAD_CHECK(target.size() == std::size_t(4096 + round));
        THREAD_CHECK(std::accumulate(target.begin(), target.end(), 0LL) == (4095LL + round) * (4096 + round) / 2);
    }
    THREAD_CHECK(applied.load() == 20);
    THREAD_CHECK(lastProgress >= 0 && lastProgress <= 1);
}

void newerJobsSupersedeRunningOnes()
{
    JobRunner runner;
    std::vector<int> target;
    std::atomic<int> applied {0};
    int finished = 0;
    int cancelled = 0;
    QObject::connect(&runner, &JobRunner::finished, [&] { ++finished; });
    QObject::connect(&runner, &JobRunner::cancelled, [&] { ++cancelled; });
    // Each start raises the older job's token while its worker runs: only the last is applied.
    for (int i = 0; i < 30; ++i)
        runner.start(QStringLiteral("fill %1").arg(i), fillJob(20000 + i, target, applied));
    THREAD_CHECK(pumpUntil([&] { return finished == 1; }));
    runner.waitForIdle();
    QCoreApplication::processEvents();
    THREAD_CHECK(applied.load() == 1);
    THREAD_CHECK(target.size() == 20029);
    THREAD_CHECK(cancelled == 0);
    THREAD_CHECK(finished == 1);
}

void cancelledFromTheGuiThread()
{
    JobRunner runner;
    int cancelled = 0;
    QObject::connect(&runner, &JobRunner::cancelled, [&] { ++cancelled; });
    std::atomic<bool> started {false};
    runner.start(QStringLiteral("endless"), [&](const ProgressFn& progress, const StopToken& stop) {
        started = true;
        for (int i = 0;; ++i) {
            stop.throwIfStopped();
            progress((i % 100) / 100.0, "waiting");
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        return std::function<void()>([] {});
    });
    THREAD_CHECK(pumpUntil([&] { return started.load(); }));
    runner.cancel();
    THREAD_CHECK(pumpUntil([&] { return cancelled == 1; }));
    THREAD_CHECK(!runner.isRunning());
}

void failuresCrossAsMessages()
{
    JobRunner runner;
    QString message;
    QObject::connect(&runner, &JobRunner::failed, [&](const QString& m) { message = m; });
    runner.start(QStringLiteral("fail"), [](const ProgressFn&, const StopToken&) -> std::function<void()> {
        throw FormatError("cube.h5", "dataset missing");
    });
    THREAD_CHECK(pumpUntil([&] { return !message.isEmpty(); }));
    THREAD_CHECK(message == QStringLiteral("cube.h5: dataset missing"));
}

void backgroundAndForegroundRunnersTogether()
{
    JobRunner background;
    background.setBackground(true);
    JobRunner foreground;
    std::vector<int> a;
    std::vector<int> b;
    std::atomic<int> appliedA {0};
    std::atomic<int> appliedB {0};
    int done = 0;
    QObject::connect(&background, &JobRunner::finished, [&] { ++done; });
    QObject::connect(&foreground, &JobRunner::finished, [&] { ++done; });
    for (int round = 0; round < 5; ++round) {
        background.start(QStringLiteral("statistics"), fillJob(50000, a, appliedA));
        foreground.start(QStringLiteral("load"), fillJob(30000, b, appliedB));
        THREAD_CHECK(pumpUntil([&] { return done == 2 * (round + 1); }));
    }
    THREAD_CHECK(appliedA.load() == 5 && appliedB.load() == 5);
    THREAD_CHECK(a.size() == 50000 && b.size() == 30000);
}

void destroyedWhileItsJobRuns()
{
    std::atomic<int> ended {0};
    for (int i = 0; i < 10; ++i) {
        JobRunner runner;
        std::atomic<bool> started {false};
        runner.start(QStringLiteral("slow"), [&](const ProgressFn& progress, const StopToken& stop) {
            started = true;
            for (int k = 0; k < 200 && !stop.stopRequested(); ++k) {
                progress(k / 200.0, "slow");
                std::this_thread::sleep_for(std::chrono::microseconds(100));
            }
            ++ended;
            return std::function<void()>([] {});
        });
        if (i % 2 == 0) // half of them go before the worker has even started
            pumpUntil([&] { return started.load(); });
    } // ~JobRunner raises the token and waits; queued progress for a dead runner is dropped
    QCoreApplication::processEvents();
    THREAD_CHECK(ended.load() == 10);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    threadcheck::run("resultsCrossToTheGuiThread", resultsCrossToTheGuiThread);
    threadcheck::run("newerJobsSupersedeRunningOnes", newerJobsSupersedeRunningOnes);
    threadcheck::run("cancelledFromTheGuiThread", cancelledFromTheGuiThread);
    threadcheck::run("failuresCrossAsMessages", failuresCrossAsMessages);
    threadcheck::run("backgroundAndForegroundRunnersTogether", backgroundAndForegroundRunnersTogether);
    threadcheck::run("destroyedWhileItsJobRuns", destroyedWhileItsJobRuns);
    return threadcheck::failures() == 0 ? 0 : 1;
}

// JobRunner: background work with progress, cancel, failures at the thread boundary, and newer
// requests superseding older ones.
#include "shell/job_runner.h"
#include "util/error.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using namespace rs;
using namespace rs::ui;

class TestJobRunner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void appliesTheResultOnTheGuiThread()
    {
        JobRunner runner;
        QSignalSpy finished(&runner, &JobRunner::finished);
        QThread* applyThread = nullptr;
        int value = 0;
        runner.start(QStringLiteral("sum"), [&](const ProgressFn& progress, const StopToken&) {
            int sum = 0;
            for (int i = 1; i <= 100; ++i) {
                sum += i;
                progress(i / 100.0, "adding");
            }
            return std::function<void()>([&, sum] {
                value = sum;
                applyThread = QThread::currentThread();
            });
        });
        QVERIFY(runner.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(value, 5050);
        QCOMPARE(applyThread, QThread::currentThread());
        QVERIFY(!runner.isRunning());
    }

    void reportsProgress()
    {
        JobRunner runner;
        QSignalSpy progress(&runner, &JobRunner::progressChanged);
        QSignalSpy finished(&runner, &JobRunner::finished);
        // Steps slower than the event loop: each one reaches the GUI thread.
        runner.start(QStringLiteral("steps"), [](const ProgressFn& p, const StopToken&) {
            for (int i = 0; i <= 10; ++i) {
                p(i / 10.0, "step");
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
            }
            return std::function<void()>([] {});
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(progress.count() >= 3, qPrintable(QString::number(progress.count())));
        for (int i = 1; i < progress.count(); ++i)
            QVERIFY(progress.at(i).at(0).toDouble() >= progress.at(i - 1).at(0).toDouble());
        QCOMPARE(progress.last().at(0).toDouble(), 1.0);
        QCOMPARE(progress.last().at(1).toString(), QStringLiteral("step"));
    }

    void progressFasterThanTheEventLoopIsCoalesced()
    {
        JobRunner runner;
        QSignalSpy progress(&runner, &JobRunner::progressChanged);
        QSignalSpy finished(&runner, &JobRunner::finished);
        // 100,000 reports in new stages (none throttled away) while this thread is not draining:
        // the GUI gets the latest one, not a queue of all of them.
        std::atomic<bool> reported {false};
        runner.start(QStringLiteral("burst"), [&](const ProgressFn& p, const StopToken&) {
            for (int i = 0; i < 100000; ++i)
                p(0.5, "stage " + std::to_string(i));
            p(1.0, "last");
            reported = true;
            return std::function<void()>([] {});
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY(reported.load());
        QVERIFY2(progress.count() < 1000, qPrintable(QString::number(progress.count())));
        QCOMPARE(progress.last().at(1).toString(), QStringLiteral("last"));
    }

    void failuresArriveAsMessages_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("format error") << 0 << QStringLiteral("cube.h5: dataset missing");
        QTest::newRow("std exception") << 1 << QStringLiteral("internal error: boom");
        QTest::newRow("out of memory") << 2 << QStringLiteral("not enough memory for this job");
    }

    void failuresArriveAsMessages()
    {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        JobRunner runner;
        QSignalSpy failed(&runner, &JobRunner::failed);
        QSignalSpy finished(&runner, &JobRunner::finished);
        runner.start(QStringLiteral("fail"), [kind](const ProgressFn&, const StopToken&) -> std::function<void()> {
            if (kind == 0)
                throw FormatError("cube.h5", "dataset missing");
            if (kind == 1)
                throw std::runtime_error("boom");
            throw std::bad_alloc();
        });
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(failed.first().at(0).toString(), expected);
        QCOMPARE(finished.count(), 0);
    }

    void cancelStopsTheWork()
    {
        JobRunner runner;
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        QSignalSpy finished(&runner, &JobRunner::finished);
        std::atomic<bool> started {false};
        runner.start(QStringLiteral("long"), [&](const ProgressFn&, const StopToken& stop) {
            started = true;
            for (;;) { // stops only through the token
                stop.throwIfStopped();
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            return std::function<void()>([] {});
        });
        QTRY_VERIFY_WITH_TIMEOUT(started.load(), 10000);
        runner.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 10000);
        QCOMPARE(finished.count(), 0);
    }

    void newerRequestSupersedesOlder()
    {
        JobRunner runner;
        QSignalSpy finished(&runner, &JobRunner::finished);
        QSignalSpy cancelled(&runner, &JobRunner::cancelled);
        std::atomic<bool> firstStarted {false};
        std::atomic<bool> firstSawStop {false};
        QStringList applied;
        runner.start(QStringLiteral("old"), [&](const ProgressFn&, const StopToken& stop) {
            firstStarted = true;
            while (!stop.stopRequested())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            firstSawStop = true;
            // Returns normally even though it was asked to stop: its result must still be dropped.
            return std::function<void()>([&] { applied << QStringLiteral("old"); });
        });
        QTRY_VERIFY_WITH_TIMEOUT(firstStarted.load(), 10000);
        runner.start(QStringLiteral("new"), [&](const ProgressFn&, const StopToken&) {
            return std::function<void()>([&] { applied << QStringLiteral("new"); });
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        runner.waitForIdle();
        QCoreApplication::processEvents();
        QVERIFY(firstSawStop.load());
        QCOMPARE(applied, QStringList {QStringLiteral("new")});
        QCOMPARE(cancelled.count(), 0); // the superseded job says nothing
        QCOMPARE(runner.description(), QStringLiteral("new"));
    }

    void destructionWaitsForRunningWork()
    {
        std::atomic<bool> done {false};
        {
            JobRunner runner;
            runner.start(QStringLiteral("slow"), [&](const ProgressFn&, const StopToken& stop) {
                for (int i = 0; i < 50 && !stop.stopRequested(); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                done = true;
                return std::function<void()>([] {});
            });
        }
        QVERIFY(done.load());
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"

// Issue 17 in the GUI: a file that crashes libhdf5 is opened in the Explorer while the Training
// studio trains in the same process. The reionscope-probe helper takes the crash; the window shows
// an error naming the file, stays up and keeps working, and the training goes on.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/session.h"
#include "ml/run_folder.h"
#include "shell/main_window.h"
#include "shell/message_bar.h"
#include "studio/new_run_dialog.h"
#include "studio/training_controller.h"
#include "studio/training_workspace.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <memory>

using namespace rs;
using namespace rs::ui;

namespace {

/// The last batch the controller has reported (-1 before the first).
std::int64_t lastStep(TrainingController* c)
{
    c->flush();
    return c->lastProgress() ? c->lastProgress()->step : -1;
}

std::int64_t lastBatchInHistory(const std::string& run)
{
    std::int64_t step = -1;
    for (const rs::ml::HistoryRecord& r : rs::ml::readHistory(run))
        if (r.type == "batch")
            step = std::max(step, r.step);
    return step;
}

} // namespace

class TestIsolationGui : public QObject {
    Q_OBJECT

public:
    static void initMain()
    {
        guifixtures::initGuiTestMain();
        qputenv("REIONSCOPE_PROBE", QByteArrayLiteral(REIONSCOPE_PROBE_EXE));
    }

private:
    QTemporaryDir m_dir;
    std::string m_ds, m_crashing, m_good;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath(QStringLiteral("ds.h5")).toStdString(), {7, 9}, {20}, 3, 16, 2);
        const std::vector<float> v = fixtures::pattern(8 * 8 * 8);
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("good")) && QDir(m_dir.path()).mkpath(QStringLiteral("bad")));
        m_good = fixtures::writeV3(
            m_dir.path(), "good/BrightnessTemp_good.h5", "BrightnessTemp", "brightness_temp", 8, 12.0, 8.0, v);
        m_crashing = fixtures::writeV3(
            m_dir.path(), "bad/damaged_heap.h5", "BrightnessTemp", "brightness_temp", 8, 12.0, 8.0, v);
        QVERIFY(fixtures::damageGlobalHeap(m_crashing));
        // The library itself does crash on it: without the helper this would end the process.
        QProcess p;
        p.start(QStringLiteral(REIONSCOPE_PROBE_EXE), {QString::fromStdString(m_crashing)});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    }

    void crashingFileWhileTrainingShowsAnErrorAndTrainingGoesOn()
    {
        MainWindow w;
        w.resize(1400, 900);
        const QString runs = m_dir.filePath(QStringLiteral("runs"));
        w.training()->setRunsFolder(runs);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        rs::ml::RunConfig c = fixtures::tinyRunConfig(m_ds);
        c.batch = 2;
        c.epochs = 1000; // far longer than the test: it is stopped at the end
        const QString run = QDir(runs).filePath(QStringLiteral("busy"));
        TrainingController* ctl = w.training()->controller();
        QVERIFY(w.training()->startRun({run, c}));
        QTRY_VERIFY_WITH_TIMEOUT(lastStep(ctl) >= 2, 60000);

        MessageBar* bar = w.messageBar();
        QVERIFY(!bar->isVisible());
        w.openPaths({QString::fromStdString(m_crashing)});
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), 60000);
        const QString text = bar->message() + QLatin1Char('\n') + bar->details();
        QVERIFY2(bar->message().startsWith(QStringLiteral("Could not open")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("damaged_heap.h5")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("crashed reading its metadata")), qPrintable(text));

        // Still up, still training: more batches after the error than before it.
        QVERIFY(w.isVisible());
        QVERIFY(ctl->isBusy());
        const std::int64_t atError = lastStep(ctl);
        QTRY_VERIFY_WITH_TIMEOUT(lastStep(ctl) >= atError + 3, 60000);

        // And the Explorer still opens good data.
        w.openPaths({QString::fromStdString(m_good)});
        Session* s = w.session();
        QTRY_VERIFY_WITH_TIMEOUT(!s->isBusy() && !s->snapshot().empty(), 60000);
        QVERIFY(!bar->isVisible());

        ctl->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!ctl->isBusy(), 60000);
        // The run's own record agrees: batches written after the error, then a clean stop.
        QVERIFY(lastBatchInHistory(run.toStdString()) >= atError + 3);
        QCOMPARE(rs::ml::readHistory(run.toStdString()).back().type, std::string("stopped"));
    }
};

QTEST_MAIN(TestIsolationGui)
#include "tst_isolation_gui.moc"

// First start with no arguments and no recent data: the demo grid is generated in the background
// by the simulator and opened, and a second start opens it at once. Slow (simulates 64^3 boxes).
#include "gui_fixtures.h"

#include "explorer/catalog_model.h"
#include "explorer/session.h"
#include "shell/first_start_data.h"
#include "shell/job_runner.h"
#include "shell/main_window.h"
#include "vtk/vtk_host_widget.h"

#include <QtTest>

using namespace rs::ui;

class TestFirstStart : public QObject {
    Q_OBJECT

public:
    static void initMain()
    {
        guifixtures::useTemporaryUserDirs();
        VtkHostWidget::installDefaultSurfaceFormat();
        QCoreApplication::setApplicationName(QStringLiteral("ReionScopeFirstStartTest"));
    }

private Q_SLOTS:
    void firstStartGeneratesAndOpensTheDemo()
    {
        const QString folder = DemoData::defaultFolder();
        QVERIFY(folder.startsWith(qEnvironmentVariable("XDG_DATA_HOME")));
        QVERIFY(!DemoData::exists(folder));
        MainWindow w;
        w.start({});
        QVERIFY(w.demoData()->job()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!w.session()->snapshot().empty(), 120000);
        QCOMPARE(w.session()->openedPaths(), QStringList {folder});
        // The first seed: every ζ at every z, three quantities each.
        CatalogModel* m = w.session()->model();
        QCOMPARE(m->rowCount(), 4);
        for (int r = 0; r < m->rowCount(); ++r) {
            QCOMPARE(m->redshifts(r), (std::vector<double> {7, 8, 9, 10}));
            QCOMPARE(m->rowCount(m->index(0, 0, m->index(r, 0))), 3);
        }
        QCOMPARE(w.session()->snapshot().cubes.size(), std::size_t(3));
        // The other seeds follow in the background; closing the window cancels them cleanly.
        QVERIFY(w.demoData()->job()->isRunning());
    }

    void secondStartOpensTheDemoAtOnce()
    {
        MainWindow w;
        // The first start's demo folder is in the recent list now.
        w.start({});
        QTRY_VERIFY_WITH_TIMEOUT(!w.session()->snapshot().empty(), 30000);
        QCOMPARE(w.session()->openedPaths(), QStringList {DemoData::defaultFolder()});
    }
};

QTEST_MAIN(TestFirstStart)
#include "tst_first_start.moc"

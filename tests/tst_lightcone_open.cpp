// Opening today's py21cmfast output in the Explorer: a v3 cache folder and v3/v4 coeval files
// open at their own redshift with δ | x_HI | δT_b in the three panels (not the linear z = 0
// initial density in every panel), and a mixed open of good and bad paths keeps one banner
// listing every failed path.
#include "fixtures.h"
#include "gui_fixtures.h"

#include "explorer/explorer_workspace.h"
#include "explorer/lightcone_view.h"
#include "explorer/linked_slices_view.h"
#include "explorer/session.h"
#include "explorer/slice_panel.h"
#include "explorer/stats_panel.h"
#include "shell/job_runner.h"
#include "shell/main_window.h"
#include "shell/message_bar.h"

#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <set>

using namespace rs;
using namespace rs::ui;

namespace {
const QString kLightcone = QStringLiteral(
    REIONSCOPE_DATA_DIR "/py21cmfast/v3/lightcone/LightCone_z7.0_247e5848fc1c76f1eb7217966aae343d_r2.h5");
} // namespace

class TestLightconeOpen : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    std::unique_ptr<MainWindow> m_window;

    bool openAndWait(const QStringList& paths)
    {
        m_window->openPaths(paths);
        Session* s = m_window->session();
        return QTest::qWaitFor([s] { return !s->isBusy() && !s->snapshot().empty(); }, 30000);
    }

    /// The quantities the first three panels show.
    std::vector<Quantity> panelQuantities() const
    {
        LinkedSlicesView* v = m_window->explorer()->slices();
        std::vector<Quantity> out;
        for (int i = 0; i < 3; ++i) {
            const int sel = v->panel(i)->selectedCube();
            out.push_back(
                sel >= 0 && sel < int(v->cubes().size()) ? v->cubes()[std::size_t(sel)].quantity() : Quantity::Other);
        }
        return out;
    }

private Q_SLOTS:
    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup() { m_window.reset(); }

    void coevalDataOpensAtItsOwnRedshift_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<double>("z");
        const QString py = QStringLiteral(REIONSCOPE_DATA_DIR "/py21cmfast");
        QTest::newRow("v3 cache folder") << py + "/v3/coeval" << 8.0;
        QTest::newRow("v3 Coeval file") << py + "/v3/coeval/Coeval_z8.0_942b7da18c0afe4674b892ca54049b66_r1.h5" << 8.0;
        QTest::newRow("v4 Coeval file") << py + "/v4/coeval/Coeval_z8.0_r1.h5" << 8.0;
    }

    void coevalDataOpensAtItsOwnRedshift()
    {
        QFETCH(QString, path);
        QFETCH(double, z);
        if (!QFileInfo::exists(path))
            QSKIP("the py21cmfast data folder is absent; skipping");
        // First something with only a density at one redshift, so a panel could keep δ.
        QTemporaryDir dir;
        const auto v = fixtures::pattern(8 * 8 * 8, 0.3f);
        fixtures::writeFloats(dir.path(), "updated_smoothed_deltax_z010.00_8_12Mpc", v);
        QVERIFY(openAndWait({dir.path()}));
        QVERIFY(openAndWait({path}));
        const Snapshot& s = m_window->session()->snapshot();
        QVERIFY(s.redshift);
        QCOMPARE(*s.redshift, z);
        QCOMPARE(panelQuantities(),
            (std::vector<Quantity> {Quantity::Density, Quantity::NeutralFraction, Quantity::BrightnessTemperature}));
        QCOMPARE(m_window->explorer()->slices()->panelCount(), 3); // all three shown, not the one δ had
        // Panels show only what is open now (paths compared resolved: the data folder may be
        // given as <repo>/../shared/data).
        const std::string opened = std::filesystem::weakly_canonical(path.toStdString()).string();
        for (const LoadedCube& c : s.cubes) {
            const std::string source = std::filesystem::weakly_canonical(c.cube.metadata().sourcePath).string();
            QVERIFY2(source.rfind(opened, 0) == 0, source.c_str());
        }
    }

    void lightconeFileOpensTheLightconeTab()
    {
        const QString path = kLightcone;
        if (!QFileInfo::exists(path))
            QSKIP("the py21cmfast data folder is absent; skipping");
        QVERIFY(openAndWait({path}));
        ExplorerWorkspace* ex = m_window->explorer();
        QCOMPARE(ex->views()->currentWidget(), static_cast<QWidget*>(ex->lightconeView()));
        const Cube& lc = ex->lightconeView()->lightcone();
        QCOMPARE(lc.quantity(), Quantity::BrightnessTemperature);
        QCOMPARE(lc.shape()[2], std::size_t(309));
        QVERIFY(std::abs(ex->lightconeView()->chosenRedshift() - 7.0) < 1e-5);
        // Coeval data afterwards brings the slices back.
        QTemporaryDir dir;
        guifixtures::writeClassicTrio(dir.path(), 8, 12.0, 8.0, 20.0, 0.5);
        QVERIFY(openAndWait({dir.path()}));
        QCOMPARE(ex->views()->currentWidget(), static_cast<QWidget*>(ex->slices()));
        QVERIFY(ex->lightconeView()->lightcone().empty());
    }

    void lightconeStatisticsWaitForThePanelAndTheHistoryComesFromTheFile()
    {
        const QString path = kLightcone;
        if (!QFileInfo::exists(path))
            QSKIP("the py21cmfast data folder is absent; skipping");
        StatsPanel* stats = m_window->explorer()->stats();
        stats->hide();
        QVERIFY(openAndWait({path}));
        // Hidden: the lightcone's statistics (FFTs of the whole cone) wait.
        QVERIFY(stats->cubeStatisticsDeferred());
        QVERIFY(!stats->cubeJob()->isRunning());
        QVERIFY(!stats->cubeStatistics());
        // The history is the file's global quantities at its node redshifts (the lightcone is not
        // read again); the layout dump gives xH_box 0.26275 … 0.759988, mean 0.549505.
        QTRY_VERIFY_WITH_TIMEOUT(stats->series() && !stats->seriesJob()->isRunning(), 30000);
        const RunSeries& series = *stats->series();
        QCOMPARE(series.z.size(), std::size_t(10));
        QVERIFY(std::is_sorted(series.z.begin(), series.z.end()));
        double sum = 0;
        for (double nf : series.nf)
            sum += nf;
        QVERIFY2(std::abs(sum / 10 - 0.549505) < 1e-5, qPrintable(QString::number(sum / 10)));
        QVERIFY(std::abs(*std::min_element(series.nf.begin(), series.nf.end()) - 0.26275) < 1e-5);
        QVERIFY(std::abs(*std::max_element(series.nf.begin(), series.nf.end()) - 0.759988) < 1e-5);
        QVERIFY(series.nf.front() < series.nf.back()); // neutral fraction rises with z
        for (double tb : series.meanTb)
            QVERIFY(tb >= 4.75 && tb <= 17.72); // brightness_temp 4.7509 … 17.7108
        // Shown: they are computed, for the lightcone shown.
        stats->show();
        QTRY_VERIFY_WITH_TIMEOUT(stats->cubeStatistics().has_value(), 30000);
        QVERIFY(!stats->cubeStatisticsDeferred());
        QCOMPARE(stats->cubeStatistics()->quantity, Quantity::BrightnessTemperature);
        QVERIFY(!stats->cubeStatistics()->spectrum.k.empty());
    }

    void mixedOpenKeepsOneBannerListingEveryFailure()
    {
        QTemporaryDir dir;
        const auto t = guifixtures::writeClassicTrio(dir.path(), 8, 12.0, 8.0, 20.0, 0.5);
        const std::string bad1 = fixtures::writeBytes(dir.path(), "broken.h5", "\x89HDF\r\n\x1a\nxx", 10);
        const std::string bad2 = fixtures::writeBytes(dir.path(), "notes.npy", "\x93NUMPYbad", 9);
        m_window->openPaths({QString::fromStdString(t.density), QString::fromStdString(t.xhi),
            QString::fromStdString(t.tb), QString::fromStdString(bad1), QString::fromStdString(bad2)});
        Session* s = m_window->session();
        QTRY_VERIFY_WITH_TIMEOUT(!s->isBusy() && !s->snapshot().empty(), 30000);
        MessageBar* bar = m_window->messageBar();
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), 5000);
        QTest::qWait(200); // nothing hides it afterwards
        QVERIFY(bar->isVisible());
        QVERIFY2(bar->message().contains("2 file"), qPrintable(bar->message()));
        QVERIFY2(
            bar->details().contains("broken.h5") && bar->details().contains("notes.npy"), qPrintable(bar->details()));
    }
};

QTEST_MAIN(TestLightconeOpen)
#include "tst_lightcone_open.moc"

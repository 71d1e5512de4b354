// The Explorer end to end: open data through the same path as the menu, browse the catalog, move
// and link slice views, read values under the cursor, statistics, exports, errors in plain words.
// Every check runs on fixture files written into a QTemporaryDir; the real 21cmFAST sample adds
// the same checks on real data where it is present.
#include "fixtures.h"
#include "gui_fixtures.h"

#include "charts/power_map.h"
#include "explorer/catalog_model.h"
#include "explorer/catalog_panel.h"
#include "explorer/explorer_workspace.h"
#include "explorer/linked_slices_view.h"
#include "explorer/session.h"
#include "explorer/slice_controls.h"
#include "explorer/slice_panel.h"
#include "explorer/stats_panel.h"
#include "io/npy.h"
#include "shell/job_runner.h"
#include "shell/main_window.h"
#include "shell/message_bar.h"
#include "shell/recent_files.h"
#include "shell/status_info.h"
#include "shell/text_format.h"
#include "vtk/vtk_host_widget.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QMimeData>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

float rawFloat(const std::string& path, std::size_t index)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly) || !f.seek(qint64(index * sizeof(float))))
        return NAN;
    float v = NAN;
    f.read(reinterpret_cast<char*>(&v), sizeof v);
    return v;
}

/// The number after "= " in a readout such as "voxel (1, 2, 3) · (...) Mpc · δT_b = 12.35 mK".
double readoutNumber(const QString& text)
{
    const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("= (-?[0-9.eE+-]+)")).match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : NAN;
}

std::array<std::size_t, 3> readoutVoxel(const QString& text)
{
    const QRegularExpressionMatch m
        = QRegularExpression(QStringLiteral("voxel \\((\\d+), (\\d+), (\\d+)\\)")).match(text);
    if (!m.hasMatch())
        return {9999, 9999, 9999};
    return {m.captured(1).toULongLong(), m.captured(2).toULongLong(), m.captured(3).toULongLong()};
}

void hover(QWidget* w, QPointF pos)
{
    QMouseEvent move(QEvent::MouseMove, pos, w->mapToGlobal(pos), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w, &move);
}

/// Data one test row opens: a folder, and where its three boxes are (for independent reads).
struct Dataset {
    QString folder;
    std::string density, xhi, tb;
    std::size_t n = 0;
};

} // namespace

class TestExplorer : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_tmp;
    Dataset m_fixture;
    std::unique_ptr<MainWindow> m_window;

    bool openAndWait(const QStringList& paths)
    {
        m_window->openPaths(paths);
        Session* s = m_window->session();
        // Wait until opening and loading are both done and something is shown.
        const bool ok = QTest::qWaitFor([s] { return !s->isBusy() && !s->snapshot().empty(); }, 30000);
        if (!ok)
            qWarning("openAndWait: busy %d loader %d empty %d rows %d", s->isBusy(), s->loader()->isRunning(),
                s->snapshot().empty(), s->model()->rowCount());
        return ok;
    }

    Dataset datasetFor(const QString& name)
    {
        if (name == QLatin1String("fixture"))
            return m_fixture;
        Dataset d;
        d.folder = fixtures::sampleDir();
        if (d.folder.isEmpty())
            return d;
        const QDir dir(d.folder);
        d.density = dir.filePath(QStringLiteral("updated_smoothed_deltax_z008.00_64_96Mpc")).toStdString();
        d.xhi = dir.filePath(QStringLiteral("xH_nohalos_z008.00_nf0.548080_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_"
                                            "RHIImax50_64_96Mpc"))
                    .toStdString();
        d.tb = dir.filePath(QStringLiteral("delta_T_v3_z008.00_nf0.548080_useTs0_64_96Mpc")).toStdString();
        d.n = 64;
        return d;
    }

    void addDataRows()
    {
        QTest::addColumn<QString>("data");
        QTest::newRow("fixture") << QStringLiteral("fixture");
        QTest::newRow("21cmfast-sample") << QStringLiteral("sample");
    }

    /// Opens the row's data in a shown window; skips (saying why) for an absent sample.
    bool openRow(const QString& which, Dataset* d)
    {
        *d = datasetFor(which);
        if (d->folder.isEmpty())
            return false;
        m_window->show();
        if (!QTest::qWaitForWindowExposed(m_window.get()))
            return false;
        return openAndWait({d->folder});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // Not named like "zeta20": see the report on folder labels splitting runs in core/catalog.
        const QString dir = m_tmp.filePath(QStringLiteral("fixture-run"));
        QDir().mkpath(dir);
        guifixtures::writeClassicTrio(dir, 12, 18.0, 9.0, 20.0, 0.6);
        const auto t = guifixtures::writeClassicTrio(dir, 12, 18.0, 8.0, 20.0, 0.5);
        m_fixture = {dir, t.density, t.xhi, t.tb, 12};
    }

    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1400, 900);
    }

    void cleanup() { m_window.reset(); }

    void opensLikeTheMenu_data() { addDataRows(); }
    void opensLikeTheMenu()
    {
        QFETCH(QString, data);
        Dataset d = datasetFor(data);
        if (d.folder.isEmpty())
            QSKIP("the real 21cmFAST sample is absent (REIONSCOPE_SAMPLE_DIR); the fixture row covers this path");
        QVERIFY(openAndWait({d.folder}));
        CatalogModel* model = m_window->session()->model();
        QCOMPARE(model->rowCount(), 1); // one run
        const QModelIndex run = model->index(0, 0);
        QCOMPARE(run.data().toString(), QStringLiteral("ζ=20"));
        const QModelIndex z8 = model->redshiftIndex(0, 8.0);
        QVERIFY(z8.isValid());
        QCOMPARE(model->rowCount(z8), 3); // three quantities
        const Snapshot& s = m_window->session()->snapshot();
        QCOMPARE(s.cubes.size(), std::size_t(3));
        QCOMPARE(*s.redshift, 8.0);
        LinkedSlicesView* slices = m_window->explorer()->slices();
        QCOMPARE(slices->panelCount(), 3);
        QCOMPARE(slices->panel(0)->cube().quantity(), Quantity::Density);
        QCOMPARE(slices->panel(1)->cube().quantity(), Quantity::NeutralFraction);
        QCOMPARE(slices->panel(2)->cube().quantity(), Quantity::BrightnessTemperature);
        QCOMPARE(slices->linkedState().index, int(d.n / 2));
        QVERIFY(m_window->windowTitle().contains(QFileInfo(d.folder).fileName()));
        QCOMPARE(m_window->recentFiles()->entries().front(), QStringList {QFileInfo(d.folder).absoluteFilePath()});
    }

    void sliderChangesImageAndReadout_data() { addDataRows(); }
    void sliderChangesImageAndReadout()
    {
        REQUIRE_OPENGL();
        QFETCH(QString, data);
        Dataset d;
        if (!openRow(data, &d))
            QSKIP("the real 21cmFAST sample is absent (REIONSCOPE_SAMPLE_DIR); the fixture row covers this path");
        SlicePanel* tb = m_window->explorer()->slices()->panel(2);
        SlicePanel* density = m_window->explorer()->slices()->panel(0);
        QTRY_VERIFY(tb->canvas()->isGlReady());
        const QImage before = tb->canvas()->grabImage();
        QVERIFY2(guifixtures::blackFraction(before) < 0.9, "the δT_b slice rendered black");
        const int index = int(d.n / 2) + 3;
        tb->controls()->slider()->setValue(index);
        QCOMPARE(tb->canvas()->state().index, index);
        QCOMPARE(density->canvas()->state().index, index); // linked
        const QImage after = tb->canvas()->grabImage();
        QVERIFY2(guifixtures::meanAbsDifference(before, after) > 0.5, "moving the slider did not change the image");

        // Hover a known voxel: slice perpendicular to x at i = index, row j, column k.
        const std::size_t j = 2, k = d.n - 3;
        hover(tb->canvas(), tb->canvas()->positionOfCell(j, k));
        const std::size_t flat = (std::size_t(index) * d.n + j) * d.n + k;
        const QString text = tb->readoutText();
        QCOMPARE(readoutVoxel(text), (std::array<std::size_t, 3> {std::size_t(index), j, k}));
        const double expected = rawFloat(d.tb, flat);
        QVERIFY2(std::abs(readoutNumber(text) - expected) <= 1e-3 * std::max(1.0, std::abs(expected)),
            qPrintable(QStringLiteral("readout '%1', file holds %2").arg(text).arg(expected)));
        QVERIFY(text.contains(QStringLiteral("mK")));
        // The linked density panel reads the same voxel of its own cube.
        const double expectedDensity = rawFloat(d.density, flat);
        QCOMPARE(readoutVoxel(density->readoutText()), readoutVoxel(text));
        QVERIFY2(std::abs(readoutNumber(density->readoutText()) - expectedDensity)
                <= 1e-3 * std::max(1.0, std::abs(expectedDensity)),
            qPrintable(density->readoutText()));
        // And the status bar shows the value too.
        QVERIFY(m_window->statusInfo()->valueText().contains(QStringLiteral("δT_b")));
        QVERIFY(
            m_window->statusInfo()->positionText().contains(QStringLiteral("(%1, %2, %3)").arg(index).arg(j).arg(k)));
    }

    void switchingAxisSlicesTheOtherWay()
    {
        REQUIRE_OPENGL();
        Dataset d;
        QVERIFY(openRow(QStringLiteral("fixture"), &d));
        SlicePanel* p = m_window->explorer()->slices()->panel(1);
        QTRY_VERIFY(p->canvas()->isGlReady());
        const QImage before = p->canvas()->grabImage();
        QTest::mouseClick(p->controls()->axisButton(1), Qt::LeftButton);
        QCOMPARE(p->canvas()->state().axis, 1);
        QCOMPARE(m_window->explorer()->slices()->panel(0)->canvas()->state().axis, 1);
        QCOMPARE(p->canvas()->state().index, int(d.n / 2));
        const QImage after = p->canvas()->grabImage();
        QVERIFY(guifixtures::meanAbsDifference(before, after) > 0.5);
        // Now rows run along x and columns along z; the probe says j = index.
        const VoxelProbe probe = p->canvas()->probeAt(p->canvas()->positionOfCell(4, 1));
        QVERIFY(probe.valid);
        QCOMPARE(probe.voxel, (std::array<std::size_t, 3> {4, d.n / 2, 1}));
        QCOMPARE(probe.value, double(rawFloat(d.xhi, (4 * d.n + d.n / 2) * d.n + 1)));
    }

    void linkedViewsFollowAndUnlink()
    {
        Dataset d;
        m_window->show();
        QVERIFY(openAndWait({m_fixture.folder}));
        LinkedSlicesView* v = m_window->explorer()->slices();
        SlicePanel* a = v->panel(0);
        SlicePanel* b = v->panel(1);
        a->controls()->spinBox()->setValue(7);
        QCOMPARE(b->canvas()->state().index, 7);
        // Zoom follows too.
        const QPointF at(a->canvas()->width() / 2.0, a->canvas()->height() / 2.0);
        QWheelEvent wheel(at, a->canvas()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
            Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(a->canvas(), &wheel);
        QVERIFY(a->canvas()->state().zoom > 1.1);
        QCOMPARE(b->canvas()->state().zoom, a->canvas()->state().zoom);
        // The cursor follows: b shows a's voxel.
        hover(a->canvas(), a->canvas()->positionOfCell(3, 5));
        QCOMPARE(readoutVoxel(b->readoutText()), (std::array<std::size_t, 3> {7, 3, 5}));
        // Unlinked, b stays where it is.
        QTest::mouseClick(b->linkButton(), Qt::LeftButton);
        QVERIFY(!b->isLinked());
        a->controls()->spinBox()->setValue(2);
        QCOMPARE(a->canvas()->state().index, 2);
        QCOMPARE(b->canvas()->state().index, 7);
        QCOMPARE(v->panel(2)->canvas()->state().index, 2); // still linked
        // Relinked, b rejoins the group.
        QTest::mouseClick(b->linkButton(), Qt::LeftButton);
        QCOMPARE(b->canvas()->state().index, 2);
        // Keyboard stepping moves the group.
        a->canvas()->setFocus();
        QTest::keyClick(a->canvas(), Qt::Key_Right);
        QCOMPARE(b->canvas()->state().index, 3);
    }

    void corruptFilesShowAnErrorAndTheAppKeepsWorking_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("words");
        QTest::newRow("classic box of the wrong size")
            << QStringLiteral("delta_T_v3_z008.00_nf0.500000_useTs0_12_18Mpc") << QByteArray(1000, 'x')
            << QStringLiteral("bytes");
        QTest::newRow("npy with a damaged header")
            << QStringLiteral("cube.npy") << QByteArray("\x93NUMPY\x01\x00\x10\x00{'descr': '<f4',  ", 26)
            << QStringLiteral("cube.npy");
        QByteArray h5("\x89HDF\r\n\x1a\n", 8);
        h5.append(QByteArray(600, '\x07'));
        QTest::newRow("HDF5 file cut short") << QStringLiteral("broken.h5") << h5 << QStringLiteral("broken.h5");
        QTest::newRow("not a cube file at all")
            << QStringLiteral("notes.txt") << QByteArray("hello") << QStringLiteral("notes.txt");
    }

    void corruptFilesShowAnErrorAndTheAppKeepsWorking()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, words);
        QTemporaryDir dir;
        const std::string path
            = fixtures::writeBytes(dir.path(), name.toStdString(), bytes.constData(), std::size_t(bytes.size()));
        m_window->show();
        // With data open, a bad file leaves that data on screen.
        QVERIFY(openAndWait({m_fixture.folder}));
        const QString runBefore = m_window->session()->snapshot().runId;
        MessageBar* bar = m_window->messageBar();
        QVERIFY(!bar->isVisible());
        m_window->openPaths({QString::fromStdString(path)});
        QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), 10000);
        QVERIFY2(bar->message().contains(name), qPrintable(bar->message()));
        QVERIFY2((bar->message() + bar->details()).contains(words), qPrintable(bar->message()));
        QVERIFY(bar->message().startsWith(QStringLiteral("Could not open")));
        QCOMPARE(m_window->session()->snapshot().runId, runBefore);
        QCOMPARE(m_window->session()->model()->rowCount(), 1);
        // Still working: open good data again, the message goes away.
        m_window->session()->loadSnapshot(0, 9.0);
        QTRY_COMPARE_WITH_TIMEOUT(*m_window->session()->snapshot().redshift, 9.0, 10000);
        QVERIFY(openAndWait({m_fixture.folder}));
        QVERIFY(!bar->isVisible());
    }

    void dropOpensFiles()
    {
        m_window->show();
        auto* mime = new QMimeData;
        mime->setUrls({QUrl::fromLocalFile(m_fixture.folder)});
        const QPoint pos(200, 200);
        QDragEnterEvent enter(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_window.get(), &drop);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->snapshot().empty(), 20000);
        QCOMPARE(m_window->session()->openedPaths(), QStringList {m_fixture.folder});
        delete mime;
    }

    void newerSelectionSupersedesOlder()
    {
        QVERIFY(openAndWait({m_fixture.folder}));
        Session* s = m_window->session();
        QCOMPARE(*s->snapshot().redshift, 8.0);
        QSignalSpy changed(s, &Session::snapshotChanged);
        s->loadSnapshot(0, 9.0);
        s->loadSnapshot(0, 8.0); // changes its mind before z = 9 arrives
        QTRY_VERIFY_WITH_TIMEOUT(!s->isBusy(), 10000);
        s->loader()->waitForIdle();
        QCoreApplication::processEvents();
        QCOMPARE(*s->snapshot().redshift, 8.0);
        // Results arrive through the event loop, so the z = 9 job was superseded before it could
        // deliver: only z = 8 was ever shown.
        QCOMPARE(changed.count(), 1);
        QCOMPARE(*changed.first().at(0).value<Snapshot>().redshift, 8.0);
    }

    void catalogSelectionLoadsThatRedshift()
    {
        QVERIFY(openAndWait({m_fixture.folder}));
        CatalogPanel* panel = m_window->explorer()->catalogPanel();
        CatalogModel* model = m_window->session()->model();
        const QModelIndex z9 = model->redshiftIndex(0, 9.0);
        QVERIFY(z9.isValid());
        panel->view()->setCurrentIndex(z9);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->session()->snapshot().redshift == 9.0 && !m_window->session()->isBusy(), 10000);
        QCOMPARE(m_window->explorer()->slices()->panel(1)->cube().cube.redshift(), 9.0);
    }

    void statisticsComeFromCore()
    {
        QVERIFY(openAndWait({m_fixture.folder}));
        StatsPanel* stats = m_window->explorer()->stats();
        QTRY_VERIFY_WITH_TIMEOUT(stats->cubeStatistics().has_value() && stats->series().has_value(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!stats->cubeJob()->isRunning() && !stats->seriesJob()->isRunning(), 20000);
        const CubeStatistics& c = *stats->cubeStatistics();
        QCOMPARE(c.quantity, Quantity::BrightnessTemperature);
        std::uint64_t total = 0;
        for (auto n : c.histogram.counts)
            total += n;
        QCOMPARE(total + c.histogram.below + c.histogram.above, std::uint64_t(12 * 12 * 12));
        QVERIFY(!c.spectrum.k.empty());
        // nf(z) and mean δT_b(z) of the run: box means of the fixture boxes.
        const RunSeries& s = *stats->series();
        QCOMPARE(s.z, (std::vector<double> {8.0, 9.0}));
        for (std::size_t zi = 0; zi < 2; ++zi) {
            const auto t = guifixtures::writeClassicTrio(
                m_tmp.filePath(QStringLiteral("scratch%1").arg(zi)), 12, 18.0, s.z[zi], 20.0, 0.5);
            double nf = 0, tb = 0;
            for (std::size_t i = 0; i < t.xhiValues.size(); ++i) {
                nf += t.xhiValues[i];
                tb += t.tbValues[i];
            }
            QVERIFY(std::abs(s.nf[zi] - nf / double(t.xhiValues.size())) < 1e-6);
            QVERIFY(std::abs(s.meanTb[zi] - tb / double(t.tbValues.size())) < 1e-4);
        }
        QVERIFY(!stats->chartView(StatsPanel::Chart::Spectrum)->chart()->series().isEmpty());
        QVERIFY(!stats->chartView(StatsPanel::Chart::NeutralFraction)->chart()->series().isEmpty());
    }

    void newStatisticsAreDrawn()
    {
        QVERIFY(openAndWait({m_fixture.folder}));
        StatsPanel* stats = m_window->explorer()->stats();
        QTRY_VERIFY_WITH_TIMEOUT(stats->cubeStatistics().has_value() && !stats->cubeJob()->isRunning(), 20000);
        const auto t
            = guifixtures::writeClassicTrio(m_tmp.filePath(QStringLiteral("scratch-new")), 12, 18.0, 8.0, 20.0, 0.5);
        // δT_b: PDF moments of the box, Δ² with error bars, the 2D map; no bubble sizes.
        const CubeStatistics& c = *stats->cubeStatistics();
        QCOMPARE(c.quantity, Quantity::BrightnessTemperature);
        double mean = 0;
        for (float v : t.tbValues)
            mean += v;
        mean /= double(t.tbValues.size());
        QVERIFY(std::abs(c.field.pdf.moments.mean - mean) < 1e-4);
        QVERIFY(!c.field.cylindrical.power.empty());
        QVERIFY(stats->powerMap()->hasData());
        QVERIFY(stats->chartView(StatsPanel::Chart::Histogram)->chart()->title().contains(QStringLiteral("skewness")));
        // Charts are renewed on every redraw: always ask the view for its current one.
        auto spectrum = [&] { return stats->chartView(StatsPanel::Chart::Spectrum)->chart(); };
        // One curve and one bar per bin with a positive Δ² (the ps_ reference is absent here).
        QVERIFY(spectrum()->series().size() > 1 + int(c.spectrum.k.size()) / 2);
        auto firstX = [&] { return static_cast<QLineSeries*>(spectrum()->series().first())->at(0).x(); };
        const double kMpc = firstX();
        stats->setPerH(true);
        QVERIFY(std::abs(firstX() - kMpc / 0.68) < 1e-9 * kMpc);
        stats->setPerH(false);
        QVERIFY(stats->chartView(StatsPanel::Chart::Bubbles)->chart()->series().isEmpty());
        QVERIFY(stats->pinCurrent()); // δT_b stays in the charts as an overlay
        // x_HI: friends-of-friends volumes add up to the ionized (x_HI = 0) cells' volume.
        QVERIFY(stats->chooseCube(Quantity::NeutralFraction));
        QTRY_VERIFY_WITH_TIMEOUT(
            stats->cubeStatistics()->quantity == Quantity::NeutralFraction && !stats->cubeJob()->isRunning(), 20000);
        const FieldStatistics& f = stats->cubeStatistics()->field;
        QVERIFY(f.meanFreePath && f.regions);
        std::size_t ionized = 0;
        for (float v : t.xhiValues)
            ionized += v < 0.5f ? 1 : 0;
        const double cell = std::pow(18.0 / 12.0, 3);
        double sum = 0;
        for (double v : f.regions->volumes)
            sum += v;
        QVERIFY(ionized > 0);
        QVERIFY(std::abs(sum - double(ionized) * cell) < 1e-6 * sum);
        QVERIFY(f.meanFreePath->mean > 0 && f.meanFreePath->mean < 18.0);
        QVERIFY(!stats->chartView(StatsPanel::Chart::Bubbles)->chart()->series().isEmpty());
        QVERIFY(!stats->fofView()->chart()->series().isEmpty());
        // The overlay: δT_b kept, x_HI current; the legend names the quantity, the only difference.
        QStringList names;
        for (QAbstractSeries* series : stats->chartView(StatsPanel::Chart::Spectrum)->chart()->series())
            if (!series->name().isEmpty())
                names << series->name();
        QCOMPARE(names,
            (QStringList {quantityPlain(Quantity::BrightnessTemperature), quantityPlain(Quantity::NeutralFraction)}));
        stats->clearPinned();
        QVERIFY(stats->pinned().empty());
        const QString csv = m_tmp.filePath(QStringLiteral("bubbles.csv"));
        stats->exportCsv(StatsPanel::Chart::Bubbles, csv);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(QStringLiteral("r_mpc,r_dp_dr")) && text.contains(QStringLiteral("v_mpc3,v_dp_dv")));
    }

    void overlayLegendNamesWhatDiffers()
    {
        CubeStatistics a, b, c;
        a.quantity = b.quantity = c.quantity = Quantity::BrightnessTemperature;
        a.redshift = 8.0, b.redshift = 9.0, c.redshift = 8.0;
        a.runLabel = b.runLabel = QStringLiteral("ζ=20");
        c.runLabel = QStringLiteral("ζ=30");
        a.folder = b.folder = QStringLiteral("/data/zeta20");
        c.folder = QStringLiteral("/data/zeta30");
        QCOMPARE(overlayNames({&a, &b, &c}),
            (std::vector<QString> {QStringLiteral("z = 8.00 · ζ=20"), QStringLiteral("z = 9.00 · ζ=20"),
                QStringLiteral("z = 8.00 · ζ=30")}));
        // Same label and redshift, two seeds' folders: the folder tells them apart.
        b.redshift = 8.0;
        b.folder = QStringLiteral("/data/seed2");
        QCOMPARE(overlayNames({&a, &b}), (std::vector<QString> {QStringLiteral("zeta20"), QStringLiteral("seed2")}));
        // Nothing differs: numbered.
        QCOMPARE(overlayNames({&a, &a}), (std::vector<QString> {QStringLiteral("#1"), QStringLiteral("#2")}));
    }

    void exportsWriteWhatIsShown()
    {
        REQUIRE_OPENGL();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(openAndWait({m_fixture.folder}));
        ExplorerWorkspace* ex = m_window->explorer();
        SlicePanel* tb = ex->slices()->panel(2);
        tb->controls()->spinBox()->setValue(4);
        QTest::mouseClick(tb->canvas(), Qt::LeftButton, {}, QPoint(10, 10)); // makes it the current panel
        QCOMPARE(ex->slices()->currentPanel(), tb);
        QTemporaryDir out;
        const QString npy = out.filePath(QStringLiteral("slice.npy"));
        ex->exportSliceNpy(npy);
        const NpyHeader h = readNpyHeader(npy.toStdString());
        QCOMPARE(h.shape, (std::vector<std::size_t> {12, 12}));
        QFile f(npy);
        QVERIFY(f.open(QIODevice::ReadOnly));
        f.seek(qint64(h.dataOffset));
        const QByteArray payload = f.readAll();
        QCOMPARE(payload.size(), qsizetype(12 * 12 * sizeof(float)));
        const float* v = reinterpret_cast<const float*>(payload.constData());
        for (std::size_t j : {std::size_t(0), std::size_t(5), std::size_t(11)})
            for (std::size_t k : {std::size_t(0), std::size_t(7)})
                QCOMPARE(v[j * 12 + k], rawFloat(m_fixture.tb, (4 * 12 + j) * 12 + k));

        const QString csv = out.filePath(QStringLiteral("slice.csv"));
        ex->exportSliceCsv(csv);
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly | QIODevice::Text));
        QStringList rows;
        while (!c.atEnd()) {
            const QString line = QString::fromUtf8(c.readLine()).trimmed();
            if (!line.startsWith(QLatin1Char('#')))
                rows << line;
        }
        QCOMPARE(rows.size(), 12);
        const QStringList row5 = rows[5].split(QLatin1Char(','));
        QCOMPARE(row5.size(), 12);
        QCOMPARE(row5[7].toFloat(), rawFloat(m_fixture.tb, (4 * 12 + 5) * 12 + 7));

        const QString png = out.filePath(QStringLiteral("view.png"));
        ex->exportSliceView(png);
        const QImage img(png);
        QVERIFY(!img.isNull());
        QVERIFY(img.width() > tb->canvas()->width() / 2);

        const QString stats = out.filePath(QStringLiteral("spectrum.csv"));
        QTRY_VERIFY_WITH_TIMEOUT(ex->stats()->cubeStatistics().has_value(), 20000);
        ex->stats()->exportCsv(StatsPanel::Chart::Spectrum, stats);
        QFile sc(stats);
        QVERIFY(sc.open(QIODevice::ReadOnly));
        QVERIFY(sc.readAll().contains("k,delta2,error,modes"));
    }

    void startReopensTheMostRecentData()
    {
        QVERIFY(openAndWait({m_fixture.folder}));
        m_window.reset();
        m_window = std::make_unique<MainWindow>(); // a new start reads the same settings
        QCOMPARE(
            m_window->recentFiles()->entries().front(), QStringList {QFileInfo(m_fixture.folder).absoluteFilePath()});
        m_window->start({});
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->session()->snapshot().empty(), 20000);
        QCOMPARE(m_window->session()->openedPaths(), QStringList {QFileInfo(m_fixture.folder).absoluteFilePath()});
    }

    void missingPathsAreReported()
    {
        m_window->openPaths({QStringLiteral("/no/such/folder")});
        QVERIFY(m_window->messageBar()->isVisibleTo(m_window.get()));
        QVERIFY(m_window->messageBar()->message().contains(QStringLiteral("/no/such/folder")));
    }
};

QTEST_MAIN(TestExplorer)
#include "tst_explorer.moc"

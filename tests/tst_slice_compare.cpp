// Comparing cubes in the slice panels: a difference map A − B linked to both, a colour range set by
// hand and shared across panels, the telescope (observe) toggle on δT_b, and the panel's figure
// (the painter `reionscope-cli figure slice` uses).
#include "fixtures.h"
#include "gui_fixtures.h"

#include "explorer/color_bar.h"
#include "explorer/linked_slices_view.h"
#include "explorer/slice_panel.h"
#include "shell/job_runner.h"
#include "util/error.h"

#include <QDir>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

/// δT_b-like cube of 24³ cells, 96 Mpc at z 8: a smooth pattern (mK) plus `offset`.
Cube tbCube(float offset, float amplitude = 10.0f)
{
    CubeMetadata meta;
    meta.quantity = Quantity::BrightnessTemperature;
    meta.redshift = 8.0;
    Cube c({24, 24, 24}, {96.0, 96.0, 96.0}, meta);
    float* v = c.mutableData();
    for (std::size_t i = 0; i < 24; ++i)
        for (std::size_t j = 0; j < 24; ++j)
            for (std::size_t k = 0; k < 24; ++k)
                v[c.index(i, j, k)]
                    = offset + amplitude * float(std::sin(0.5 * double(i)) * std::cos(0.3 * double(j + k)));
    return c;
}

/// With REIONSCOPE_SCREENSHOT_DIR set, saves what the view shows there (for people to look at).
void saveShot(QWidget* w, const char* name)
{
    const QString dir = qEnvironmentVariable("REIONSCOPE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(200); // let the VTK canvases paint
    rs::ui::grabWithGlViews(w).save(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
}

} // namespace

class TestSliceCompare : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    std::unique_ptr<LinkedSlicesView> m_view;

    void showTwo(const Cube& a, const Cube& b)
    {
        Snapshot s;
        s.runLabel = QStringLiteral("test");
        s.redshift = 8.0;
        s.cubes = {guifixtures::loaded(a, QStringLiteral("run A")), guifixtures::loaded(b, QStringLiteral("run B"))};
        m_view = std::make_unique<LinkedSlicesView>();
        m_view->resize(1200, 500);
        m_view->setSnapshot(s);
        m_view->panel(1)->setCubes(m_view->cubes(), 1);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

private Q_SLOTS:
    void cleanup() { m_view.reset(); }

    void differenceMapIsLinked()
    {
        REQUIRE_OPENGL();
        const Cube a = tbCube(20.0f), b = tbCube(5.0f, 4.0f);
        showTwo(a, b);
        QCOMPARE(m_view->panelCount(), 2);
        m_view->showDifference(0, 1);
        QCOMPARE(m_view->panelCount(), 3);
        SlicePanel* d = m_view->panel(2);
        const Cube& shown = d->cube().cube;
        for (std::size_t i : {0ul, 777ul, 13823ul})
            QCOMPARE(shown.data()[i], a.data()[i] - b.data()[i]);
        QVERIFY(d->cube().titlePlain().contains(QStringLiteral("−")));
        QCOMPARE(d->canvas()->colormap(), ColormapId::CoolWarm);
        saveShot(m_view.get(), "difference_map");
        // Linked to both: the slice index follows the others.
        SliceViewState st = m_view->linkedState();
        st.index = 3;
        m_view->setLinkedState(st);
        QCOMPARE(d->canvas()->state().index, 3);
        QCOMPARE(m_view->panel(0)->canvas()->state().index, 3);
        // Different grids are refused by name.
        Cube small({12, 12, 12}, {96.0, 96.0, 96.0}, a.metadata());
        m_view->addComparisonCube(guifixtures::loaded(small));
        m_view->panel(1)->setCubes(m_view->cubes(), int(m_view->cubes().size()) - 1);
        RS_VERIFY_ERROR(ParameterError, m_view->showDifference(0, 1), "cannot subtract cubes of different grids",
            "24x24x24 and 12x12x12");
    }

    void rangeSetByHandIsShared()
    {
        REQUIRE_OPENGL();
        showTwo(tbCube(20.0f), tbCube(5.0f, 4.0f));
        SlicePanel* p0 = m_view->panel(0);
        SlicePanel* p1 = m_view->panel(1);
        QVERIFY(!(p1->canvas()->displayRange() == (DisplayRange {-10.0, 50.0})));
        p0->setManualRange(-10.0, 50.0);
        QCOMPARE(p0->canvas()->rangeMode(), RangeMode::Manual);
        QCOMPARE(p0->colorBar()->range(), (DisplayRange {-10.0, 50.0}));
        Q_EMIT p0->rangeShareRequested(); // the menu's "Share This Range"
        QCOMPARE(p1->canvas()->displayRange(), (DisplayRange {-10.0, 50.0}));
        QCOMPARE(p1->colorBar()->range(), (DisplayRange {-10.0, 50.0}));
        saveShot(m_view.get(), "shared_range");
        // Kept when the slice moves (a per-slice range would change).
        SliceViewState st = m_view->linkedState();
        st.index = 1;
        m_view->setLinkedState(st);
        QCOMPARE(p1->canvas()->displayRange(), (DisplayRange {-10.0, 50.0}));
        // The figure exports that range and map.
        const figure::MapFigure f = p1->figure();
        QCOMPARE(f.range, (DisplayRange {-10.0, 50.0}));
        QCOMPARE(f.map, p1->canvas()->colormap());
        QCOMPARE(f.rows, std::size_t(24));
        QCOMPARE(p1->renderImage(100).size(), QSize(600, 500));
        // Back to the cube's own range.
        p1->canvas()->setRangeMode(RangeMode::PerCube);
        QVERIFY(!(p1->canvas()->displayRange() == (DisplayRange {-10.0, 50.0})));
    }

    void observeToggleShowsTheTelescopeView()
    {
        REQUIRE_OPENGL();
        const Cube clean = tbCube(20.0f);
        showTwo(clean, clean); // observed beside clean
        SlicePanel* p = m_view->panel(0);
        QVERIFY(p->observeButton()->isVisibleTo(p));
        QSignalSpy done(p->observeJob(), &JobRunner::finished);
        p->setObserved(true);
        QVERIFY(done.wait(20000));
        QVERIFY(p->isObserved());
        const LoadedCube& seen = p->canvas()->cube();
        QVERIFY(seen.titlePlain().contains(QStringLiteral("observed: SKA-Low, 1000 h")));
        QVERIFY(seen.cube.data() != clean.data());
        // Each channel's mean is removed (no zero spacing): the box mean is ~0, not 20 mK.
        QVERIFY2(std::abs(seen.stats.mean) < 0.5, qPrintable(QString::number(seen.stats.mean)));
        QCOMPARE(p->canvas()->colormap(), ColormapId::CoolWarm);
        saveShot(m_view.get(), "observed_vs_clean");
        p->setObserved(false);
        QCOMPARE(p->canvas()->cube().cube.data(), p->cube().cube.data());
        QCOMPARE(p->canvas()->cube().stats.mean, m_view->cubes()[0].stats.mean);
        // Not for other quantities.
        Cube density = tbCube(0.0f, 0.5f);
        density.metadata().quantity = Quantity::Density;
        m_view->addComparisonCube(guifixtures::loaded(density));
        p->setCubes(m_view->cubes(), int(m_view->cubes().size()) - 1);
        QVERIFY(!p->observeButton()->isVisibleTo(p));
        p->setObserved(true);
        QVERIFY(!p->isObserved());
    }
};

QTEST_MAIN(TestSliceCompare)
#include "tst_slice_compare.moc"

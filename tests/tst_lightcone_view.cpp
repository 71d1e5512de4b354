// The Lightcone view: a line-of-sight slice against redshift with a frequency readout
// ν = 1420.4/(1+z), the global history below it, and a click choosing the transverse slice.
// Runs on the real py21cmfast v3 lightcone; saves screenshots (lightcone_view.png, and with
// py21cmfast's EoR colours lightcone_view_eor.png) beside the tests.
#include "fixtures.h"
#include "gui_fixtures.h"

#include "cube/comoving.h"
#include "explorer/lightcone_view.h"
#include "io/cube_loader.h"

#include <QRegularExpression>
#include <QScreen>
#include <QSignalSpy>
#include <QtTest>

using namespace rs;
using namespace rs::ui;

namespace {

const QString kLightcone = QStringLiteral(
    REIONSCOPE_DATA_DIR "/py21cmfast/v3/lightcone/LightCone_z7.0_247e5848fc1c76f1eb7217966aae343d_r2.h5");

double numberAfter(const QString& text, const QString& key)
{
    const auto m
        = QRegularExpression(QRegularExpression::escape(key) + QStringLiteral(" = (-?[0-9.eE+-]+)")).match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : std::nan("");
}

} // namespace

class TestLightconeView : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private Q_SLOTS:
    void showsTheLineOfSightWithFrequencies()
    {
        if (!QFileInfo::exists(kLightcone))
            QSKIP("the py21cmfast data folder is absent; skipping");
        LightconeView view;
        view.resize(1000, 560);
        view.setLightcone(loadCube(kLightcone.toStdString(), Quantity::BrightnessTemperature));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(!view.lightcone().empty());
        const QRect pic = view.pictureRect();
        for (int x : {pic.left() + 2, pic.center().x(), pic.right() - 2}) {
            const QString text = view.readoutAt(QPoint(x, pic.center().y()));
            const double z = numberAfter(text, "z"), nu = numberAfter(text, "ν");
            QVERIFY2(z >= 7.0 - 1e-6 && z <= 8.51, qPrintable(text));
            QVERIFY2(std::abs(nu - 1420.405751768 / (1 + z)) < 0.02, qPrintable(text));
            QVERIFY2(text.contains("δT_b = "), qPrintable(text));
        }
        // Clicking the history chooses that redshift and shows the transverse slice there.
        QSignalSpy chosen(&view, &LightconeView::redshiftChosen);
        const QRect hist = view.historyRect();
        const QPoint at(hist.left() + hist.width() * 3 / 4, hist.center().y());
        QTest::mouseClick(&view, Qt::LeftButton, {}, at);
        QCOMPARE(chosen.count(), 1);
        const std::size_t k = view.sliceAtX(at.x());
        QCOMPARE(view.chosenSlice(), k);
        QCOMPARE(chosen.front().at(0).toDouble(), view.lightcone().metadata().lightcone->redshifts[k]);
        QVERIFY(view.chosenRedshift() > 7.9 && view.chosenRedshift() < 8.3);
        const QImage shot = view.grab().toImage();
        QVERIFY(shot.save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/lightcone_view.png")));
        QVERIFY(guifixtures::blackFraction(shot) < 0.5);
        // py21cmfast's EoR colours over its fixed −150…30 mK.
        view.setEoRColours(true);
        QCOMPARE(view.displayedRange().lo, -150.0);
        const QImage eor = view.grab().toImage();
        QVERIFY(eor.save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/lightcone_view_eor.png")));
        QVERIFY(guifixtures::meanAbsDifference(eor, shot) > 5.0);
    }

    void scrollingRepaintsWhatAFreshViewPaints()
    {
        // A scroll step repaints only the cursor columns and the transverse column over a cached
        // background: after steps both ways the window must look as a view drawn from scratch.
        if (!QFileInfo::exists(kLightcone))
            QSKIP("the py21cmfast data folder is absent; skipping");
        const Cube lc = loadCube(kLightcone.toStdString(), Quantity::BrightnessTemperature);
        LightconeView view;
        view.resize(1000, 560);
        view.setLightcone(lc);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setFocus();
        const QImage start = view.grab().toImage();
        for (int i = 0; i < 25; ++i) {
            const int before = view.paintCount();
            QTest::keyClick(&view, i < 20 ? Qt::Key_Right : Qt::Key_Left);
            QTRY_VERIFY(view.paintCount() > before);
        }
        QCOMPARE(view.chosenSlice(), std::size_t(15));
        const int beforePage = view.paintCount();
        QTest::keyClick(&view, Qt::Key_PageDown);
        QCOMPARE(view.chosenSlice(), std::size_t(25));
        // Grab only after the page step has been painted (under load the grab came first once: the
        // screen still showed slice 15, a mean difference of 40).
        QTRY_VERIFY(view.paintCount() > beforePage);
        QCoreApplication::processEvents();
        // What is on screen (the widget's backing store), not a fresh render of the widget.
        const QImage scrolled = view.screen()->grabWindow(view.winId()).toImage().convertToFormat(QImage::Format_RGB32);
        LightconeView fresh;
        fresh.resize(1000, 560);
        fresh.setLightcone(lc);
        fresh.chooseSlice(25);
        fresh.show();
        QVERIFY(QTest::qWaitForWindowExposed(&fresh));
        const QImage expected = fresh.grab().toImage().convertToFormat(QImage::Format_RGB32);
        QCOMPARE(scrolled.size(), expected.size());
        QCOMPARE(guifixtures::meanAbsDifference(scrolled, expected), 0.0);
        QVERIFY(guifixtures::meanAbsDifference(scrolled, start.convertToFormat(QImage::Format_RGB32)) > 0.0);
    }

    void aCoevalCubeIsNotALightcone()
    {
        LightconeView view;
        view.setLightcone(guifixtures::indexCube({8, 8, 8}, Quantity::BrightnessTemperature));
        QVERIFY(view.lightcone().empty());
        QVERIFY(std::isnan(view.chosenRedshift()));
        QVERIFY(view.readoutAt(view.pictureRect().center()).isEmpty());
    }
};

QTEST_MAIN(TestLightconeView)
#include "tst_lightcone_view.moc"

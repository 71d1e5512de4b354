// Haloes as points in the volume view: a py21cmfast v3 PerturbHaloField of the same run as real
// v3 coeval boxes joins their run in the catalog, is read with positions in Mpc (v3 stores HII_DIM
// cells), and the volume view shows it as points on the Haloes toggle (the picture changes).
#include "fixtures.h"
#include "gui_fixtures.h"

#include "catalog/catalog.h"
#include "explorer/snapshot.h"
#include "explorer/volume_panel.h"
#include "vtk/volume_canvas.h"

#include <QCheckBox>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace rs;
using namespace rs::ui;

namespace {

const QString kCoeval = QStringLiteral(REIONSCOPE_DATA_DIR "/py21cmfast/v3/coeval");

} // namespace

class TestVolumeHaloes : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo::exists(kCoeval))
            QSKIP("the py21cmfast data folder is absent; skipping");
        QVERIFY(m_dir.isValid());
        for (const char* name : {"PerturbedField_6be77d2c532a4e8a52cd15622a15df6c_r1.h5",
                 "IonizedBox_72529983c2522a657c5d3e89f30a119f_r1.h5",
                 "BrightnessTemp_cbc76d384d4aa1074b8f8e3d008d9730_r1.h5"})
            QVERIFY(QFile::copy(QDir(kCoeval).filePath(QString::fromLatin1(name)), m_dir.filePath(name)));
        QProcess py;
        py.start(QStringLiteral("/usr/bin/python3"),
            {QStringLiteral(REIONSCOPE_HALO_FIXTURE_SCRIPT),
                m_dir.filePath(QStringLiteral("PerturbedField_6be77d2c532a4e8a52cd15622a15df6c_r1.h5")),
                m_dir.filePath(QStringLiteral("PerturbHaloField_00000000000000000000000000000000_r1.h5"))});
        QVERIFY(py.waitForFinished(30000));
        QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
    }

    void haloesJoinTheirRunInMpc()
    {
        const Catalog cat = scanFolder(m_dir.path().toStdString());
        QCOMPARE(cat.runs.size(), std::size_t(1));
        const CatalogRun& run = cat.runs.front();
        QCOMPARE(run.haloes.size(), std::size_t(1));
        const Snapshot s = loadSnapshot(run, 8.0, {}, {});
        QVERIFY(s.find(Quantity::BrightnessTemperature));
        QVERIFY2(s.haloes, qPrintable(s.haloProblem));
        QCOMPARE(s.haloes->masses.size(), std::size_t(4));
        // HII_DIM 16 cells of BOX_LEN 48 Mpc: 3 Mpc per cell.
        QCOMPARE(s.haloes->positions[0][0], 6.0);
        QCOMPARE(s.haloes->positions[2][0], 45.0);
        QCOMPARE(s.haloes->positions[3][1], 36.0);
        m_snapshot = s;
    }

    void volumeShowsHaloesOnTheToggle()
    {
        REQUIRE_OPENGL();
        QVERIFY(m_snapshot.haloes);
        VolumePanel panel;
        panel.resize(420, 420);
        panel.setSnapshot(m_snapshot);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(panel.canvas()->isGlReady());
        QVERIFY(panel.haloBox()->isEnabled());
        QVERIFY(panel.haloBox()->toolTip().contains(QStringLiteral("4 haloes")));
        QCOMPARE(panel.canvas()->haloCount(), std::size_t(0));
        const QImage without = panel.canvas()->grabImage().convertToFormat(QImage::Format_RGB32);
        panel.haloBox()->setChecked(true);
        QCOMPARE(panel.canvas()->haloCount(), std::size_t(4));
        const QImage with = panel.canvas()->grabImage().convertToFormat(QImage::Format_RGB32);
        with.save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/volume_haloes.png"));
        QVERIFY2(guifixtures::meanAbsDifference(with, without) > 0.05, "the haloes changed nothing on screen");
        panel.haloBox()->setChecked(false);
        QCOMPARE(panel.canvas()->haloCount(), std::size_t(0));
        // A snapshot without haloes disables the toggle.
        Snapshot bare = m_snapshot;
        bare.haloes.reset();
        panel.setSnapshot(bare);
        QVERIFY(!panel.haloBox()->isEnabled());
    }

private:
    QTemporaryDir m_dir;
    Snapshot m_snapshot;
};

QTEST_MAIN(TestVolumeHaloes)
#include "tst_volume_haloes.moc"

// The Lightcone view's axes, options and comparisons on a deterministic fixture lightcone: the
// comoving-distance axis and its readout (z, ν and d of the slice under the cursor agree with the
// cosmology), py21cmfast's EoR colour map, two lightcones stacked on one axis or subtracted where
// they share the grid (a message otherwise), and screenshot baselines (tests/baselines/lightcone_*).
#include "fixtures.h"
#include "gui_fixtures.h"

#include "cube/comoving.h"
#include "cube/lightcone_compare.h"
#include "explorer/lightcone_view.h"
#include "util/error.h"

#include <QRegularExpression>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

constexpr double kFirstDistance = 8811.7433; // D_C(z = 7) in py21cmfast's Planck cosmology [Mpc]
constexpr double kCell = 1.5; // Mpc per cell

/// An n × n × nLos δT_b lightcone starting `offset` cells beyond D_C(7): smooth bubbles-and-filaments
/// pattern with negative and positive values, redshifts from the distances, a global x_HI history.
Cube fixtureLightcone(std::size_t n = 24, std::size_t nLos = 160, std::size_t offset = 0, float add = 0.0f)
{
    const ComovingDistance dc;
    auto axis = std::make_shared<LightconeAxis>();
    for (std::size_t k = 0; k < nLos; ++k) {
        const double d = kFirstDistance + double(k + offset) * kCell;
        axis->distances.push_back(d);
        axis->redshifts.push_back(dc.redshift(d));
    }
    for (double z : {7.0, 7.5, 8.0, 8.5})
        axis->nodeRedshifts.push_back(z);
    axis->globals["xH_box"] = {0.2, 0.45, 0.7, 0.85};
    CubeMetadata meta;
    meta.quantity = Quantity::BrightnessTemperature;
    meta.kind = FieldKind::Lightcone;
    meta.redshift = axis->redshifts.front();
    meta.lightcone = axis;
    meta.sourcePath = "/fixture/LightCone_fixture.h5";
    Cube c({n, n, nLos}, {n * kCell, n * kCell, nLos * kCell}, meta);
    float* v = c.mutableData();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < nLos; ++k) {
                const double s = std::sin(0.45 * double(j) + 0.06 * double(k + offset)) * std::cos(0.3 * double(i));
                const double neutral = 0.5 + 0.5 * std::tanh(3.0 * (double(k + offset) / double(nLos) - 0.4) + 2.0 * s);
                v[c.index(i, j, k)] = float(neutral * (25.0 + 20.0 * s) - 120.0 * (1.0 - neutral) * std::abs(s)) + add;
            }
    return c;
}

double numberAfter(const QString& text, const QString& key)
{
    const auto m
        = QRegularExpression(QRegularExpression::escape(key) + QStringLiteral(" = (-?[0-9.eE+-]+)")).match(text);
    return m.hasMatch() ? m.captured(1).toDouble() : std::nan("");
}

bool near(const QColor& c, int r, int g, int b, int tolerance = 2)
{
    return std::abs(c.red() - r) <= tolerance && std::abs(c.green() - g) <= tolerance
        && std::abs(c.blue() - b) <= tolerance;
}

} // namespace

class TestLightconeCompare : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private Q_SLOTS:
    void eorColourMapIsPy21cmfasts()
    {
        // Anchors of py21cmfast's map (white, yellow, orange, red, black, blue, cyan) and its range.
        QVERIFY(near(colormapColor(ColormapId::EoR, 0.0), 255, 255, 255));
        QVERIFY(near(colormapColor(ColormapId::EoR, 0.21), 255, 255, 0, 3));
        QVERIFY(near(colormapColor(ColormapId::EoR, 0.42), 255, 165, 0, 3));
        QVERIFY(near(colormapColor(ColormapId::EoR, 0.63), 255, 0, 0, 3));
        QVERIFY(near(colormapColor(ColormapId::EoR, 1.0), 0, 255, 255));
        // Linear in RGB: halfway between black (0.86) and blue (0.9) is half blue.
        const auto& table = colormapTable(ColormapId::EoR);
        QVERIFY(table[224][2] > 90 && table[224][2] < 160 && table[224][0] == 0);
        QVERIFY(table[219][0] < 8 && table[219][1] < 8 && table[219][2] < 8); // t = 0.859: black
        SummaryStats s;
        s.min = -3;
        s.max = 40;
        s.count = 10;
        const DisplayRange r = displayRange(s, ColormapId::EoR);
        QCOMPARE(r.lo, -150.0);
        QCOMPARE(r.hi, 30.0);
        QCOMPARE(colormapFromKey(QStringLiteral("eor")), ColormapId::EoR);

        LightconeView view;
        view.setLightcone(fixtureLightcone());
        QVERIFY(view.colormap() != ColormapId::EoR);
        view.setEoRColours(true);
        QCOMPARE(view.colormap(), ColormapId::EoR);
        QCOMPARE(view.displayedRange().lo, -150.0);
    }

    void distanceAxisAndReadout()
    {
        const Cube lc = fixtureLightcone();
        LightconeView view;
        view.resize(900, 560);
        view.setLightcone(lc);
        const auto& a = *lc.metadata().lightcone;
        const QRect pic = view.pictureRect();
        // The axis is linear in comoving distance and spans the slices.
        QVERIFY(std::abs(view.distanceAtX(pic.left()) - (a.distances.front() - 0.5 * kCell)) < 1e-6);
        QVERIFY(std::abs(view.distanceAtX(pic.left() + pic.width()) - (a.distances.back() + 0.5 * kCell)) < 1e-6);
        const ComovingDistance dc;
        for (std::size_t k : {std::size_t(0), std::size_t(37), std::size_t(100), a.distances.size() - 1}) {
            const int x = int(std::floor(view.xOfDistance(a.distances[k])));
            QCOMPARE(view.sliceAtX(x), k);
            const QString text = view.readoutAt(QPoint(x, pic.center().y()));
            const double z = numberAfter(text, "z"), nu = numberAfter(text, "ν"), d = numberAfter(text, "d");
            QVERIFY2(std::abs(d - a.distances[k]) < 0.06, qPrintable(text));
            QVERIFY2(std::abs(z - a.redshifts[k]) < 1e-3, qPrintable(text));
            QVERIFY2(std::abs(dc.distance(z) - d) < 0.5, qPrintable(text)); // z and d agree in the cosmology
            QVERIFY2(std::abs(nu - kHydrogenLineMhz / (1 + z)) < 0.02, qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("δT_b = ")), qPrintable(text));
        }
        // Outside the picture nothing is read out.
        QVERIFY(view.readoutAt(QPoint(pic.left() - 5, pic.center().y())).isEmpty());
        // Without distances in the file they come from the cosmology.
        Cube bare = lc.clone();
        auto axis = std::make_shared<LightconeAxis>(a);
        axis->distances.clear();
        bare.metadata().lightcone = axis;
        const std::vector<double> d = lineOfSightDistances(bare);
        QCOMPARE(d.size(), a.distances.size());
        QVERIFY(std::abs(d.back() - a.distances.back()) < 0.05);
    }

    void stackedSharesTheAxis()
    {
        const Cube a = fixtureLightcone(), b = fixtureLightcone(24, 160, 40);
        LightconeView view;
        view.resize(900, 560);
        view.setLightcone(a);
        QCOMPARE(view.compareMode(), LightconeCompareMode::Single);
        QVERIFY(view.lightconeRect(1).isEmpty());
        view.setComparison(b, QStringLiteral("later run"));
        QCOMPARE(view.compareMode(), LightconeCompareMode::Stacked);
        const QRect ra = view.lightconeRect(0), rb = view.lightconeRect(1);
        QVERIFY(!rb.isEmpty() && rb.top() > ra.bottom() && rb.left() == ra.left() && rb.width() == ra.width());
        // The axis spans both: A's first slice to B's last.
        const auto& db = b.metadata().lightcone->distances;
        const QRect pic = view.pictureRect();
        QVERIFY(std::abs(view.distanceAtX(pic.left() + pic.width()) - (db.back() + 0.5 * kCell)) < 1e-6);
        // Under the same x, the top half reads A and the bottom half reads B at the same distance.
        const std::size_t kb = 70; // B's slice 70 is A's slice 110
        const int x = int(std::floor(view.xOfDistance(db[kb])));
        const int row = 5;
        const double y = 1.0 - (row + 0.5) / 24.0;
        const QString top = view.readoutAt(QPoint(x, ra.top() + int(y * ra.height())));
        const QString bottom = view.readoutAt(QPoint(x, rb.top() + int(y * rb.height())));
        QVERIFY2(std::abs(numberAfter(top, "d") - numberAfter(bottom, "d")) < 0.06, qPrintable(top + " | " + bottom));
        QVERIFY2(bottom.contains(QStringLiteral("B: δT_b = ")), qPrintable(bottom));
        const double vb = numberAfter(bottom, "B: δT_b");
        QVERIFY2(std::abs(vb - b.at(12, row, kb)) < 0.01 * std::max(1.0, std::abs(vb)), qPrintable(bottom));
        const double va = numberAfter(top, "δT_b");
        QVERIFY2(std::abs(va - a.at(12, row, kb + 40)) < 0.01 * std::max(1.0, std::abs(va)), qPrintable(top));
        // Removing B goes back to one lightcone.
        view.setComparison(Cube());
        QCOMPARE(view.compareMode(), LightconeCompareMode::Single);
    }

    void differenceWhereTheGridIsShared()
    {
        const Cube a = fixtureLightcone(), b = fixtureLightcone(24, 160, 0, 2.5f);
        const Cube d = lightconeDifference(a, b);
        for (std::size_t i : {std::size_t(0), std::size_t(5000), d.voxelCount() - 1})
            QCOMPARE(d.data()[i], a.data()[i] - b.data()[i]);
        LightconeView view;
        view.resize(900, 560);
        view.setLightcone(a);
        view.setComparison(b);
        view.setCompareMode(LightconeCompareMode::Difference);
        QVERIFY(view.compareMessage().isEmpty());
        QCOMPARE(view.colormap(), ColormapId::CoolWarm);
        QCOMPARE(view.displayedRange().lo, -view.displayedRange().hi); // diverging, centred on 0
        const QRect pic = view.pictureRect();
        const QString text = view.readoutAt(pic.center());
        QVERIFY2(std::abs(numberAfter(text, "A − B") + 2.5) < 0.01, qPrintable(text));
    }

    void differenceOfOtherGridsSaysWhy()
    {
        const Cube a = fixtureLightcone();
        LightconeView view;
        view.resize(900, 560);
        view.setLightcone(a);
        view.setComparison(fixtureLightcone(16, 160));
        view.setCompareMode(LightconeCompareMode::Difference);
        QVERIFY2(view.compareMessage().contains(QStringLiteral("shapes differ: 24 x 24 x 160 vs 16 x 16 x 160")),
            qPrintable(view.compareMessage()));
        QVERIFY(view.readoutAt(view.pictureRect().center()).contains(QStringLiteral("δT_b = ")));
        view.setComparison(fixtureLightcone(24, 160, 3));
        view.setCompareMode(LightconeCompareMode::Difference);
        QVERIFY2(view.compareMessage().contains(QStringLiteral("redshifts differ from slice 0")),
            qPrintable(view.compareMessage()));
        QVERIFY_THROWS_EXCEPTION(ParameterError, lightconeDifference(a, fixtureLightcone(24, 160, 3)));
        // Stacked still works for them.
        view.setCompareMode(LightconeCompareMode::Stacked);
        QVERIFY(view.compareMessage().isEmpty());
        QVERIFY(!view.lightconeRect(1).isEmpty());
        // A coeval cube is never a comparison.
        view.setComparison(guifixtures::indexCube({8, 8, 8}, Quantity::BrightnessTemperature));
        QVERIFY(view.comparison().empty());
        QCOMPARE(view.compareMode(), LightconeCompareMode::Single);
    }

    void matchesBaseline_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("EoR colours") << QStringLiteral("lightcone_fixture_eor");
        QTest::newRow("stacked") << QStringLiteral("lightcone_fixture_stacked");
    }

    void matchesBaseline()
    {
        QFETCH(QString, name);
        LightconeView view;
        view.setFixedSize(900, 560);
        view.setLightcone(fixtureLightcone());
        if (name.endsWith(QLatin1String("eor"))) {
            view.setEoRColours(true);
        } else {
            view.setComparison(fixtureLightcone(24, 160, 40), QStringLiteral("B (40 cells on)"));
        }
        view.chooseSlice(60);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage img = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
        QCOMPARE(img.size(), QSize(900, 560));
        QVERIFY(guifixtures::blackFraction(img) < 0.5);
        QString message;
        QVERIFY2(guifixtures::matchesBaseline(
                     img, QDir(guifixtures::baselineDir()).filePath(name + QStringLiteral(".png")), 3.0, &message),
            qPrintable(message));
    }
};

QTEST_MAIN(TestLightconeCompare)
#include "tst_lightcone_compare.moc"

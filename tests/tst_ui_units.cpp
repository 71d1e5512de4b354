// Small pieces of the GUI that need no display: colour maps and ranges, colour-bar ticks, how
// values and quantities are written, slice export helpers, recent files.
#include "fixtures.h"
#include "gui_fixtures.h"

#include "charts/chart_setup.h"
#include "charts/curve_display.h"
#include "explorer/color_bar.h"
#include "explorer/slice_export.h"
#include "explorer/slice_panel.h"
#include "shell/recent_files.h"
#include "shell/text_format.h"
#include "util/error.h"
#include "vtk/colormap.h"

#include <QChart>
#include <QLineSeries>
#include <QMenu>
#include <QSettings>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

/// CIE L* (0–100) of an sRGB colour: what "lighter" means to a reader.
double lStar(const QColor& c)
{
    auto lin = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    const double y = 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
    return y > 0.008856 ? 116.0 * std::cbrt(y) - 16.0 : 903.3 * y;
}

} // namespace

class TestUiUnits : public QObject {
    Q_OBJECT

public:
    static void initMain()
    {
        static QTemporaryDir home;
        qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    }

private Q_SLOTS:
    void smoothingAndDecimation()
    {
        const std::vector<double> flat(50, 3.0);
        for (double v : smoothCurve(flat, 0.9))
            QVERIFY(std::abs(v - 3.0) < 1e-12); // no pull towards zero at the start
        std::vector<double> step(100, 0.0);
        std::fill(step.begin() + 50, step.end(), 1.0);
        const std::vector<double> s = smoothCurve(step, 0.8);
        QCOMPARE(s[49], 0.0);
        QVERIFY(s[50] > 0 && s[50] < 1 && s[99] > s[60]);
        QCOMPARE(smoothCurve(step, 0.0), step);
        QVERIFY_THROWS_EXCEPTION(ParameterError, smoothCurve(step, 1.0));

        std::vector<double> y(10000);
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] = std::sin(double(i) / 300.0);
        y[5003] = 50.0;
        y[7000] = -50.0;
        const std::vector<std::size_t> keep = decimateMinMax(y, 500);
        QVERIFY(keep.size() <= 502);
        QVERIFY(std::is_sorted(keep.begin(), keep.end()));
        QCOMPARE(keep.front(), std::size_t(0));
        QCOMPARE(keep.back(), y.size() - 1);
        QVERIFY(std::find(keep.begin(), keep.end(), std::size_t(5003)) != keep.end());
        QVERIFY(std::find(keep.begin(), keep.end(), std::size_t(7000)) != keep.end());
        QCOMPARE(decimateMinMax({1, 2, 3}, 500).size(), std::size_t(3));
    }

    void colormapsSuitQuantities()
    {
        QCOMPARE(defaultColormap(Quantity::Density, true), ColormapId::Viridis);
        QCOMPARE(defaultColormap(Quantity::NeutralFraction, false), ColormapId::Ionization);
        QCOMPARE(defaultColormap(Quantity::BrightnessTemperature, true), ColormapId::CoolWarm);
        QCOMPARE(defaultColormap(Quantity::BrightnessTemperature, false), ColormapId::Inferno);
        for (ColormapId id : allColormaps())
            QCOMPARE(colormapFromKey(colormapKey(id)), id);
    }

    void perceptuallyUniformMapsGrowInLightness()
    {
        // Viridis and Inferno get lighter from end to end (no dips a reader would mistake for data).
        for (ColormapId id : {ColormapId::Viridis, ColormapId::Inferno}) {
            double last = -1;
            for (int i = 0; i <= 10; ++i) {
                const double l = lStar(colormapColor(id, i / 10.0));
                QVERIFY2(l > last, qPrintable(colormapName(id)));
                last = l;
            }
        }
        // The diverging map is lightest in the middle and blue / red at the ends.
        const QColor lo = colormapColor(ColormapId::CoolWarm, 0.0), mid = colormapColor(ColormapId::CoolWarm, 0.5),
                     hi = colormapColor(ColormapId::CoolWarm, 1.0);
        QVERIFY(lStar(mid) > lStar(lo) && lStar(mid) > lStar(hi));
        QVERIFY(lo.blue() > lo.red());
        QVERIFY(hi.red() > hi.blue());
    }

    void displayRanges_data()
    {
        QTest::addColumn<double>("min");
        QTest::addColumn<double>("max");
        QTest::addColumn<int>("map");
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::newRow("sequential") << -0.8 << 4.5 << int(ColormapId::Viridis) << -0.8 << 4.5;
        QTest::newRow("diverging is symmetric") << -3.0 << 40.0 << int(ColormapId::CoolWarm) << -40.0 << 40.0;
        QTest::newRow("constant field") << 2.0 << 2.0 << int(ColormapId::Viridis) << 1.0 << 3.0;
        QTest::newRow("constant zero") << 0.0 << 0.0 << int(ColormapId::Inferno) << -1.0 << 1.0;
    }

    void displayRanges()
    {
        QFETCH(double, min);
        QFETCH(double, max);
        QFETCH(int, map);
        QFETCH(double, lo);
        QFETCH(double, hi);
        SummaryStats s;
        s.min = min;
        s.max = max;
        s.count = 10;
        const DisplayRange r = displayRange(s, ColormapId(map));
        QCOMPARE(r.lo, lo);
        QCOMPARE(r.hi, hi);
        QCOMPARE(r.constant, min == max); // shown as "constant", not as a signal
        if (r.constant)
            QCOMPARE(r.value, min);
    }

    void ticksAreRound()
    {
        QCOMPARE(niceTicks(0.0, 39.57, 6), (std::vector<double> {0, 10, 20, 30}));
        QCOMPARE(niceTicks(-0.82, 0.74, 6), (std::vector<double> {-0.5, 0, 0.5}));
        const auto t = niceTicks(-40, 40, 5);
        QCOMPARE(t.front(), -40.0);
        QCOMPARE(t.back(), 40.0);
        QVERIFY(niceTicks(1, 1, 5).empty());
    }

    void chartTicksAroundZeroReadZero()
    {
        // An nf-error curve from −0.024 to +0.0097: Qt puts fixed ticks at min + i·step, and the
        // zero one read 6.94e-18 in "%.3g"; the fitted axis gets the step's decimals instead, and
        // the caller's format back when refitted to positive values.
        QChart chart;
        auto* s = new QLineSeries(&chart);
        s->append({{1, -0.024}, {2, 0.0097}, {3, 0.004}});
        chart.addSeries(s);
        auto* y = new QValueAxis(&chart);
        y->setLabelFormat(QStringLiteral("%.3g"));
        chart.addAxis(y, Qt::AlignLeft);
        s->attachAxis(y);
        charts::fitYAxis(&chart, y);
        QVERIFY(y->min() < 0 && y->max() > 0);
        const double step = (y->max() - y->min()) / (y->tickCount() - 1);
        const QByteArray format = y->labelFormat().toLatin1();
        int zeros = 0;
        for (int i = 0; i < y->tickCount(); ++i) {
            const double tick = y->min() + i * step; // what Qt labels
            const QString label = QString::asprintf(format.constData(), tick);
            QVERIFY2(!label.contains(QLatin1Char('e')), qPrintable(label));
            QVERIFY2(std::abs(label.toDouble() - tick) < 1e-9 + 1e-6 * std::abs(step), qPrintable(label));
            if (std::abs(tick) < 0.5 * step) {
                ++zeros;
                QVERIFY2(!label.startsWith(QLatin1Char('-')), qPrintable(label)); // "0.00", not "-0.00"
            }
        }
        QCOMPARE(zeros, 1);
        s->replace(QList<QPointF> {{1, 0.5}, {2, 2.5}});
        charts::fitYAxis(&chart, y);
        QCOMPARE(y->labelFormat(), QStringLiteral("%.3g"));
    }

    void valuesAreWrittenWithUnits()
    {
        QCOMPARE(formatValue(12.3456, Quantity::BrightnessTemperature), QStringLiteral("12.35 mK"));
        QCOMPARE(formatValue(0.5, Quantity::NeutralFraction), QStringLiteral("0.5"));
        QCOMPARE(quantityWithUnitsPlain(Quantity::BrightnessTemperature), QStringLiteral("δT_b [mK]"));
        QCOMPARE(quantityWithUnitsHtml(Quantity::NeutralFraction), QStringLiteral("x<sub>HI</sub>"));
        QCOMPARE(redshiftText(8.0), QStringLiteral("z = 8.00"));
        QCOMPARE(redshiftText(std::nullopt), QStringLiteral("z unknown"));
        VoxelProbe p;
        p.valid = true;
        p.voxel = {1, 2, 3};
        p.mpc = {2.25, 3.75, 5.25};
        p.value = 7.0;
        p.quantity = Quantity::BrightnessTemperature;
        QCOMPARE(probeText(p), QStringLiteral("voxel (1, 2, 3) · (2.3, 3.8, 5.3) Mpc · δT_b = 7 mK"));
        QCOMPARE(probeText(VoxelProbe {}), QString());
    }

    void sliceExportNamesAndComments()
    {
        const LoadedCube c
            = guifixtures::loaded(guifixtures::indexCube({4, 5, 6}, Quantity::BrightnessTemperature, 12.0, 8.0));
        QCOMPARE(sliceFileStem(c, 0, 3), QStringLiteral("brightness_temperature_z8.00_x003"));
        const QStringList comments = sliceComments(c, 1, 2);
        QVERIFY(comments.join('\n').contains(QStringLiteral("index 2 of 5")));
        QVERIFY(comments.join('\n').contains(QStringLiteral("rows run along x, columns along z")));
        QTemporaryDir dir;
        // A folder that does not exist: the error names the file.
        RS_VERIFY_ERROR(IoError, writeSliceNpy(dir.filePath(QStringLiteral("missing/slice.npy")), c.cube.slice(0, 0)),
            QStringLiteral("slice.npy"));
        QVERIFY_THROWS_EXCEPTION(IoError, writePng(dir.filePath(QStringLiteral("empty.png")), QImage()));
    }

    void recentFilesKeepTenNewestFirst()
    {
        QTemporaryDir dir;
        {
            RecentFiles r;
            r.clear();
            for (int i = 0; i < 12; ++i)
                r.add({dir.filePath(QStringLiteral("f%1").arg(i))});
            r.add({dir.filePath(QStringLiteral("f3"))}); // reopening moves it to the top
            QCOMPARE(r.entries().size(), RecentFiles::kMaxEntries);
            QCOMPARE(r.entries().front(), QStringList {dir.filePath(QStringLiteral("f3"))});
        }
        RecentFiles again; // from QSettings
        QCOMPARE(again.entries().size(), RecentFiles::kMaxEntries);
        QCOMPARE(again.entries().at(1), QStringList {dir.filePath(QStringLiteral("f11"))});
        QMenu menu;
        again.fillMenu(&menu);
        QSignalSpy open(&again, &RecentFiles::openRequested);
        menu.actions().front()->trigger();
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.first().at(0).toStringList(), QStringList {dir.filePath(QStringLiteral("f3"))});
    }
};

QTEST_MAIN(TestUiUnits)
#include "tst_ui_units.moc"

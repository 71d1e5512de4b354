// Comparing runs and cubes in the Statistics panel, and figures exported from the GUI: nf(z) and
// ⟨δT_b⟩(z) of several runs on one chart with legends naming only what differs; the 2D power ratio
// map P_A/P_B (exactly 4 for B = 2A, refused for cubes of different grids); the PDF, bubble-size
// and history charts and the Lightcone view written through ui/figure (axes, labels with units,
// PNG at the chosen dpi, SVG, PDF).
#include "fixtures.h"
#include "gui_fixtures.h"

#include "catalog/catalog.h"
#include "charts/power_map.h"
#include "explorer/lightcone_view.h"
#include "explorer/stats_panel.h"
#include "shell/job_runner.h"
#include "util/error.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QToolButton>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ui;

namespace {

/// A δT_b-like cube of n³ cells (box 48 Mpc, z 8): a smooth pattern times `scale`.
Cube tbCube(std::size_t n, float scale)
{
    CubeMetadata meta;
    meta.quantity = Quantity::BrightnessTemperature;
    meta.redshift = 8.0;
    Cube c({n, n, n}, {48.0, 48.0, 48.0}, meta);
    const std::vector<float> v = fixtures::pattern(c.voxelCount(), 8.0f, 15.0f);
    for (std::size_t i = 0; i < v.size(); ++i)
        c.mutableData()[i] = scale * v[i];
    return c;
}

/// An x_HI cube of 24³ cells (48 Mpc) neutral but for two ionized spheres.
Cube xhiCube()
{
    CubeMetadata meta;
    meta.quantity = Quantity::NeutralFraction;
    meta.redshift = 8.0;
    Cube c({24, 24, 24}, {48.0, 48.0, 48.0}, meta);
    for (std::size_t i = 0; i < 24; ++i)
        for (std::size_t j = 0; j < 24; ++j)
            for (std::size_t k = 0; k < 24; ++k) {
                auto r2 = [&](double a, double b, double d) {
                    return (double(i) - a) * (double(i) - a) + (double(j) - b) * (double(j) - b)
                        + (double(k) - d) * (double(k) - d);
                };
                c.mutableData()[c.index(i, j, k)] = r2(6, 6, 6) < 16 || r2(16, 15, 14) < 30 ? 0.0f : 1.0f;
            }
    return c;
}

/// A δT_b lightcone of 16 × 16 × 40 cells of 3 Mpc from 9000 Mpc comoving (reionization redshifts).
Cube lightconeCube()
{
    auto axis = std::make_shared<LightconeAxis>();
    const ComovingDistance dc;
    for (std::size_t k = 0; k < 40; ++k) {
        axis->distances.push_back(9000.0 + 3.0 * double(k));
        axis->redshifts.push_back(dc.redshift(axis->distances.back()));
    }
    CubeMetadata meta;
    meta.quantity = Quantity::BrightnessTemperature;
    meta.kind = FieldKind::Lightcone;
    meta.redshift = axis->redshifts.front();
    meta.lightcone = axis;
    Cube c({16, 16, 40}, {48.0, 48.0, 120.0}, meta);
    const std::vector<float> v = fixtures::pattern(c.voxelCount(), 10.0f, 12.0f);
    std::copy(v.begin(), v.end(), c.mutableData());
    return c;
}

Snapshot snapshotOf(const Cube& c, const QString& label)
{
    Snapshot s;
    s.runId = label;
    s.runLabel = label;
    s.cubes.push_back(guifixtures::loaded(c, label));
    return s;
}

/// What an SVG file shows as text: the characters of its <text> elements in document order
/// (QSvgGenerator writes one element per run of one script: "δT_b" arrives as "δ" and "T_b").
QString svgText(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QXmlStreamReader xml(&f);
    QString shown;
    int depth = 0; // inside <text>
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QStringLiteral("text"))
            ++depth;
        else if (xml.isEndElement() && xml.name() == QStringLiteral("text"))
            --depth;
        else if (xml.isCharacters() && depth > 0)
            shown += xml.text();
    }
    return shown;
}

QStringList legendNames(QChart* chart)
{
    QStringList names;
    for (QAbstractSeries* s : chart->series())
        names << s->name();
    return names;
}

/// With REIONSCOPE_SCREENSHOT_DIR set, saves what `w` shows there (for people to look at).
void saveShot(QWidget* w, const char* name)
{
    const QString dir = qEnvironmentVariable("REIONSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        w->grab().save(QDir(dir).filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
}

/// Copies a written figure to REIONSCOPE_SCREENSHOT_DIR when set.
void keepFigure(const QString& path)
{
    const QString dir = qEnvironmentVariable("REIONSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        const QString to = QDir(dir).filePath(QFileInfo(path).fileName());
        QFile::remove(to);
        QFile::copy(path, to);
    }
}

} // namespace

class TestStatsOverlay : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_tmp;

    QString file(const char* name) const { return m_tmp.filePath(QString::fromLatin1(name)); }

    /// A panel on screen showing the statistics of δT_b cube "one" (16³); null when they never came.
    static std::unique_ptr<StatsPanel> panelShowingOne(QSize size)
    {
        auto panel = std::make_unique<StatsPanel>();
        panel->resize(size);
        panel->show();
        panel->setSnapshot(snapshotOf(tbCube(16, 1.0f), QStringLiteral("one")));
        return waitCube(*panel, QStringLiteral("one")) ? std::move(panel) : nullptr;
    }

    static bool waitCube(StatsPanel& p, const QString& runLabel)
    {
        return QTest::qWaitFor(
            [&] { return p.cubeStatistics() && p.cubeStatistics()->runLabel == runLabel && !p.cubeJob()->isRunning(); },
            20000);
    }

private Q_SLOTS:
    void historiesOfSeveralRunsOnOneChart()
    {
        QVERIFY(m_tmp.isValid());
        // Two runs (ζ 20 and 30) with x_HI and δT_b at z 8 and 9, ionized differently: x_HI and
        // δT_b scaled by a factor per run and z (ζ 30 ionizes earlier).
        std::map<std::pair<int, double>, guifixtures::ClassicTrio> trios;
        for (int zeta : {20, 30})
            for (double z : {8.0, 9.0}) {
                guifixtures::ClassicTrio t = guifixtures::writeClassicTrio(
                    m_tmp.filePath(QStringLiteral("runs/zeta%1").arg(zeta)), 12, 18.0, z, double(zeta), 0.5);
                const float f = zeta == 20 ? (z < 8.5 ? 0.8f : 1.0f) : (z < 8.5 ? 0.35f : 0.6f);
                for (auto [path, values] : {std::pair {&t.xhi, &t.xhiValues}, std::pair {&t.tb, &t.tbValues}}) {
                    for (float& v : *values)
                        v *= f;
                    const QFileInfo info(QString::fromStdString(*path));
                    fixtures::writeFloats(info.absolutePath(), info.fileName().toStdString(), *values);
                }
                trios[{zeta, z}] = t;
            }
        const Catalog catalog = scanFolder(m_tmp.filePath(QStringLiteral("runs")).toStdString());
        std::vector<CatalogRun> runs;
        for (const CatalogRun& r : catalog.runs)
            if (r.cubes.size() == 2 && r.cubes.begin()->second.count(Quantity::NeutralFraction))
                runs.push_back(r);
        QCOMPARE(runs.size(), std::size_t(2));

        StatsPanel panel;
        panel.resize(900, 420);
        panel.show();
        auto waitSeries = [&](const CatalogRun& r) {
            return QTest::qWaitFor(
                [&] {
                    return panel.series() && panel.series()->runId == QString::fromStdString(r.id)
                        && !panel.seriesJob()->isRunning();
                },
                20000);
        };
        panel.setRun(runs[0]);
        QVERIFY(waitSeries(runs[0]));
        QVERIFY(panel.pinCurrent()); // no cube yet: the history alone is kept
        QCOMPARE(panel.pinnedSeries().size(), std::size_t(1));
        panel.setRun(runs[1]);
        QVERIFY(waitSeries(runs[1]));

        // One chart, one curve per run, named by what differs: the run labels (ζ) only.
        for (StatsPanel::Chart c : {StatsPanel::Chart::NeutralFraction, StatsPanel::Chart::MeanTb}) {
            QChart* chart = panel.chartView(c)->chart();
            QCOMPARE(legendNames(chart),
                (QStringList {QString::fromStdString(runs[0].label), QString::fromStdString(runs[1].label)}));
            QVERIFY(chart->legend()->isVisible());
        }
        QVERIFY(runs[0].label != runs[1].label);
        // The points are the box means of each run's cubes.
        QChart* nf = panel.chartView(StatsPanel::Chart::NeutralFraction)->chart();
        for (int r = 0; r < 2; ++r) {
            const auto* line = static_cast<QLineSeries*>(nf->series().at(r));
            QCOMPARE(line->count(), 2);
            const int zeta = std::stoi(formatValue(runs[std::size_t(r)].parameters.at(param::zeta)));
            for (int i = 0; i < 2; ++i) {
                const std::vector<float>& x = trios.at({zeta, line->at(i).x()}).xhiValues;
                double mean = 0;
                for (float v : x)
                    mean += v;
                QVERIFY(std::abs(line->at(i).y() - mean / double(x.size())) < 1e-6);
            }
        }
        panel.setCurrentChart(StatsPanel::Chart::NeutralFraction);
        saveShot(&panel, "history_overlay");

        // Exported as the history figure: both runs in the legend, both panels, units.
        const QString svg = file("history.svg");
        panel.exportPng(StatsPanel::Chart::NeutralFraction, svg);
        const QString text = svgText(svg);
        for (const CatalogRun& r : runs)
            QVERIFY2(text.contains(QString::fromStdString(r.label)), qPrintable(text.left(400)));
        QVERIFY(text.contains(QStringLiteral("neutral fraction")) && text.contains(QStringLiteral("[mK]")));
        panel.exportPng(StatsPanel::Chart::NeutralFraction, file("history.png"), 100);
        keepFigure(file("history.png"));
        QCOMPARE(QImage(file("history.png")).size(), QSize(600, 600));
        // CSV: one block per run.
        panel.exportCsv(StatsPanel::Chart::MeanTb, file("history.csv"));
        QFile csv(file("history.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(csv.readAll()).count(QStringLiteral("z,nf,mean_dTb_mK")), 2);

        panel.clearPinned();
        QVERIFY(panel.pinnedSeries().empty());
        QCOMPARE(panel.chartView(StatsPanel::Chart::NeutralFraction)->chart()->series().size(), 1);
    }

    void historyNamesSayWhatDiffers()
    {
        RunSeries a, b, c;
        a.runLabel = b.runLabel = QStringLiteral("ζ=20");
        a.folder = QStringLiteral("/data/seed1");
        b.folder = QStringLiteral("/data/seed2");
        c.runLabel = QStringLiteral("ζ=40");
        c.folder = QStringLiteral("/data/seed1");
        // Runs of one label are told apart by their folders; the third differs by its label.
        QCOMPARE(historyNames(std::vector<const RunSeries*> {&a, &b, &c}),
            (std::vector<QString> {
                QStringLiteral("ζ=20 · seed1"), QStringLiteral("ζ=20 · seed2"), QStringLiteral("ζ=40 · seed1")}));
        QCOMPARE(historyNames(std::vector<const RunSeries*> {&a, &c}),
            (std::vector<QString> {QStringLiteral("ζ=20"), QStringLiteral("ζ=40")}));
        QCOMPARE(historyNames(std::vector<const RunSeries*> {&a, &a}),
            (std::vector<QString> {QStringLiteral("#1"), QStringLiteral("#2")}));
        QCOMPARE(historyNames(std::vector<const RunSeries*> {&b}), (std::vector<QString> {QStringLiteral("ζ=20")}));
    }

    void powerRatioMap()
    {
        const std::unique_ptr<StatsPanel> shown = panelShowingOne({700, 520});
        QVERIFY(shown);
        StatsPanel& panel = *shown;
        QVERIFY(!panel.setRatioReference(0)); // nothing kept yet
        QVERIFY(panel.pinCurrent());
        // "two" = 2 × "one": P_A / P_B = 4 in every cell with modes (A: the current cube, B: the kept one).
        panel.setSnapshot(snapshotOf(tbCube(16, 2.0f), QStringLiteral("two")));
        QVERIFY(waitCube(panel, QStringLiteral("two")));
        QCOMPARE(panel.ratioBox()->count(), 2);
        QVERIFY(panel.setRatioReference(0));
        const charts::PowerMapData& d = panel.powerMap()->data();
        QVERIFY(panel.powerMap()->hasData() && d.ratio);
        QVERIFY2(d.title.contains(QStringLiteral("A = two, B = one")), qPrintable(d.title));
        std::size_t cells = 0;
        for (double v : d.power.power)
            if (std::isfinite(v)) {
                QVERIFY2(std::abs(v - 4.0) < 1e-6, qPrintable(QString::number(v)));
                ++cells;
            }
        QVERIFY(cells > 10);
        // Diverging around 1: log₁₀ 4 at the top of a symmetric bar, so every cell is warm (red).
        const auto [lo, hi] = charts::powerMapRange(d);
        QVERIFY(std::abs(hi - std::log10(4.0)) < 1e-9 && std::abs(lo + hi) < 1e-12);
        panel.setCurrentChart(StatsPanel::Chart::Cylindrical);
        QApplication::processEvents();
        const QImage img = panel.powerMap()->grab().toImage();
        int red = 0, blue = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QColor c = img.pixelColor(x, y);
                red += c.red() > 150 && c.blue() < 90 ? 1 : 0;
                blue += c.blue() > 150 && c.red() < 90 ? 1 : 0;
            }
        QVERIFY2(red > img.width() * img.height() / 10 && blue < red / 5,
            qPrintable(QStringLiteral("%1 red, %2 blue pixels").arg(red).arg(blue)));
        saveShot(&panel, "power_ratio_map");
        panel.exportPng(StatsPanel::Chart::Cylindrical, file("ratio.svg"));
        QVERIFY(svgText(file("ratio.svg")).contains(QStringLiteral("P_A / P_B")));
        panel.exportCsv(StatsPanel::Chart::Cylindrical, file("ratio.csv")); // the numbers shown: the ratio
        QFile csv(file("ratio.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(rows.contains(QStringLiteral("k_perp,k_par,ratio,modes")));
        QCOMPARE(rows.size(), int(cells) + 3);
        QVERIFY(std::abs(rows.last().split(QLatin1Char(',')).at(2).toDouble() - 4.0) < 1e-6);
        panel.exportPng(StatsPanel::Chart::Cylindrical, file("power_ratio.png"), 100);
        keepFigure(file("power_ratio.png"));

        // A cube of another grid: no ratio, the note says why; back to P of the current cube.
        panel.setSnapshot(snapshotOf(tbCube(12, 1.0f), QStringLiteral("other")));
        QVERIFY(waitCube(panel, QStringLiteral("other")));
        QCOMPARE(panel.ratioReference(), 0);
        QVERIFY(!panel.powerMap()->hasData());
        QVERIFY2(panel.powerMap()->note().contains(QStringLiteral("different k bins")),
            qPrintable(panel.powerMap()->note()));
        QVERIFY(panel.setRatioReference(-1));
        QVERIFY(panel.powerMap()->hasData() && !panel.powerMap()->data().ratio);
        panel.clearPinned();
        QCOMPARE(panel.ratioReference(), -1);
        QVERIFY(!panel.ratioBox()->isEnabled());
    }

    void pdfAndBubbleChartsExportAsFigures()
    {
        const std::unique_ptr<StatsPanel> shown = panelShowingOne({900, 420});
        QVERIFY(shown);
        StatsPanel& panel = *shown;
        // Bubble sizes belong to x_HI: a δT_b cube alone has none to draw.
        RS_VERIFY_ERROR(ParameterError, panel.exportPng(StatsPanel::Chart::Bubbles, file("none.png")), "x_HI");
        QVERIFY(!QFile::exists(file("none.png")));
        // One cube: voxel counts against δT_b with units, at the chosen resolution.
        panel.exportPng(StatsPanel::Chart::Histogram, file("pdf_one.svg"));
        QString text = svgText(file("pdf_one.svg"));
        QVERIFY2(text.contains(QStringLiteral("voxels")) && text.contains(QStringLiteral("T_b [mK]")),
            qPrintable(text.left(400)));
        panel.exportPng(StatsPanel::Chart::Histogram, file("pdf.png"), 120);
        QCOMPARE(QImage(file("pdf.png")).size(), QSize(720, 540));
        QVERIFY(panel.pinCurrent());
        panel.setSnapshot(snapshotOf(tbCube(16, 2.0f), QStringLiteral("two")));
        QVERIFY(waitCube(panel, QStringLiteral("two")));
        // Two cubes: probability densities with a legend naming the runs.
        panel.exportPng(StatsPanel::Chart::Histogram, file("pdf_two.svg"));
        text = svgText(file("pdf_two.svg"));
        QVERIFY(text.contains(QStringLiteral("probability density")) && text.contains(QStringLiteral("Voxel PDF")));
        panel.exportPng(StatsPanel::Chart::Histogram, file("pdf_overlay.png"), 100);
        keepFigure(file("pdf_overlay.png"));
        panel.exportPng(StatsPanel::Chart::Histogram, file("pdf.pdf"));
        QFile pdf(file("pdf.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.readAll().startsWith("%PDF-1."));

        // x_HI with two ionized spheres: both distributions side by side, axes with units.
        panel.setSnapshot(snapshotOf(xhiCube(), QStringLiteral("ionized")));
        QVERIFY(waitCube(panel, QStringLiteral("ionized")));
        QVERIFY(panel.cubeStatistics()->field.regions);
        QCOMPARE(panel.cubeStatistics()->field.regions->volumes.size(), std::size_t(2));
        panel.exportPng(StatsPanel::Chart::Bubbles, file("bubbles.svg"));
        text = svgText(file("bubbles.svg"));
        QVERIFY2(text.contains(QStringLiteral("R [Mpc]")) && text.contains(QStringLiteral("V [Mpc³]"))
                && text.contains(QStringLiteral("R dP/dR")) && text.contains(QStringLiteral("2 regions")),
            qPrintable(text.left(600)));
        panel.exportPng(StatsPanel::Chart::Bubbles, file("bubbles.png"), 100);
        keepFigure(file("bubbles.png"));
        QCOMPARE(QImage(file("bubbles.png")).size(), QSize(1100, 450));
        RS_VERIFY_ERROR(ParameterError, panel.exportPng(StatsPanel::Chart::Bubbles, file("b.jpg")), "b.jpg");
    }

    void lightconeViewExportsTheFigure()
    {
        LightconeView view;
        view.resize(900, 560);
        view.show();
        QVERIFY(!view.exportButton()->isEnabled());
        RS_VERIFY_ERROR(ParameterError, view.exportFigure(file("empty.png")), "no lightcone is shown");
        view.setLightcone(lightconeCube());
        QVERIFY(view.exportButton()->isEnabled());
        view.setCutIndex(5);
        // The figure is what the view draws: its map, range and cut.
        const figure::MapFigure f = view.figure();
        QCOMPARE(f.map, view.colormap());
        QCOMPARE(f.range.lo, view.displayedRange().lo);
        QCOMPARE(f.range.hi, view.displayedRange().hi);
        QCOMPARE(f.cols, std::size_t(40));
        const Cube cone = lightconeCube();
        QCOMPARE(f.values.at(3 * f.cols + 7), cone.at(5, 3, 7));
        // SVG: redshift below, frequency above, the transverse axis in Mpc, the colour bar's units.
        view.exportFigure(file("cone.svg"));
        const QString text = svgText(file("cone.svg"));
        for (const char* s : {"redshift z", "ν = 1420.4 / (1 + z) [MHz]", "y [Mpc]", "T_b [mK]"})
            QVERIFY2(text.contains(QString::fromUtf8(s)), s);
        // PNG at the chosen resolution: the figure's inches × dpi.
        view.exportFigure(file("cone.png"), 90);
        QCOMPARE(QImage(file("cone.png")).size(),
            QSize(int(std::lround(f.inches.width() * 90)), int(std::lround(f.inches.height() * 90))));
        keepFigure(file("cone.png"));
        view.exportFigure(file("cone.pdf"));
        QVERIFY(QFileInfo(file("cone.pdf")).size() > 1000);
        // A difference of two lightcones of one grid: A − B in diverging colours, so titled.
        Cube other = lightconeCube();
        for (std::size_t i = 0; i < other.voxelCount(); ++i)
            other.mutableData()[i] *= 0.5f;
        view.setComparison(other, QStringLiteral("half"));
        view.setCompareMode(LightconeCompareMode::Difference);
        const figure::MapFigure d = view.figure();
        QCOMPARE(d.map, ColormapId::CoolWarm);
        QVERIFY(d.title.contains(QStringLiteral("A − B")) && d.title.contains(QStringLiteral("half")));
        QVERIFY(std::abs(d.values.at(3 * d.cols + 7) - 0.5f * cone.at(5, 3, 7)) < 1e-4f);
    }
};

QTEST_MAIN(TestStatsOverlay)
#include "tst_stats_overlay.moc"

// reionscope-cli figure: every kind written as PNG (pixel size follows --dpi), SVG (axis labels
// stay text) and PDF (a real PDF header), from a small simulated run and its lightcone; one named
// error per bad input. The painters (reionscope_figure) are checked in-process too.
#include "fixtures.h"

#include "figure/figure_file.h"
#include "figure/figures.h"
#include "util/error.h"

#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

using fixtures::runCli;
using Result = fixtures::CliResult;

/// Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian), read without Qt's decoder.
QSize pngSize(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray head = f.read(24);
    if (head.size() < 24 || !head.startsWith("\x89PNG\r\n\x1a\n") || head.mid(12, 4) != "IHDR")
        return {};
    auto be32 = [&](int at) {
        return int(
            (uchar(head[at]) << 24) | (uchar(head[at + 1]) << 16) | (uchar(head[at + 2]) << 8) | uchar(head[at + 3]));
    };
    return {be32(16), be32(20)};
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The text an SVG shows, its <text> elements joined in document order (QSvgGenerator writes one
/// element per run of one script, so "δT_b" arrives as "δ" and "T_b").
QString svgText(const QByteArray& svg)
{
    QString out;
    const QRegularExpression text(QStringLiteral(">([^<]*)</text>"));
    for (auto it = text.globalMatch(QString::fromUtf8(svg)); it.hasNext();)
        out += it.next().captured(1);
    return out;
}

QString firstFile(const QString& folder, const QString& pattern)
{
    const QStringList files = QDir(folder).entryList({pattern}, QDir::Files, QDir::Name);
    return files.isEmpty() ? QString() : QDir(folder).filePath(files.front());
}

} // namespace

class TestFigure : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_run = m_dir.filePath("run");
        // Classic files (one cube each) under run/seed1, as 21cmFAST writes them.
        Result r = runCli({"simulate", "--dim", "24", "--box", "48", "--z", "8,9,10", "--zeta", "20", "--format",
            "classic", "--out", m_run, "--quiet"});
        QVERIFY2(r.code == 0, r.err.constData());
        m_cone = m_dir.filePath("cone.h5");
        r = runCli({"lightcone", m_run, "--quantity", "brightness_temperature", "--out", m_cone});
        QVERIFY2(r.code == 0, r.err.constData());
        m_tb = firstFile(m_run + "/seed1", "delta_T*z008.00*");
        QVERIFY2(!m_tb.isEmpty(), "no δT_b file at z 8 in the simulated run");
    }

    void slicePngFollowsDpi()
    {
        for (int dpi : {72, 200}) {
            const QString out = m_dir.filePath(QStringLiteral("slice%1.png").arg(dpi));
            const Result r = runCli(
                {"figure", "slice", m_tb, "--out", out, "--dpi", QString::number(dpi), "--index", "5", "--axis", "x"});
            QVERIFY2(r.code == 0, r.err.constData());
            // The slice figure is 6 x 5 inches.
            QCOMPARE(pngSize(out), QSize(6 * dpi, 5 * dpi));
            QVERIFY(r.out.contains("wrote slice figure"));
        }
        // Not blank: the map's colours (inferno or cool-warm of δT_b) are there besides black and white.
        const QImage img(m_dir.filePath("slice200.png"));
        QSet<QRgb> colours;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7)
                colours.insert(img.pixel(x, y));
        QVERIFY2(colours.size() > 40, qPrintable(QString::number(colours.size())));
    }

    void sliceSvgKeepsLabelsAsText()
    {
        const QString out = m_dir.filePath("slice.svg");
        const Result r = runCli({"figure", "slice", m_tb, "--out", out, "--title", "Test slice ζ", "--cmap", "viridis",
            "--range", "-5,30"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QByteArray svg = readAll(out);
        QVERIFY(svg.contains("<svg"));
        const QString shown = svgText(svg);
        for (const char* text : {"x [Mpc]", "y [Mpc]", "δT_b [mK]", "Test slice ζ"})
            QVERIFY2(shown.contains(QString::fromUtf8(text)), text);
    }

    void everyKindAsPdf()
    {
        const QStringList kinds {"slice", "lightcone", "power", "history"};
        for (const QString& kind : kinds) {
            const QString out = m_dir.filePath(kind + ".pdf");
            const QString input = kind == "lightcone" ? m_cone : m_run;
            QStringList args {"figure", kind, input, "--out", out};
            if (kind == "slice" || kind == "power")
                args << "--quantity"
                     << "dTb";
            if (kind == "slice")
                args[2] = m_tb;
            const Result r = runCli(args);
            QVERIFY2(r.code == 0, qPrintable(kind + ": " + r.err));
            const QByteArray pdf = readAll(out);
            QVERIFY2(pdf.startsWith("%PDF-1."), qPrintable(kind));
            QVERIFY2(pdf.contains("%%EOF"), qPrintable(kind));
        }
    }

    void lightconePowerHistoryAsSvgAndPng()
    {
        Result r = runCli({"figure", "lightcone", m_cone, "--out", m_dir.filePath("cone.svg")});
        QVERIFY2(r.code == 0, r.err.constData());
        QString svg = svgText(readAll(m_dir.filePath("cone.svg")));
        QVERIFY(svg.contains("redshift z"));
        QVERIFY(svg.contains(QStringLiteral("ν = 1420.4 / (1 + z) [MHz]")));
        // Three δT_b cubes overlaid: a legend naming their redshifts, log axes with units.
        r = runCli({"figure", "power", m_run, "--quantity", "dTb", "--out", m_dir.filePath("power.svg")});
        QVERIFY2(r.code == 0, r.err.constData());
        svg = svgText(readAll(m_dir.filePath("power.svg")));
        for (const char* text : {"k [Mpc⁻¹]", "Δ²(k) [mK²]", "z = 8.00", "z = 9.00", "z = 10.00"})
            QVERIFY2(svg.contains(QString::fromUtf8(text)), text);
        r = runCli({"figure", "power", m_tb, "--units", "h-mpc", "--out", m_dir.filePath("power_h.svg")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(svgText(readAll(m_dir.filePath("power_h.svg"))).contains(QStringLiteral("k [h Mpc⁻¹]")));
        r = runCli({"figure", "history", m_run, "--out", m_dir.filePath("history.png"), "--dpi", "100"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(pngSize(m_dir.filePath("history.png")), QSize(600, 600));
        r = runCli({"figure", "history", m_run, "--out", m_dir.filePath("history.svg")});
        svg = svgText(readAll(m_dir.filePath("history.svg")));
        QVERIFY(svg.contains("neutral fraction"));
        QVERIFY(svg.contains(QStringLiteral("⟨δT_b⟩ [mK]")));
        // The 2D power ratio of δT_b at z 9 over z 8 (one grid; A is the first input, whatever the
        // file names' order): the map labelled as a ratio.
        const QString tb9 = firstFile(m_run + "/seed1", "delta_T*z009.00*");
        r = runCli({"figure", "power2d-ratio", tb9, m_tb, "--out", m_dir.filePath("ratio.svg")});
        QVERIFY2(r.code == 0, r.err.constData());
        svg = svgText(readAll(m_dir.filePath("ratio.svg")));
        for (const char* text : {"P_A / P_B", "k⊥ [Mpc⁻¹]", "k∥ [Mpc⁻¹]", "A = z = 9.00", "B = z = 8.00"})
            QVERIFY2(svg.contains(QString::fromUtf8(text)), text);
    }

    void badInputsAreNamed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString tb = firstFile(m_run + "/seed1", "delta_T*z008.00*");
        const QString out = m_dir.filePath("bad.png");
        QTest::newRow("suffix") << QStringList {"figure", "slice", tb, "--out", m_dir.filePath("x.jpg")} << 2
                                << "x.jpg: a figure is written as .png, .svg or .pdf";
        QTest::newRow("index") << QStringList {"figure", "slice", tb, "--out", out, "--index", "24"} << 1
                               << "slice index 24 is outside the cube (0 to 23 along z)";
        QTest::newRow("not a lightcone") << QStringList {"figure", "lightcone", tb, "--out", out} << 1
                                         << "holds no lightcone";
        QTest::newRow("ratio of one") << QStringList {"figure", "power2d-ratio", tb, "--out", out} << 1
                                      << "power2d-ratio needs exactly two cubes (A B), found 1";
        QTest::newRow("cmap") << QStringList {"figure", "slice", tb, "--out", out, "--cmap", "jet"} << 1
                              << "--cmap: unknown colour map 'jet'";
        QTest::newRow("range") << QStringList {"figure", "slice", tb, "--out", out, "--range", "3,1"} << 1
                               << "--range: needs LO < HI";
        QTest::newRow("several cubes") << QStringList {"figure", "slice", m_run, "--out", out} << 1
                                       << "holds 9 cubes (brightness_temperature, density, neutral_fraction)";
        QTest::newRow("missing") << QStringList {"figure", "power", m_dir.filePath("nope.h5"), "--out", out} << 1
                                 << "nope.h5";
        QTest::newRow("dpi") << QStringList {"figure", "slice", tb, "--out", out, "--dpi", "5"} << 2 << "--dpi";
    }

    void badInputsAreNamed()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Result r = runCli(args);
        QCOMPARE(r.code, code);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(!QFile::exists(m_dir.filePath("bad.png")));
    }

    void paintersInProcess()
    {
        // The GUI's exports call these: a slice of a known cube has the cube's range and axes.
        int argc = 1;
        char name[] = "tst_figure";
        char* argv[] = {name, nullptr};
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QGuiApplication app(argc, argv);
        rs::CubeMetadata meta;
        meta.quantity = rs::Quantity::NeutralFraction;
        rs::Cube cube({4, 6, 8}, {40.0, 60.0, 80.0}, meta);
        const rs::figure::MapFigure f = rs::figure::sliceFigure(cube, 0, 1);
        QCOMPARE(f.rows, std::size_t(6));
        QCOMPARE(f.cols, std::size_t(8));
        QCOMPARE(f.x.hi, 80.0);
        QCOMPARE(f.y.hi, 60.0);
        QVERIFY(f.y.reversed);
        QCOMPARE(f.map, rs::figure::ColormapId::Ionization);
        const QImage img = rs::figure::renderFigure(
            f.inches, 96, [&](QPainter& p, const QRectF& r) { rs::figure::paintMap(p, r, f); });
        QCOMPARE(img.size(), QSize(576, 480));
        QCOMPARE(img.dotsPerMeterX(), int(std::lround(96 / 0.0254)));
        RS_VERIFY_ERROR(rs::ParameterError, rs::figure::figureFormatOf("a/b.tiff"), "a/b.tiff: a figure is written");
        RS_VERIFY_ERROR(rs::ParameterError, rs::figure::renderFigure({6, 5}, 10, {}), "--dpi: must be between 30");
    }

private:
    QTemporaryDir m_dir;
    QString m_run, m_cone, m_tb;
};

QTEST_GUILESS_MAIN(TestFigure)
#include "tst_figure.moc"

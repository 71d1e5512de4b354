// bench_explorer: how fast the Explorer responds on this machine. A benchmark, never a test: it
// prints figures (a table on stderr, JSON on stdout) and asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/app/bench/bench_explorer [--quick] [--json FILE]
//   build/app/bench/bench_explorer --screenshots DIR [PATH...]
//   build/app/bench/bench_explorer --stats-screenshots DIR Z PATH...
#include "bench_util.h"
#include "io/cube_loader.h"
#include "lightcone_bench.h"
#include "screenshots.h"
#include "slice_bench.h"
#include "startup_bench.h"
#include "volume_bench.h"
#include "vtk/vtk_host_widget.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSysInfo>
#include <QThread>

#include <cstdio>

int main(int argc, char** argv)
{
    rs::ui::VtkHostWidget::installDefaultSurfaceFormat();
    QApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReionScope"));
    QApplication::setOrganizationName(QStringLiteral("ReionScope"));
    const QStringList args = app.arguments().mid(1);
    if (args.size() >= 2 && args[0] == QLatin1String("--screenshots"))
        return takeScreenshots(args[1], args.mid(2));
    if (args.size() >= 4 && args[0] == QLatin1String("--stats-screenshots"))
        return takeStatsScreenshots(args[1], args[2].toDouble(), args.mid(3));

    const bool quick = args.contains(QStringLiteral("--quick"));
    const int jsonAt = int(args.indexOf(QStringLiteral("--json")));
    const QString sample = QStringLiteral(REIONSCOPE_SAMPLE_DIR);
    const QString tbSample = QDir(sample).filePath(QStringLiteral("delta_T_v3_z008.00_nf0.548080_useTs0_64_96Mpc"));

    QJsonObject doc {{"when", QDateTime::currentDateTime().toString(Qt::ISODate)}, {"gl_renderer", bench::glRenderer()},
        {"cpu_cores", QThread::idealThreadCount()}, {"load_average_at_start", bench::loadAverage()},
        {"platform", QGuiApplication::platformName()}};
    std::fprintf(stderr, "bench_explorer on %s, %d cores, load %.2f\n", qPrintable(doc["gl_renderer"].toString()),
        QThread::idealThreadCount(), bench::loadAverage());

    if (args.contains(QStringLiteral("--lightcone"))) {
        // The Lightcone view (issue 11): open 200 x 200 x 1500 and scroll, against the slice bench.
        const QJsonObject reference = benchSlices(200, quick ? 20 : 60);
        doc.insert(QStringLiteral("slices"), QJsonArray {reference});
        doc.insert(QStringLiteral("lightcone"), benchLightcone(200, 1500, quick ? 20 : 60, reference));
        bench::writeReport(doc, jsonAt >= 0 && jsonAt + 1 < args.size() ? args[jsonAt + 1] : QString());
        return 0;
    }

    QJsonArray slices;
    for (std::size_t n : {std::size_t(200), std::size_t(512)})
        slices.append(benchSlices(n, quick ? 30 : 120));
    doc.insert(QStringLiteral("slices"), slices);

    QJsonArray volumes;
    rs::Cube cube200;
    QString source = QStringLiteral("synthetic");
    if (QFileInfo::exists(tbSample)) {
        // The real sample's δT_b resampled to 200^3: realistic structure for the ray caster.
        cube200 = bench::resample(rs::loadCube(tbSample.toStdString()), 200);
        source = QStringLiteral("21cmFAST sample δT_b resampled to 200^3");
    } else {
        cube200 = bench::syntheticTb(200, 300.0);
    }
    volumes.append(benchVolume(cube200, source, QSize(640, 480), quick ? 20 : 60));
    doc.insert(QStringLiteral("volume"), volumes);

    QStringList paths;
    if (QFileInfo::exists(sample))
        paths << sample;
    doc.insert(QStringLiteral("startup"), benchStartup(QStringLiteral(REIONSCOPE_GUI_EXE), quick ? 2 : 4, paths));
    doc.insert(QStringLiteral("load_average_at_end"), bench::loadAverage());
    bench::writeReport(doc, jsonAt >= 0 && jsonAt + 1 < args.size() ? args[jsonAt + 1] : QString());
    return 0;
}

#include "gui_fixtures.h"

#include "studio/training_workspace.h"
#include "vtk/vtk_host_widget.h"

#include "cube/cube_stats.h"
#include "fixtures.h"

#include <QDir>
#include <QGuiApplication>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QTemporaryDir>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace guifixtures {

void useTemporaryUserDirs()
{
    static QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CACHE_HOME", home.filePath(QStringLiteral("cache")).toUtf8()); // HDF5 verdicts (hdf5_guard.h)
}

void initGuiTestMain()
{
    useTemporaryUserDirs();
    rs::ui::VtkHostWidget::installDefaultSurfaceFormat();
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
}

bool openGlAvailable(QString* why)
{
    if (QGuiApplication::platformName() == QLatin1String("offscreen")
        || QGuiApplication::platformName() == QLatin1String("minimal")) {
        *why = QStringLiteral("Qt platform '%1' cannot host QOpenGLWidget").arg(QGuiApplication::platformName());
        return false;
    }
    QOpenGLContext ctx;
    ctx.setFormat(QSurfaceFormat::defaultFormat());
    if (!ctx.create()) {
        *why = QStringLiteral("no OpenGL context could be created");
        return false;
    }
    QOffscreenSurface surface;
    surface.setFormat(ctx.format());
    surface.create();
    if (!ctx.makeCurrent(&surface)) {
        *why = QStringLiteral("an OpenGL context could not be made current");
        return false;
    }
    const QSurfaceFormat f = ctx.format();
    ctx.doneCurrent();
    if (f.majorVersion() * 10 + f.minorVersion() < 32) {
        *why = QStringLiteral("OpenGL %1.%2 is older than the 3.2 VTK needs")
                   .arg(f.majorVersion())
                   .arg(f.minorVersion());
        return false;
    }
    return true;
}

rs::Cube indexCube(rs::Shape shape, rs::Quantity q, double box, double z, float offset)
{
    rs::CubeMetadata meta;
    meta.quantity = q;
    meta.redshift = z;
    rs::Cube c(shape, {box, box, box}, meta);
    float* d = c.mutableData();
    for (std::size_t i = 0; i < shape[0]; ++i)
        for (std::size_t j = 0; j < shape[1]; ++j)
            for (std::size_t k = 0; k < shape[2]; ++k)
                d[c.index(i, j, k)] = float(i * 10000 + j * 100 + k) + offset;
    return c;
}

ClassicTrio writeClassicTrio(const QString& dir, std::size_t n, double box, double z, double zeta, double nf)
{
    ClassicTrio t;
    t.n = n;
    const std::size_t count = n * n * n;
    t.densityValues.resize(count);
    t.xhiValues.resize(count);
    t.tbValues.resize(count);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
                const std::size_t idx = (i * n + j) * n + k;
                const float d = float(0.6 * std::sin(0.37 * double(i) + 0.11 * double(j)) * std::cos(0.23 * double(k))
                    + 0.001 * double(idx % 101) + 0.01 * (z - 8.0));
                const float x = (i + 2 * j + k) % 3 == 0 ? 0.0f : (i % 5 == 0 ? 0.5f : 1.0f);
                t.densityValues[idx] = d;
                t.xhiValues[idx] = x;
                t.tbValues[idx] = float(27.0 * x * (1.0 + d));
            }
    char name[256];
    const int L = int(std::lround(box));
    std::snprintf(name, sizeof name, "updated_smoothed_deltax_z%06.2f_%zu_%dMpc", z, n, L);
    t.density = fixtures::writeFloats(dir, name, t.densityValues);
    std::snprintf(name, sizeof name,
        "xH_nohalos_z%06.2f_nf%f_eff%.1f_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_%zu_%dMpc", z, nf, zeta, n, L);
    t.xhi = fixtures::writeFloats(dir, name, t.xhiValues);
    std::snprintf(name, sizeof name, "delta_T_v3_z%06.2f_nf%f_useTs0_%zu_%dMpc", z, nf, n, L);
    t.tb = fixtures::writeFloats(dir, name, t.tbValues);
    return t;
}

rs::ui::LoadedCube loaded(const rs::Cube& cube, const QString& runLabel)
{
    rs::ui::LoadedCube lc;
    lc.cube = cube;
    lc.stats = rs::summarize(cube);
    lc.runLabel = runLabel;
    return lc;
}

double meanAbsDifference(const QImage& a, const QImage& b)
{
    if (a.size() != b.size() || a.isNull())
        return 255.0;
    const QImage x = a.convertToFormat(QImage::Format_RGB32);
    const QImage y = b.convertToFormat(QImage::Format_RGB32);
    double sum = 0;
    for (int r = 0; r < x.height(); ++r) {
        const QRgb* p = reinterpret_cast<const QRgb*>(x.constScanLine(r));
        const QRgb* q = reinterpret_cast<const QRgb*>(y.constScanLine(r));
        for (int c = 0; c < x.width(); ++c)
            sum += std::abs(qRed(p[c]) - qRed(q[c])) + std::abs(qGreen(p[c]) - qGreen(q[c]))
                + std::abs(qBlue(p[c]) - qBlue(q[c]));
    }
    return sum / (3.0 * x.width() * x.height());
}

double blackFraction(const QImage& img)
{
    if (img.isNull())
        return 1.0;
    const QImage x = img.convertToFormat(QImage::Format_RGB32);
    std::size_t black = 0;
    for (int r = 0; r < x.height(); ++r) {
        const QRgb* p = reinterpret_cast<const QRgb*>(x.constScanLine(r));
        for (int c = 0; c < x.width(); ++c)
            if (qRed(p[c]) < 8 && qGreen(p[c]) < 8 && qBlue(p[c]) < 8)
                ++black;
    }
    return double(black) / double(x.width() * x.height());
}

QString baselineDir()
{
    return QStringLiteral(REIONSCOPE_BASELINE_DIR);
}

bool matchesBaseline(const QImage& actual, const QString& baselinePath, double tolerance, QString* message)
{
    const QImage baseline(baselinePath);
    const double diff = baseline.isNull() ? 255.0 : meanAbsDifference(actual, baseline);
    if (!baseline.isNull() && diff <= tolerance)
        return true;
    const QString outDir = QDir(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR)).filePath(QStringLiteral("render-failures"));
    QDir().mkpath(outDir);
    const QString out = QDir(outDir).filePath(QFileInfo(baselinePath).fileName());
    actual.save(out);
    *message = baseline.isNull()
        ? QStringLiteral("baseline %1 is missing; the actual image is %2").arg(baselinePath, out)
        : QStringLiteral("image differs from %1 by %2 (tolerance %3); the actual image is %4")
              .arg(baselinePath)
              .arg(diff, 0, 'f', 2)
              .arg(tolerance)
              .arg(out);
    return false;
}

void showRunsFolder(rs::ui::TrainingWorkspace& ws, const QString& folder, QSize size)
{
    ws.resize(size);
    ws.setRunsFolder(folder);
    ws.show();
}

} // namespace guifixtures

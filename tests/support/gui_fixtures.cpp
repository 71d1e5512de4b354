#include "gui_fixtures.h"

#include "cube/cube_stats.h"

#include <QDir>
#include <QGuiApplication>
#include <QOffscreenSurface>
#include <QOpenGLContext>

#include <cmath>
#include <cstdlib>

namespace guifixtures {

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
        *why = QStringLiteral("OpenGL %1.%2 is older than the 3.2 VTK needs").arg(f.majorVersion()).arg(f.minorVersion());
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

} // namespace guifixtures

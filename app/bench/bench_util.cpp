#include "bench_util.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <numeric>

namespace bench {

QJsonObject Summary::json() const
{
    return {{"median_ms", median}, {"p95_ms", p95}, {"p99_ms", p99}, {"mean_ms", mean}, {"min_ms", min},
        {"max_ms", max}, {"samples", double(n)}};
}

Summary summarize(std::vector<double> ms)
{
    Summary s;
    if (ms.empty())
        return s;
    std::sort(ms.begin(), ms.end());
    s.n = ms.size();
    s.min = ms.front();
    s.max = ms.back();
    s.mean = std::accumulate(ms.begin(), ms.end(), 0.0) / double(ms.size());
    s.median = ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
    auto rank
        = [&ms](double q) { return ms[std::min(ms.size() - 1, std::size_t(std::ceil(q * double(ms.size()))) - 1)]; };
    s.p95 = rank(0.95);
    s.p99 = rank(0.99);
    return s;
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        // Events for 5 ms, sleeping when there are none: a busy wait would take a core from
        // what the bench measures (a training run, a background job).
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

rs::Cube syntheticTb(std::size_t n, double box)
{
    rs::CubeMetadata meta;
    meta.quantity = rs::Quantity::BrightnessTemperature;
    meta.redshift = 8.0;
    rs::Cube c = rs::Cube::uninitialized({n, n, n}, {box, box, box}, meta);
    float* d = c.mutableData();
    const double w = 2.0 * std::numbers::pi / double(n);
    std::vector<double> sx(n), cx(n), sy(n), cz(n);
    for (std::size_t i = 0; i < n; ++i) {
        sx[i] = std::sin(3.0 * w * double(i));
        cx[i] = std::cos(5.0 * w * double(i));
        sy[i] = std::sin(4.0 * w * double(i) + 1.0);
        cz[i] = std::cos(7.0 * w * double(i) + 2.0);
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            float* row = d + (i * n + j) * n;
            const double a = sx[i] + sy[j];
            for (std::size_t k = 0; k < n; ++k) {
                const double v = a + cz[k] + 0.5 * cx[(i + j + k) % n];
                // Neutral (bright) where the field is high, ionized (0) where it is low.
                row[k] = v > -0.4 ? float(12.0 + 8.0 * v) : 0.0f;
            }
        }
    return c;
}

rs::Cube resample(const rs::Cube& s, std::size_t n)
{
    rs::CubeMetadata meta = s.metadata();
    rs::Cube c = rs::Cube::uninitialized({n, n, n}, s.boxLength(), meta);
    float* d = c.mutableData();
    const rs::Shape& m = s.shape();
    auto at = [&](long i, long j, long k) {
        const auto w = [](long v, std::size_t size) { return std::size_t((v % long(size) + long(size)) % long(size)); };
        return double(s.at(w(i, m[0]), w(j, m[1]), w(k, m[2])));
    };
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k) {
                const double fi = (double(i) + 0.5) * double(m[0]) / double(n) - 0.5;
                const double fj = (double(j) + 0.5) * double(m[1]) / double(n) - 0.5;
                const double fk = (double(k) + 0.5) * double(m[2]) / double(n) - 0.5;
                const long i0 = long(std::floor(fi)), j0 = long(std::floor(fj)), k0 = long(std::floor(fk));
                const double a = fi - double(i0), b = fj - double(j0), g = fk - double(k0);
                double v = 0;
                for (int di = 0; di < 2; ++di)
                    for (int dj = 0; dj < 2; ++dj)
                        for (int dk = 0; dk < 2; ++dk)
                            v += (di ? a : 1 - a) * (dj ? b : 1 - b) * (dk ? g : 1 - g) * at(i0 + di, j0 + dj, k0 + dk);
                d[c.index(i, j, k)] = float(v);
            }
    return c;
}

QString glRenderer()
{
    QOpenGLContext ctx;
    if (!ctx.create())
        return QStringLiteral("no OpenGL");
    QOffscreenSurface surface;
    surface.setFormat(ctx.format());
    surface.create();
    if (!ctx.makeCurrent(&surface))
        return QStringLiteral("no OpenGL");
    const QString r = QString::fromLatin1(reinterpret_cast<const char*>(ctx.functions()->glGetString(GL_RENDERER)));
    ctx.doneCurrent();
    return r;
}

double loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return f.readAll().split(' ').value(0).toDouble();
}

void writeReport(const QJsonObject& doc, const QString& out)
{
    const QByteArray json = QJsonDocument(doc).toJson();
    std::fwrite(json.constData(), 1, std::size_t(json.size()), stdout);
    if (!out.isEmpty()) {
        QFile f(out);
        if (f.open(QIODevice::WriteOnly))
            f.write(json);
    }
}

} // namespace bench

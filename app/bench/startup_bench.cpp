#include "startup_bench.h"

#include "bench_util.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

namespace {

/// Milliseconds from starting the process to its "first-slice" line; -1 on failure.
double launch(const QString& exe, const QStringList& args, const QProcessEnvironment& env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer t;
    t.start();
    p.start(exe, args + QStringList {QStringLiteral("--exit-after-first-slice")});
    double ms = -1;
    QByteArray out;
    while (p.state() != QProcess::NotRunning || p.bytesAvailable()) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
        if (ms < 0 && out.contains("first-slice"))
            ms = double(t.nsecsElapsed()) / 1e6;
        if (t.elapsed() > 600000) {
            p.kill();
            break;
        }
    }
    p.waitForFinished(10000);
    if (ms < 0)
        std::fprintf(stderr, "  startup: %s did not report a first slice:\n%s\n", qPrintable(exe),
            p.readAllStandardError().constData());
    return ms;
}

} // namespace

QJsonObject benchStartup(const QString& exe, int repeats, const QStringList& extraPaths)
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    const double first = launch(exe, {}, env);
    std::vector<double> warm;
    for (int i = 0; i < repeats; ++i)
        warm.push_back(launch(exe, {}, env));
    const bench::Summary w = bench::summarize(warm);
    std::fprintf(stderr, "  launch → first slice: first start (demo generated) %.0f ms | later starts median %.0f ms\n",
        first, w.median);
    QJsonObject out {{"first_start_with_demo_generation_ms", first}, {"later_start", w.json()}};
    if (!extraPaths.isEmpty()) {
        std::vector<double> data;
        for (int i = 0; i < repeats; ++i)
            data.push_back(launch(exe, extraPaths, env));
        const bench::Summary d = bench::summarize(data);
        std::fprintf(
            stderr, "  launch → first slice with %s: median %.0f ms\n", qPrintable(extraPaths.join(' ')), d.median);
        out.insert(QStringLiteral("start_with_paths"), d.json());
        out.insert(QStringLiteral("paths"), QJsonArray::fromStringList(extraPaths));
    }
    return out;
}

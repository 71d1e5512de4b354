// Screenshots of the Statistics panel on real data: the new statistics of one cube, and every run
// of the opened folders overlaid at one redshift. Part of bench_explorer:
//   bench_explorer --stats-screenshots DIR Z PATH...
#include "bench_util.h"
#include "screenshots.h"

#include "explorer/catalog_model.h"
#include "explorer/explorer_workspace.h"
#include "explorer/session.h"
#include "explorer/stats_panel.h"
#include "shell/job_runner.h"
#include "shell/main_window.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QThread>

#include <cmath>
#include <cstdio>

namespace {

void write(QWidget* w, const QString& dir, const QString& name)
{
    const QString path = QDir(dir).filePath(name);
    const QImage img = w->grab().toImage();
    if (img.isNull() || !img.save(path))
        std::fprintf(stderr, "stats screenshots: could not save %s\n", qPrintable(path));
    else
        std::printf("wrote %s (%dx%d)\n", qPrintable(path), img.width(), img.height());
}

} // namespace

int takeStatsScreenshots(const QString& dir, double z, const QStringList& paths)
{
    using namespace rs;
    using namespace rs::ui;
    QDir().mkpath(dir);
    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    w.start(paths);
    Session* session = w.session();
    StatsPanel* stats = w.explorer()->stats();
    stats->resize(900, 560);
    auto idle = [&] { return !session->isBusy() && !stats->cubeJob()->isRunning(); };
    if (!bench::waitUntil([&] { return !session->snapshot().empty() && idle(); }, 600000)) {
        std::fprintf(stderr, "stats screenshots: no data loaded\n");
        return 1;
    }
    const auto shoot = [&](StatsPanel::Chart c, const QString& name) {
        stats->setCurrentChart(c);
        bench::waitUntil([] { return false; }, 300);
        write(stats, dir, name);
    };
    // Every run holding x_HI and δT_b at z, each kept in the overlay.
    for (Quantity q : {Quantity::NeutralFraction, Quantity::BrightnessTemperature}) {
        stats->clearPinned();
        int kept = 0;
        for (int run = 0; session->model()->runIndex(run).isValid(); ++run) {
            bool hasZ = false;
            for (double key : session->model()->redshifts(run))
                hasZ = hasZ || std::abs(key - z) < 1e-6;
            if (!hasZ)
                continue;
            session->loadSnapshot(run, z);
            bench::waitUntil(
                [&] {
                    return session->snapshot().redshift && std::abs(*session->snapshot().redshift - z) < 1e-6 && idle();
                },
                60000);
            if (!stats->chooseCube(q))
                continue;
            bench::waitUntil(idle, 60000);
            stats->pinCurrent();
            ++kept;
        }
        std::printf("%d runs overlaid for %s\n", kept, q == Quantity::NeutralFraction ? "x_HI" : "dT_b");
        const QString stem = q == Quantity::NeutralFraction ? QStringLiteral("xhi") : QStringLiteral("tb");
        shoot(StatsPanel::Chart::Spectrum, QStringLiteral("overlay_%1_spectrum.png").arg(stem));
        shoot(StatsPanel::Chart::Histogram, QStringLiteral("overlay_%1_pdf.png").arg(stem));
        if (q == Quantity::NeutralFraction)
            shoot(StatsPanel::Chart::Bubbles, QStringLiteral("overlay_xhi_bubbles.png"));
        stats->clearPinned();
        shoot(StatsPanel::Chart::Cylindrical, QStringLiteral("power2d_%1.png").arg(stem));
        shoot(StatsPanel::Chart::Spectrum, QStringLiteral("spectrum_%1.png").arg(stem));
        stats->setPerH(true);
        shoot(StatsPanel::Chart::Spectrum, QStringLiteral("spectrum_%1_hmpc.png").arg(stem));
        stats->setPerH(false);
    }
    return 0;
}

// Screenshots of each Explorer view on real data, taken with Qt's own grab (for the README and for
// looking at the running app). Part of bench_explorer: `bench_explorer --screenshots DIR [PATH]`.
#include "screenshots.h"

#include "explorer/explorer_workspace.h"
#include "explorer/linked_slices_view.h"
#include "explorer/session.h"
#include "explorer/slice_panel.h"
#include "explorer/stats_panel.h"
#include "explorer/volume_panel.h"
#include "figure/figure_file.h"
#include "figure/figures.h"
#include "shell/job_runner.h"
#include "shell/main_window.h"
#include "vtk/slice_canvas.h"
#include "vtk/volume_canvas.h"

#include <QApplication>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QMouseEvent>
#include <QThread>

#include <cstdio>

namespace {

bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

void save(const QImage& img, const QString& dir, const char* name)
{
    const QString path = QDir(dir).filePath(QString::fromLatin1(name));
    if (img.isNull() || !img.save(path))
        std::fprintf(stderr, "screenshots: could not save %s\n", qPrintable(path));
    else
        std::printf("wrote %s (%dx%d)\n", qPrintable(path), img.width(), img.height());
}

} // namespace

int takeScreenshots(const QString& dir, const QStringList& paths)
{
    using namespace rs::ui;
    QDir().mkpath(dir);
    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    w.start(paths);
    ExplorerWorkspace* ex = w.explorer();
    if (!waitFor([&] { return !w.session()->snapshot().empty(); }, 600000)) {
        std::fprintf(stderr, "screenshots: no data loaded\n");
        return 1;
    }
    StatsPanel* stats = ex->stats();
    waitFor([&] { return !stats->cubeJob()->isRunning() && !stats->seriesJob()->isRunning(); }, 60000);
    ex->volume()->isosurfaceBox()->setChecked(true);
    waitFor([&] { return !ex->volume()->isosurfaceJob()->isRunning(); }, 60000);
    settle(1500);
    // Hover a voxel of the δT_b panel so readouts and the status bar show values.
    SliceCanvas* tb = ex->slices()->panel(2)->canvas();
    const QPointF at(tb->width() * 0.4, tb->height() * 0.45);
    QMouseEvent move(QEvent::MouseMove, at, tb->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(tb, &move);
    settle(500);
    save(grabWithGlViews(&w), dir, "window.png");
    save(ex->slices()->panel(0)->renderImage(), dir, "slice_panel_density.png");
    save(ex->slices()->panel(1)->renderImage(), dir, "slice_panel_xhi.png");
    save(ex->slices()->panel(2)->renderImage(), dir, "slice_panel_tb.png");
    save(ex->volume()->canvas()->grabImage(), dir, "volume.png");
    {
        const rs::figure::VolumeFigure f = ex->volume()->figure(110); // File ▸ Export ▸ Volume View as Figure
        save(rs::figure::renderFigure(
                 f.inches, 110, [&f](QPainter& p, const QRectF& r) { rs::figure::paintVolume(p, r, f); }),
            dir, "volume_figure.png");
    }
    ex->volume()->isosurfaceBox()->setChecked(false);
    const char* perCube[3] = {"volume_density.png", "volume_xhi.png", "volume_tb_no_bubbles.png"};
    for (int i = 0; i < std::min(3, ex->volume()->cubeBox()->count()); ++i) {
        ex->volume()->showCube(i);
        settle(400);
        save(ex->volume()->canvas()->grabImage(), dir, perCube[i]);
    }
    ex->volume()->isosurfaceBox()->setChecked(true);
    save(grabWithGlViews(ex->volume()), dir, "volume_panel.png");
    for (int c = 0; c < 4; ++c) {
        stats->setCurrentChart(StatsPanel::Chart(c));
        settle(300);
        const char* names[4] = {"stats_histogram.png", "stats_spectrum.png", "stats_nf.png", "stats_tb.png"};
        save(stats->grab().toImage(), dir, names[c]);
    }
    ex->slices()->setPanelCount(4);
    settle(800);
    save(grabWithGlViews(ex->slices()), dir, "slices_four.png");
    ex->slices()->setPanelCount(3);
    w.openPaths({QDir(dir).filePath(QStringLiteral("no-such-file.h5"))});
    settle(500);
    save(grabWithGlViews(&w), dir, "window_error.png");
    return 0;
}

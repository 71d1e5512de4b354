#include "studio_bench.h"

#include "explorer/linked_slices_view.h"
#include "explorer/slice_controls.h"
#include "explorer/slice_panel.h"
#include "ml/run_folder.h"
#include "vtk/slice_canvas.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSlider>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <utility>

namespace bench {

namespace {
double cpuSeconds(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}
} // namespace

Summary timerLateness(int ms, CpuShare* cpu, std::vector<double>* samples)
{
    const double thread0 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID), process0 = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
    constexpr double kIntervalMs = 5.0;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(int(kIntervalMs));
    QElapsedTimer clock;
    std::vector<double> late;
    qint64 last = -1;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0)
            late.push_back(std::max(0.0, double(now - last) / 1e6 - kIntervalMs));
        last = now;
    });
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    clock.start();
    timer.start();
    loop.exec();
    if (cpu) {
        const double wall = double(clock.nsecsElapsed()) / 1e9;
        cpu->guiThread = (cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - thread0) / wall;
        cpu->process = (cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process0) / wall;
    }
    if (samples)
        samples->insert(samples->end(), late.begin(), late.end());
    return summarize(late);
}

Summary sliceSteps(rs::ui::LinkedSlicesView* view, int steps)
{
    QSlider* slider = view->panel(0)->controls()->slider();
    const int n = view->panel(0)->canvas()->sliceCount(view->linkedState().axis);
    std::vector<double> ms;
    int index = slider->value();
    for (int s = 0; s < steps + 3; ++s) {
        QCoreApplication::processEvents(); // what piled up meanwhile (progress, redraws) runs between steps
        index = (index + 1) % std::max(n, 1);
        QElapsedTimer t;
        t.start();
        slider->setValue(index);
        for (int i = 0; i < view->panelCount(); ++i)
            view->panel(i)->canvas()->renderNow();
        if (s >= 3) // the first steps warm caches
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    return summarize(ms);
}

double historySamplesPerSecond(const QString& runDir, std::uint64_t from, std::uint64_t to, int* lines)
{
    // The records in [from, to): everything after `from` minus everything after `to`.
    const std::string dir = runDir.toStdString();
    std::vector<rs::ml::HistoryRecord> records = rs::ml::readHistoryFrom(dir, from).records;
    if (to > from)
        records.resize(records.size() - std::min(records.size(), rs::ml::readHistoryFrom(dir, to).records.size()));
    std::vector<double> v;
    bool first = true;
    for (const rs::ml::HistoryRecord& r : records) {
        if (r.type != "batch" || !std::isfinite(r.samplesPerSecond))
            continue;
        if (!std::exchange(first, false))
            v.push_back(r.samplesPerSecond);
    }
    if (lines)
        *lines = int(v.size());
    return v.empty() ? NAN : summarize(std::move(v)).median;
}

} // namespace bench

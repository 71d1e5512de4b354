#pragma once
// Parts of bench_studio: the GUI thread's stalls, slice-stepping latency and training throughput
// while a run trains in the Training studio, compared with the same run from reionscope-cli.

#include "bench_util.h"

#include <QJsonObject>
#include <QString>

namespace rs::ui {
class LinkedSlicesView;
class MainWindow;
} // namespace rs::ui

namespace bench {

/// CPU time over wall time: of the GUI thread, and of the whole process (all its threads).
struct CpuShare {
    double guiThread = 0;
    double process = 0;
};

/// Late firings of a 5 ms timer on the GUI thread over `ms` milliseconds: each sample is how
/// much later than 5 ms after the previous one a firing came (the GUI thread's stalls). With
/// `cpu`, also the CPU shares meanwhile; with `samples`, every lateness is appended there too.
Summary timerLateness(int ms, CpuShare* cpu = nullptr, std::vector<double>* samples = nullptr);

/// Slider step → all visible linked panels re-rendered (synchronously), `steps` times.
Summary sliceSteps(rs::ui::LinkedSlicesView* view, int steps);

/// Median of the trainer's own samples/s (history batch lines after byte `from`; the first line
/// after `from` is skipped: its window may start before). Returns NaN without lines.
double historySamplesPerSecond(const QString& runDir, std::uint64_t from, std::uint64_t to, int* lines = nullptr);

} // namespace bench

#pragma once
// Small helpers for bench_explorer: summaries of timing samples, waiting on Qt signals, test cubes.

#include "cube/cube.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace bench {

struct Summary {
    double median = 0, p95 = 0, p99 = 0, mean = 0, min = 0, max = 0;
    std::size_t n = 0;
    QJsonObject json() const;
};

/// Median, 95th and 99th percentiles (nearest rank), mean, min, max of samples in milliseconds.
Summary summarize(std::vector<double> ms);

/// Processes events until `done()` or the timeout; returns whether done.
bool waitUntil(const std::function<bool()>& done, int timeoutMs);

/// An n^3 δT_b-like cube [mK] with smooth large-scale structure and ionized holes (values ≥ 0),
/// `box` Mpc on a side. Cheap to make, so 512^3 is quick.
rs::Cube syntheticTb(std::size_t n, double box);

/// `source` resampled trilinearly (periodic) onto an n^3 grid of the same box.
rs::Cube resample(const rs::Cube& source, std::size_t n);

/// "llvmpipe (LLVM 15.0.6, 256 bits)" etc.: the OpenGL renderer of a fresh context.
QString glRenderer();
/// The 1-minute load average (the machine is shared; figures vary with it).
double loadAverage();

/// Prints the report (JSON) on stdout and writes it to `out` when given.
void writeReport(const QJsonObject& doc, const QString& out);

} // namespace bench

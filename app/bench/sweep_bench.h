#pragma once
// bench_studio --sweep: the Training studio following a sweep that `reionscope-cli sweep` trains
// in other processes (the GUI thread's stalls while the runs folder fills and grows).

#include <QStringList>

namespace bench {

/// Runs the sweep mode with bench_studio's arguments (after --sweep): opens the main window on
/// the sweep's folder, starts the sweep as a child process and measures the GUI thread in 2 s
/// windows until the sweep ends, alternating the Curves and Sweep tabs; first six windows with no
/// sweep (the baseline of the machine's load). Prints a table on stderr and JSON on stdout (and
/// --json FILE). Returns 0 when the sweep succeeded, 1 when it failed, 2 on a usage error.
int runSweepBench(const QStringList& args);

} // namespace bench

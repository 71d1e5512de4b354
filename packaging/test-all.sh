#!/bin/sh
# Installs dependencies, builds, and runs the whole test suite (GUI tests under Xvfb), then
# the core tests again under AddressSanitizer + UBSan (the `asan` preset), then the threaded parts
# under ThreadSanitizer (the `tsan` preset: every test labelled tsan).
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
sh packaging/build.sh
xvfb-run -a -s "-screen 0 1280x1024x24" ctest --test-dir build --output-on-failure -j 2
if [ "${REIONSCOPE_SKIP_ASAN:-0}" != "1" ]; then
    cmake --preset asan >/dev/null
    cmake --build --preset asan -- -j 2
    ctest --preset asan
fi
# ThreadSanitizer: tst_threads (the chunk reader's pool, files vetted from four threads through the
# probe server and both verdict caches, the worker pool), tst_threads_ml (the batch stream stopped
# mid-epoch, a training paused, resumed and stopped from another thread) and tst_threads_jobs (the
# GUI's job runner). The build preset builds only these and the helper (DEVELOPERS.md gives the cost).
if [ "${REIONSCOPE_SKIP_TSAN:-0}" != "1" ]; then
    cmake --preset tsan >/dev/null
    cmake --build --preset tsan -- -j 2
    ctest --preset tsan
fi

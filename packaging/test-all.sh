#!/bin/sh
# Installs dependencies, builds, and runs the whole test suite (GUI tests under Xvfb), then
# the core tests again under AddressSanitizer + UBSan (the `asan` preset).
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

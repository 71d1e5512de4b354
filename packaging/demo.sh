#!/bin/sh
# Installs dependencies, builds, and opens the ReionScope GUI on its built-in demo data.
# Without a display (a server, a container) it runs under Xvfb and says so.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
sh packaging/build.sh
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec ./build/app/reionscope "$@"
fi
echo "demo: no display found; running ReionScope under Xvfb (set DISPLAY to see the window)"
exec xvfb-run -a -s "-screen 0 1600x1000x24" ./build/app/reionscope "$@"

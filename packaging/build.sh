#!/bin/sh
# Configures and builds ReionScope into ./build (Release, Ninja). Extra arguments go to CMake.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
# Two jobs at most: a LibTorch translation unit takes ~1.3 GB and the CI machine has two cores.
cmake --build build -- -j "${REIONSCOPE_JOBS:-2}"

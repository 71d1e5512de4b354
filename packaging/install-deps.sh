#!/bin/sh
# Installs everything ReionScope needs to build, test and run on Debian 12 (bookworm).
# Idempotent and quiet: does nothing when every package is already installed.
set -eu

PACKAGES="g++ cmake ninja-build qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev libvtk9-dev libtorch-dev
libhdf5-dev libfftw3-dev xvfb xauth libgl1-mesa-dri nlohmann-json3-dev libcli11-dev libeigen3-dev
zlib1g-dev libdeflate-dev liblzf-dev dpkg-dev file
python3-numpy python3-h5py clang-format libgloo-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-deps: run as root (or install sudo) to install:$missing" >&2
        exit 1
    fi
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh debootstrap has empty package lists: without this update, apt-get installs nothing.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"

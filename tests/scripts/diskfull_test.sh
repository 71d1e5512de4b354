#!/bin/bash
# Disk-full test (issue 17): every writer, pointed at a tiny tmpfs, must end with exit status 1
# and a message naming the file ("No space left on device"), never a signal, leave no temporary
# behind and leave an existing output unchanged. Needs root (mount); says so and exits 77 without.
#   sudo tests/scripts/diskfull_test.sh BUILD_DIR
set -u
BUILD=${1:?usage: diskfull_test.sh BUILD_DIR}
CLI=$BUILD/app/reionscope-cli
[ "$(id -u)" -eq 0 ] || { echo "diskfull_test: needs root to mount a tmpfs; skipped"; exit 77; }
WORK=$(mktemp -d /tmp/reionscope-full-XXXXXX)
FULL=$WORK/full
mkdir -p "$FULL"
trap 'umount "$FULL" 2>/dev/null; rm -rf "$WORK"' EXIT
fail=0
"$CLI" simulate --dim 64 --box 96 --z 8 --zeta 20 --quiet --out "$WORK/src" >/dev/null || exit 2
SRC=$(ls "$WORK"/src/*.h5 | head -1)
"$CLI" dataset build --simulate --dim 16 --box 24 --z 7,9 --zeta 10,30 --seeds 3 --out "$WORK/ds.h5" >/dev/null 2>&1 || exit 2

# check NAME FREE_KIB COMMAND...: runs COMMAND with FREE_KIB left on the tmpfs.
check() {
    local name=$1 free=$2; shift 2
    umount "$FULL" 2>/dev/null
    mount -t tmpfs -o size=4m tmpfs "$FULL" || exit 2
    echo "keep me" >"$FULL/existing.h5"
    local used=$((4096 - free - 16))
    [ $used -gt 0 ] && dd if=/dev/zero of="$FULL/filler" bs=1K count=$used status=none 2>/dev/null
    "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
    local rc=$?
    local msg; msg=$(tail -1 "$WORK/err.txt")
    local temps; temps=$(find "$FULL" -name '.*.tmp*' | wc -l)
    if [ $rc -ne 1 ] || [ "$temps" -ne 0 ] || [ "$(cat "$FULL/existing.h5")" != "keep me" ] \
        || ! grep -q "No space left\|cannot\|disk full" "$WORK/err.txt"; then
        echo "diskfull_test: FAIL $name (${free} KiB free): exit $rc, $temps temporaries: $msg"; fail=1
    else
        echo "diskfull_test: ok   $name (${free} KiB free): $msg"
    fi
}
for free in 0 64 400; do
    check "convert" $free "$CLI" convert "$SRC" "$FULL/existing.h5"
    check "simulate h5" $free "$CLI" simulate --dim 64 --box 96 --z 8 --zeta 20 --quiet --out "$FULL/sim"
    check "simulate classic" $free "$CLI" simulate --dim 64 --box 96 --z 8 --zeta 20 --quiet --format classic --out "$FULL/sim"
    check "dataset build" $free "$CLI" dataset build --simulate --dim 16 --box 24 --z 7,9 --zeta 10,30 --seeds 3 --out "$FULL/existing.h5"
    check "train" $free "$CLI" train --dataset "$WORK/ds.h5" --model cnn --epochs 1 --threads 1 --out "$FULL/run"
done
exit $fail

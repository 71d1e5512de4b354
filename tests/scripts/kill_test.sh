#!/bin/bash
# Kill test (issue 17): kill -9 `train`, `simulate`, `dataset build` and `convert` at random
# instants, run them again, and check that every run resumes to the same result as an
# uninterrupted one, with no replayed history and no temporary or half-written file left behind.
#   tests/scripts/kill_test.sh BUILD_DIR [KILLS=20] [SEED=1]
set -u
BUILD=${1:?usage: kill_test.sh BUILD_DIR [KILLS] [SEED]}
KILLS=${2:-20}
RANDOM=${3:-1}
CLI=$BUILD/app/reionscope-cli
WORK=$(mktemp -d /tmp/reionscope-kill-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail=0
note() { echo "kill_test: $*"; }
bad() { echo "kill_test: FAIL: $*"; fail=1; }

# Random sleep of 0-MAX ms.
nap() { sleep "$(awk -v r=$RANDOM -v m="$1" 'BEGIN { printf "%.3f", (r % (m + 1)) / 1000 }')"; }

# Strip the fields that legitimately differ between sessions.
canon() { sed -E 's/"(wall_s|samples_per_s)":[^,}]*,?//g; s/,}/}/g' "$1" | grep -E '"type":"(epoch|batch)"'; }

"$CLI" dataset build --simulate --dim 16 --box 24 --z 7,9 --zeta 10,30 --seeds 3 --stride 4 \
    --out "$WORK/ds.h5" >/dev/null 2>&1 || { echo "kill_test: cannot build the dataset"; exit 2; }
TRAIN=(train --dataset "$WORK/ds.h5" --model cnn --target z --epochs 3 --batch 4 --threads 1 --history-every 2)
"$CLI" "${TRAIN[@]}" --out "$WORK/ref" >/dev/null 2>&1 || { echo "kill_test: reference run failed"; exit 2; }

# train: kill at random instants until a session finishes.
kills=0
for ((i = 0; i < 200 && kills < KILLS; i++)); do
    "$CLI" "${TRAIN[@]}" --out "$WORK/run" >"$WORK/train.log" 2>&1 &
    pid=$!
    nap 1500
    if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
    wait $pid 2>/dev/null
done
"$CLI" "${TRAIN[@]}" --out "$WORK/run" >"$WORK/train.log" 2>&1 || bad "train did not resume: $(tail -1 "$WORK/train.log")"
note "train killed $kills times"
if ! diff <(canon "$WORK/ref/history.jsonl") <(canon "$WORK/run/history.jsonl") >"$WORK/diff.txt"; then
    bad "resumed history differs from the uninterrupted one:"; head -5 "$WORK/diff.txt"
fi
cmp -s "$WORK/ref/metrics.json" "$WORK/run/metrics.json" || bad "test metrics differ after resuming"
left=$(find "$WORK/run" -name '.*.tmp*' | wc -l)
[ "$left" -eq 0 ] || bad "$left temporary files left in the run folder"

# simulate / dataset build: a kill leaves no half-written file under a final name, and the next
# run removes the dead run's temporaries.
for ((k = 0; k < KILLS; k++)); do
    "$CLI" simulate --dim 32 --box 48 --z 7,8,9 --zeta 20 --threads 1 --quiet --out "$WORK/sim" >/dev/null 2>&1 &
    pid=$!; nap 800; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    for f in "$WORK"/sim/*.h5; do
        [ -e "$f" ] || continue
        "$CLI" info "$f" >/dev/null 2>&1 || bad "simulate left a damaged $f"
    done
    "$CLI" dataset build --simulate --dim 16 --box 24 --z 7,9 --zeta 10,30 --seeds 3 --out "$WORK/ds2.h5" >/dev/null 2>&1 &
    pid=$!; nap 800; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    if [ -e "$WORK/ds2.h5" ]; then "$CLI" dataset info "$WORK/ds2.h5" >/dev/null 2>&1 || bad "dataset build left a damaged ds2.h5"; fi
done
"$CLI" simulate --dim 32 --box 48 --z 7,8,9 --zeta 20 --threads 1 --quiet --out "$WORK/sim" >/dev/null 2>&1 || bad "simulate after kills failed"
left=$(find "$WORK/sim" -name '.*.tmp*' | wc -l)
[ "$left" -eq 0 ] || bad "$left temporaries left in the simulation folder after a complete run"
note "simulate and dataset build killed $KILLS times each"

# convert: a kill leaves either no out.h5 or a whole one with the source's cubes, and the next
# conversion removes the dead one's temporaries and writes the same cubes. (Two conversions are not
# byte-identical files: HDF5 stores object times; `info --json` without the path is compared.)
"$CLI" simulate --dim 64 --box 96 --z 8 --zeta 20 --threads 1 --quiet --out "$WORK/big" >/dev/null 2>&1 ||
    bad "simulate 64^3 failed"
SRC=$(ls "$WORK"/big/*.h5 | head -1)
CONVERT=(convert --codec deflate --level 9 "$SRC")
fingerprint() { "$CLI" info --json "$1" 2>&1 | grep -v '"path"'; }
t0=$(date +%s%N)
"$CLI" "${CONVERT[@]}" "$WORK/convert_ref.h5" >/dev/null 2>&1 || bad "reference conversion failed"
span=$((($(date +%s%N) - t0) / 800000)) # 1.25 times the conversion, in ms: some kills land after it
ref=$(fingerprint "$WORK/convert_ref.h5")
mkdir -p "$WORK/convert"
whole=0
for ((k = 0; k < KILLS; k++)); do
    rm -f "$WORK/convert/out.h5"
    "$CLI" "${CONVERT[@]}" "$WORK/convert/out.h5" >/dev/null 2>&1 &
    pid=$!; nap "$span"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    if [ -e "$WORK/convert/out.h5" ]; then
        whole=$((whole + 1))
        [ "$(fingerprint "$WORK/convert/out.h5")" = "$ref" ] || bad "convert left a damaged or different out.h5"
    fi
done
"$CLI" "${CONVERT[@]}" "$WORK/convert/out.h5" >/dev/null 2>&1 || bad "convert after kills failed"
[ "$(fingerprint "$WORK/convert/out.h5")" = "$ref" ] || bad "convert after kills wrote other cubes"
left=$(find "$WORK/convert" -name '.*.tmp*' | wc -l)
[ "$left" -eq 0 ] || bad "$left temporaries left beside out.h5 after a complete conversion"
note "convert killed $KILLS times ($whole had finished before the kill)"
[ $fail -eq 0 ] && note "all resumed, nothing stranded"
exit $fail

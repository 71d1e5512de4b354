#!/usr/bin/env bash
# sweep_kill_check.sh — does a hyper-parameter sweep survive `kill -9` of itself AND its trainers?
#
# Usage: packaging/tools/sweep_kill_check.sh [WORK_DIR]
#   WORK_DIR   where the dataset, the sweep folder and the logs go (default: a new folder under
#              /tmp); a dataset already there (ds64.h5) is reused, the sweep folder is made anew
# Environment (defaults: issue 14's target, 12 small CNNs on 64² slices, two at a time):
#   REIONSCOPE_CLI  the CLI binary (default build/app/reionscope-cli)
#   GRID            (default "lr=1e-3,3e-3,1e-2;batch=16,32;weight_decay=0,1e-4": 12 points)
#   PARALLEL (2)  EPOCHS (3)  THREADS (1 per trainer)  MAX_BATCHES (0: whole epochs)
#   KILL_AFTER      finished points before the kill (default 3)
#   DATASET         a dataset to use instead of building WORK_DIR/ds64.h5 (`dataset build
#                   --simulate --dim 64 --box 96 --z 7,8,9 --zeta 20,40 --seeds 4 --stride 4`)
# What it does: starts `reionscope-cli sweep` in a process group of its own; once KILL_AFTER
# points are finished and a trainer is inside an epoch, sends SIGKILL to the whole group (the
# sweep and its trainers at the same instant: nothing gets to checkpoint or to say goodbye);
# records SHA-256 hashes of every finished point's history.jsonl, metrics.json and final.pt; runs
# the same command again and checks that it exits 0, that every point is finished, that the
# finished points were skipped (the log says so) with their files unchanged, and that the killed
# points resumed (a "resume" line in their history, no epoch trained twice). Exit 0 when all
# holds; otherwise the first failed check on stderr and exit 1. Minutes of CPU; not a test (the
# `slow` test tst_ml_sweep does the same on a tiny grid).
set -euo pipefail
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
case ${1:-} in -h | --help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
WORK=${1:-$(mktemp -d /tmp/sweep_kill_check.XXXXXX)}
CLI=${REIONSCOPE_CLI:-build/app/reionscope-cli}
GRID=${GRID:-lr=1e-3,3e-3,1e-2;batch=16,32;weight_decay=0,1e-4}
PARALLEL=${PARALLEL:-2}
EPOCHS=${EPOCHS:-3}
THREADS=${THREADS:-1}
MAX_BATCHES=${MAX_BATCHES:-0}
KILL_AFTER=${KILL_AFTER:-3}
[ -x "$CLI" ] || { echo "sweep_kill_check: $CLI: not an executable (set REIONSCOPE_CLI)" >&2; exit 1; }
CLI=$(readlink -f "$CLI")
mkdir -p "$WORK"
WORK=$(readlink -f "$WORK")
fail() { echo "sweep_kill_check: FAILED: $*" >&2; exit 1; }
for tool in jq pgrep ps setsid /usr/bin/time; do
    command -v "$tool" >/dev/null || fail "needs $tool (apt-get install jq procps time util-linux)"
done

DATASET=${DATASET:-$WORK/ds64.h5}
if [ ! -f "$DATASET" ]; then
    echo "building $DATASET"
    "$CLI" dataset build --simulate --dim 64 --box 96 --z 7,8,9 --zeta 20,40 --seeds 4 --stride 4 \
        --threads 1 --out "$DATASET" >"$WORK/dataset.log" 2>&1 || fail "dataset build (see $WORK/dataset.log)"
fi
OUT=$WORK/sweep
rm -rf "$OUT"
ARGS=(sweep --dataset "$DATASET" --model cnn --target z --grid "$GRID" --epochs "$EPOCHS" --threads "$THREADS"
    --max-batches "$MAX_BATCHES" --history-every 5 --parallel "$PARALLEL" --out "$OUT")
POINTS=$(echo "$GRID" | tr ';' '\n' | awk -F= '{ n = split($2, v, ","); p = (NR == 1 ? n : p * n) } END { print p }')
echo "work folder $WORK; $POINTS points; grid $GRID; epochs $EPOCHS; parallel $PARALLEL; kill after $KILL_AFTER finished"

# Finished points: their history ends with "finished" (final.pt alone is not enough: a trainer
# killed between final.pt and its test evaluation left no metrics.json and resumes).
finished() { grep -l '"type":"finished"' "$OUT"/*/history.jsonl 2>/dev/null | wc -l; }
# Points inside an epoch: the last line of their history is a batch line (one every 5 batches).
in_epoch() {
    local n=0 d
    for d in "$OUT"/*/; do
        tail -n 1 "$d/history.jsonl" 2>/dev/null | grep -q '"type":"batch"' && n=$((n + 1))
    done
    echo $n
}

# 1. The sweep in its own process group, killed as a whole mid-way.
T0=$(date +%s.%N)
setsid "$CLI" "${ARGS[@]}" >"$WORK/sweep-1.log" 2>&1 &
SWEEP=$!
sleep 0.2
[ "$(ps -o pgid= -p "$SWEEP" | tr -d ' ')" = "$SWEEP" ] || fail "the sweep (pid $SWEEP) is not the leader of its own process group"
for _ in $(seq 1 6000); do
    [ "$(finished)" -ge "$KILL_AFTER" ] && [ "$(in_epoch)" -ge 1 ] && break
    kill -0 "$SWEEP" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$SWEEP" 2>/dev/null || fail "the sweep ended before the kill (make it longer): $(tail -3 "$WORK/sweep-1.log")"
GROUP=$(pgrep -g "$SWEEP" | tr '\n' ' ' || true) # pgrep exits 1 when it finds none
TRAINERS=$(pgrep -P "$SWEEP" | wc -l || true)
kill -9 -- "-$SWEEP"
wait "$SWEEP" 2>/dev/null || true
for _ in $(seq 1 100); do pgrep -g "$SWEEP" >/dev/null || break; sleep 0.1; done
pgrep -g "$SWEEP" >/dev/null && fail "processes of the killed sweep remain: $(pgrep -g "$SWEEP" | tr '\n' ' ')"
T1=$(date +%s.%N)
echo "killed (SIGKILL) the sweep and its $TRAINERS trainers (group $GROUP) after $(awk "BEGIN { printf \"%.1f\", $T1 - $T0 }") s: $(finished) of $POINTS finished"

# 2. What was done before the kill: hashes of the finished points, epochs of the killed ones.
: >"$WORK/finished-before.sha256"
KILLED=()
for d in "$OUT"/*/; do
    name=$(basename "$d")
    if grep -q '"type":"finished"' "$d/history.jsonl" 2>/dev/null; then
        (cd "$OUT" && sha256sum "$name/history.jsonl" "$name/metrics.json" "$name/final.pt") >>"$WORK/finished-before.sha256"
    elif [ -f "$d/config.json" ]; then
        KILLED+=("$name")
        [ -f "$d/final.pt" ] && echo "  $name: killed after writing final.pt, before its test evaluation (no metrics.json)"
        grep -c '"type":"epoch"' "$d/history.jsonl" >"$WORK/epochs-before.$name" 2>/dev/null || echo 0 >"$WORK/epochs-before.$name"
    fi
done
DONE_BEFORE=$(wc -l <"$WORK/finished-before.sha256")
DONE_BEFORE=$((DONE_BEFORE / 3))
[ ${#KILLED[@]} -ge 1 ] || fail "no point was killed mid-way"
echo "before the rerun: $DONE_BEFORE finished (hashes in $WORK/finished-before.sha256), killed mid-way: ${KILLED[*]}"

# 3. The same command again.
R0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$WORK/rerun.cpu" "$CLI" "${ARGS[@]}" >"$WORK/sweep-2.log" 2>&1 \
    || fail "the rerun exited $? (see $WORK/sweep-2.log)"
R1=$(date +%s.%N)
echo "rerun: exit 0 after $(awk "BEGIN { printf \"%.1f\", $R1 - $R0 }") s wall, $(awk '{ print $1 + $2 }' "$WORK/rerun.cpu") CPU-s (sweep and trainers)"

# 4. Checks.
[ "$(finished)" -eq "$POINTS" ] || fail "$(finished) of $POINTS points finished after the rerun"
(cd "$OUT" && sha256sum --quiet -c "$WORK/finished-before.sha256") || fail "a finished point's files changed on the rerun"
grep -q "^$(basename "$OUT"): $POINTS points, $DONE_BEFORE kept" "$WORK/sweep-2.log" || fail "the rerun did not keep $DONE_BEFORE points: $(grep points "$WORK/sweep-2.log")"
while read -r _ file; do
    name=${file%%/*}
    grep -qF "] $name: finished" "$WORK/sweep-2.log" && grep -F "] $name: " "$WORK/sweep-2.log" | grep -q "skipped: already finished" \
        || fail "the rerun's log does not say $name was skipped"
    grep -F "] $name: " "$WORK/sweep-2.log" | grep -q "resuming\|starting" && fail "$name was trained again"
done < <(grep '/history.jsonl$' "$WORK/finished-before.sha256")
for name in "${KILLED[@]}"; do
    h=$OUT/$name/history.jsonl
    grep -q '"type":"resume"' "$h" || fail "$name: no resume line in its history"
    before=$(cat "$WORK/epochs-before.$name")
    grep -F "] $name: resuming after $before complete epoch(s)" "$WORK/sweep-2.log" >/dev/null \
        || fail "$name: the log does not say it resumed after $before epochs"
    epochs=$(grep '"type":"epoch"' "$h" | jq -r .epoch | tr '\n' ' ')
    [ "$epochs" = "$(seq -s ' ' 1 "$EPOCHS") " ] || fail "$name: epochs in its history are '$epochs', not 1..$EPOCHS once each"
done
"$CLI" runs "$OUT" --json >"$WORK/runs.json" || fail "runs --json"
[ "$(jq '[.runs[] | select(.status == "finished" and .sweep.name == "sweep")] | length' "$WORK/runs.json")" -eq "$POINTS" ] \
    || fail "runs --json does not list $POINTS finished members of the sweep"
echo "OK: $DONE_BEFORE finished points skipped with unchanged history.jsonl/metrics.json/final.pt;" \
    "${#KILLED[@]} killed point(s) resumed (${KILLED[*]}); all $POINTS finished; logs in $WORK"

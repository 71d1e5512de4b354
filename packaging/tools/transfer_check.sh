#!/usr/bin/env bash
# transfer_check.sh — do classifiers trained ONLY on ReionScope simulations label real 21cmFAST boxes?
#
# Usage: packaging/tools/transfer_check.sh SHARED_DATA_DIR [WORK_DIR]
#   SHARED_DATA_DIR  the folder holding 21cmfast-calibration/ and 21cmfast-sample/ (real classic
#                    21cmFAST δT_b boxes, 64³ / 96 Mpc; see their READMEs)
#   WORK_DIR         where datasets and runs go (default: a new folder under /tmp); datasets and
#                    finished runs already there are reused, so use one folder per variant
# Environment (the variant to measure; defaults are the ones the README reports as transferring):
#   REIONSCOPE_CLI   the CLI binary (default build/app/reionscope-cli)
#   VELOCITIES       off | on | both: δT_b of the training sims without / with the line-of-sight
#                    velocity term, or every cube both ways (default both)
#   Z_ZETAS          ζ values simulated at every z for the z classifier (default 15,20,30,40)
#   ZETA_ZS          redshifts simulated for the ζ classifier (default 7,8,9,10)
#   SEEDS            realizations per grid point (default 6); EPOCHS (default 12); STRIDE (default 4)
#   TRAIN_SEED       seed of the network initialisation (default 0); THREADS (default 2)
# It simulates two 64³ / 96 Mpc grids (z classes 7,8,9,10 over Z_ZETAS; ζ classes 20,40 over
# ZETA_ZS), cuts them into slices along x, y and z, trains a cnn on each, then predicts every real
# δT_b box (slices along x, y and z; the label is the class of highest mean probability, p) and prints a table and
# the accuracy over the boxes with 0.05 < nf < 0.95 (nf from the 21cmFAST file name). Takes minutes
# of CPU; not a test.
set -euo pipefail
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} # 2x faster training on shared cores (README)
[ $# -ge 1 ] || { awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 2; }
DATA=$1
WORK=${2:-$(mktemp -d /tmp/transfer_check.XXXXXX)}
CLI=${REIONSCOPE_CLI:-build/app/reionscope-cli}
VELOCITIES=${VELOCITIES:-both}
Z_ZETAS=${Z_ZETAS:-15,20,30,40}
ZETA_ZS=${ZETA_ZS:-7,8,9,10}
SEEDS=${SEEDS:-6}
EPOCHS=${EPOCHS:-12}
STRIDE=${STRIDE:-4}
TRAIN_SEED=${TRAIN_SEED:-0}
THREADS=${THREADS:-2}
[ -x "$CLI" ] || { echo "transfer_check: $CLI: not an executable (set REIONSCOPE_CLI)" >&2; exit 1; }
CAL=$DATA/21cmfast-calibration
[ -d "$CAL" ] && [ -d "$DATA/21cmfast-sample" ] || { echo "transfer_check: $DATA: no 21cmfast-calibration/ and 21cmfast-sample/" >&2; exit 1; }
mkdir -p "$WORK"
echo "work folder $WORK; velocities $VELOCITIES; z-classifier zetas $Z_ZETAS; zeta-classifier z $ZETA_ZS; seeds $SEEDS; epochs $EPOCHS"

common=(--simulate --dim 64 --box 96 --seeds "$SEEDS" --stride "$STRIDE" --threads "$THREADS")
[ "$VELOCITIES" = off ] || common+=(--velocities "$VELOCITIES")
[ -f "$WORK/z.h5" ] || "$CLI" dataset build "${common[@]}" --z 7,8,9,10 --zeta "$Z_ZETAS" --out "$WORK/z.h5" >"$WORK/z.dataset.txt"
[ -f "$WORK/zeta.h5" ] || "$CLI" dataset build "${common[@]}" --z "$ZETA_ZS" --zeta 20,40 --out "$WORK/zeta.h5" >"$WORK/zeta.dataset.txt"
for t in z zeta; do
    [ -f "$WORK/run_$t/done" ] && continue
    "$CLI" train --dataset "$WORK/$t.h5" --model cnn --target "$t" --epochs "$EPOCHS" --seed "$TRAIN_SEED" \
        --threads "$THREADS" --out "$WORK/run_$t" >"$WORK/run_$t.log"
    touch "$WORK/run_$t/done"
done

# Every real δT_b box: zeta20 z 7-10, zeta40 z 9 (with and without velocities), the sample, the v2 model.
mapfile -t BOXES < <(find "$CAL" "$DATA/21cmfast-sample" -maxdepth 2 -type f -name 'delta_T_*' | sort)
for t in z zeta; do
    "$CLI" predict "$WORK/run_$t" "${BOXES[@]}" --axes xyz --json >"$WORK/predict_$t.json"
done
/usr/bin/python3 - "$WORK" "${BOXES[@]}" <<'PY'
import json, re, sys
work, boxes = sys.argv[1], sys.argv[2:]
pred = {t: json.load(open(f"{work}/predict_{t}.json")) for t in ("z", "zeta")}
def label(t, path):
    for e in pred[t]["predictions"]:
        if e["path"] == path:
            return e
    raise SystemExit(f"{path}: no prediction in predict_{t}.json")
print(f"{'box':58s} {'nf':>6s} {'z':>5s} {'pred z (p)':>12s} {'zeta':>5s} {'pred zeta (p)':>14s}")
ok = {"z": [0, 0], "zeta": [0, 0]}
for b in boxes:
    name = b.split("/")[-2] + "/" + b.split("/")[-1]
    z = float(re.search(r"_z0*([0-9.]+)_", b).group(1)); nf = float(re.search(r"_nf([0-9.]+)_", b).group(1))
    zeta = 40.0 if "/zeta40/" in b else (None if "/v2_" in b else 20.0)
    pz, pzeta = label("z", b), label("zeta", b)
    lz, lzeta = float(pz["label"]), float(pzeta["label"])
    if 0.05 < nf < 0.95:
        ok["z"][0] += abs(lz - z) < 1e-6; ok["z"][1] += 1
        if zeta is not None:
            ok["zeta"][0] += abs(lzeta - zeta) < 1e-6; ok["zeta"][1] += 1
    p = lambda e: max(e["probabilities"].values())
    print(f"{name[:58]:58s} {nf:6.3f} {z:5.1f} {lz:5g} ({p(pz):.2f}) {zeta if zeta else '-':>5} {lzeta:6g} ({p(pzeta):.2f})")
for t in ("z", "zeta"):
    c, n = ok[t]
    print(f"{t} classifier: {c}/{n} = {100.0 * c / max(n, 1):.0f} % of real boxes at 0.05 < nf < 0.95 correct")
PY

#!/usr/bin/env bash
# The neural tier's recipe scored on several validation splits (issue 17: choose
# and report with several splits, not one). For each split seed N:
#   1. `unspin train --seed N` trains the fast model on that split's other 85 %
#      and writes the split (its report's valid_ids);
#   2. `train_neural.py --split` fine-tunes the encoder without those articles
#      (about 20 min on 2 CPU cores; a GPU is used when there is one);
#   3. `unspin train --task neural --fast-model` tunes the blend on the split's
#      tuning articles and scores its validation articles, blended with the
#      fast model of step 1 (which has not seen them; checked).
# Finished steps are skipped, so an interrupted run picks up where it stopped.
# Prints a table per split with the mean and the spread.
#
# Usage: [TRAIN_ARGS="..."] training/neural_splits.sh [--out DIR] SEED...
#   e.g. training/neural_splits.sh 1 2 3 4   (split 13 is the shipped model's)
#   TRAIN_ARGS: more options for train_neural.py (a recipe to compare; give
#   it its own --out)
set -euo pipefail
cd "$(dirname "$0")/.."
out=training/splits
if [ "${1:-}" = "--out" ]; then out=$2; shift 2; fi
if [ $# -eq 0 ]; then
  echo "usage: training/neural_splits.sh [--out DIR] SEED..." >&2
  exit 2
fi
data=../shared/data/ptc/train
python=${PYTHON:-../train-venv/bin/python}
cargo build --release --quiet
unspin=target/release/unspin
for seed in "$@"; do
  dir=$out/s$seed
  mkdir -p "$dir"
  if [ ! -f "$dir/fast/fast.safetensors" ]; then
    $unspin train -q --data $data --seed "$seed" --out "$dir/fast/fast.safetensors" > "$dir/fast.md"
  fi
  if [ ! -f "$dir/checkpoint/neural-f32.safetensors" ]; then
    # shellcheck disable=SC2086  # TRAIN_ARGS is a list of options
    $python training/train_neural.py --data $data --split "$dir/fast/fast.metrics.json" \
      --out "$dir/checkpoint" --resume ${TRAIN_ARGS:-}
  fi
  if [ ! -f "$dir/neural/neural.metrics.json" ]; then
    $unspin train -q --task neural --data $data --checkpoint "$dir/checkpoint" \
      --fast-model "$dir/fast/fast.safetensors" --out "$dir/neural/neural.safetensors" > "$dir/neural.md"
  fi
done
python3 - "$out" "$@" <<'PY'
import json, statistics, sys
out, seeds = sys.argv[1], sys.argv[2:]
rows = []
for s in seeds:
    n = json.load(open(f"{out}/s{s}/neural/neural.metrics.json"))["report"]
    f = json.load(open(f"{out}/s{s}/fast/fast.metrics.json"))["validation"]
    rows.append((s, n["validation"]["si"]["f1"], n["validation"]["tc"]["f1"],
                 n["validation_neural_only"]["si"]["f1"], n["validation_neural_only"]["tc"]["f1"],
                 f["si"]["f1"], f["tc"]["f1"]))
print("| split seed | tier SI F1 | tier TC F1 | encoder alone SI | encoder alone TC | fast alone SI | fast alone TC |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| " + r[0] + " | " + " | ".join(f"{x:.4f}" for x in r[1:]) + " |")
cols = list(zip(*rows))[1:]
print("| mean | " + " | ".join(f"{statistics.mean(c):.4f}" for c in cols) + " |")
if len(rows) > 1:
    print("| sd | " + " | ".join(f"{statistics.stdev(c):.4f}" for c in cols) + " |")
print("| lowest | " + " | ".join(f"{min(c):.4f}" for c in cols) + " |")
PY

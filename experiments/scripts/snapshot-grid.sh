#!/usr/bin/env bash
# Copies a grid's results (not its checkpoints, models or observations) into a directory to
# commit, and runs `deal report` on the copy. What the destination holds besides the runs and
# the report (README.md, checks/, ...) is kept.
#   bash experiments/scripts/snapshot-grid.sh LIVE_GRID_DIR DEST_DIR
set -euo pipefail
src=${1:?usage: snapshot-grid.sh LIVE_GRID_DIR DEST_DIR}
dst=${2:?usage: snapshot-grid.sh LIVE_GRID_DIR DEST_DIR}
[ -f "$src/grid.json" ] || { echo "snapshot-grid: $src/grid.json not found" >&2; exit 1; }
mkdir -p "$dst"
# Replace the report and the strategies' run folders (those holding seed-N/), nothing else.
rm -rf "$dst/report"
for d in "$dst"/*/; do
  if compgen -G "${d}seed-*" > /dev/null; then rm -rf "$d"; fi
done
cp "$src/grid.json" "$dst/"
for run in "$src"/*/seed-*; do
  [ -f "$run/results.json" ] || continue
  rel=${run#"$src"/}
  mkdir -p "$dst/$rel"
  cp "$run/results.json" "$run/results.csv" "$run/timings.csv" "$dst/$rel/"
done
node "$(dirname "$0")/../../bin/deal.js" report "$dst"

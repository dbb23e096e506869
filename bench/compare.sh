#!/usr/bin/env bash
# Before/after of a whole pass of changes (see docs/benchmarks.md): compiles the tree of an earlier commit and
# the working tree's HEAD, then times the `floor`, `library` and `library-noplans` variants of the benchmark
# at N services for both, REPS times each, every run in a fresh process, all interleaved. Prints medians.
# Usage: N=1000 REPS=7 bench/compare.sh <earlier commit>
set -euo pipefail
BASE=${1:?usage: bench/compare.sh <earlier commit>}
N=${N:-1000}
REPS=${REPS:-7}
ROOT=$(git rev-parse --show-toplevel)
mkdir -p "$ROOT/.tmp"
WORK=$(mktemp -d "$ROOT/.tmp/compare.XXXXXX") # inside the repository, so that node_modules is found
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

for rev in "$BASE" HEAD; do
  dir="$WORK/$rev"
  mkdir -p "$dir"
  git archive "$rev" src imports bench examples tsconfig.json tsconfig.examples.json | tar -x -C "$dir"
  (cd "$dir" && "$ROOT/node_modules/.bin/tsc" -b bench/tsconfig.json)
done

declare -A TIMES
for _ in $(seq "$REPS"); do
  for rev in "$BASE" HEAD; do
    for variant in floor library library-noplans; do
      ms=$(node "$WORK/$rev/build/bench/worker.js" "$variant" "$N" | sed -E 's/.*"ms":([0-9.]+).*/\1/')
      TIMES["$rev $variant"]+="$ms "
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "N=$N, $REPS runs per tree and variant, medians (ms):"
printf '| tree | floor | library | library/floor | without plans | without plans/floor |\n|---|---:|---:|---:|---:|---:|\n'
for rev in "$BASE" HEAD; do
  f=$(echo "${TIMES["$rev floor"]}" | median)
  l=$(echo "${TIMES["$rev library"]}" | median)
  p=$(echo "${TIMES["$rev library-noplans"]}" | median)
  printf '| %s | %.0f | %.0f | %.2f | %.0f | %.2f |\n' "$(git rev-parse --short "$rev")" "$f" "$l" "$(echo "$l / $f" | bc -l)" "$p" "$(echo "$p / $f" | bc -l)"
done

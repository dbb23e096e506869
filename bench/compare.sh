#!/usr/bin/env bash
# Before/after of a change, as whole processes (see docs/benchmarks.md): exports the library of two commits (src/,
# imports/), gives both the benchmark of the later one (bench/), compiles both, then runs each variant at N services
# REPS times per tree, every run a fresh process writing into a fresh folder, trees and variants interleaved.
# Prints the median wall time and peak memory per tree and variant, and the median of the paired ratios later/earlier.
# Usage: N=1000 REPS=7 VARIANTS="library-noplans floor" bench/compare.sh <earlier commit> [<later commit, default HEAD>]
set -euo pipefail
BEFORE=${1:?usage: bench/compare.sh <earlier commit> [<later commit>]}
AFTER=${2:-HEAD}
N=${N:-1000}
REPS=${REPS:-7}
VARIANTS=${VARIANTS:-library-noplans library floor}
ROOT=$(git rev-parse --show-toplevel)
mkdir -p "$ROOT/.tmp"
WORK=$(mktemp -d "$ROOT/.tmp/compare.XXXXXX") # inside the repository, so that node_modules is found
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

for rev in "$BEFORE" "$AFTER"; do
  dir="$WORK/$rev"
  mkdir -p "$dir"
  git archive "$rev" src imports examples tsconfig.json tsconfig.examples.json | tar -x -C "$dir"
  rm -rf "$dir/bench" && git archive "$AFTER" bench | tar -x -C "$dir"
  (cd "$dir" && "$ROOT/node_modules/.bin/tsc" -b bench/tsconfig.json)
done

declare -A WALL RSS
for rep in $(seq "$REPS"); do
  for rev in "$BEFORE" "$AFTER"; do
    for variant in $VARIANTS; do
      out=$(mktemp -d)
      start=$(date +%s%N)
      line=$(node "$WORK/$rev/build/bench/worker.js" "$variant" "$N" "$out")
      end=$(date +%s%N)
      rm -rf "$out"
      ms=$(( (end - start) / 1000000 ))
      rss=$(echo "$line" | sed -E 's/.*"maxRssKiB":([0-9]+).*/\1/')
      WALL["$rev $variant"]+="$ms "
      RSS["$rev $variant"]+="$(( rss / 1024 )) "
      echo "rep $rep $rev $variant: $ms ms, $(( rss / 1024 )) MiB" >&2
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "N=$N, $REPS runs per tree and variant, whole processes, medians:"
printf '| variant | %s ms | %s ms | paired ratio | %s MiB | %s MiB |\n|---|---:|---:|---:|---:|---:|\n' \
  "$(git rev-parse --short "$BEFORE")" "$(git rev-parse --short "$AFTER")" "$(git rev-parse --short "$BEFORE")" "$(git rev-parse --short "$AFTER")"
for variant in $VARIANTS; do
  read -ra b <<<"${WALL["$BEFORE $variant"]}"
  read -ra a <<<"${WALL["$AFTER $variant"]}"
  ratios=""
  for i in "${!b[@]}"; do ratios+="$(echo "${a[$i]} / ${b[$i]}" | bc -l) "; done
  printf '| %s | %s | %s | %.2f | %s | %s |\n' "$variant" "$(echo "${b[*]}" | median)" "$(echo "${a[*]}" | median)" \
    "$(echo "$ratios" | median)" "$(echo "${RSS["$BEFORE $variant"]}" | median)" "$(echo "${RSS["$AFTER $variant"]}" | median)"
done

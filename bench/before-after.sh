#!/usr/bin/env bash
# Before/after of each performance fix of issue 7 (see docs/benchmarks.md).
#
# Exports HEAD to a temporary folder, then takes the fixes out again one at a time (newest first) by
# reverse-applying the src/ changes of their commits, compiles every tree and times the `library` variant
# of the benchmark at N services, REPS times per tree, each in a fresh process, trees interleaved.
# Prints the median time and peak memory per tree. Usage: N=1000 REPS=3 bench/before-after.sh
set -euo pipefail
N=${N:-1000}
REPS=${REPS:-3}
ROOT=$(git rev-parse --show-toplevel)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

# the tree that results from taking out one more fix | the commits of that fix, newest first, each with
# its paths ("commit path..." separated by ";"). Each tree also lacks the fixes taken out before it.
STEPS=(
  "fixes 1-5|1664b42 src/_util.ts"
  "fixes 1-4|d50bc3c src/_topology.ts;19cf43a src/_topology.ts src/canary-app.ts"
  "fixes 1-3|8f372cc src/argo-rollout.ts"
  "fixes 1-2|8f372cc src/_promql.ts"
  "fix 1|61c9616 src/_chart-rules.ts src/_sweep.ts src/argocd-application.ts"
  "no fix|0eb68c8 src/_sweep.ts src/argocd-application.ts src/canary-app.ts"
)

prev="$WORK/fixes 1-6 (HEAD)"
mkdir -p "$prev"
git archive HEAD src imports bench examples tsconfig.json tsconfig.examples.json | tar -x -C "$prev"
TREES=("$prev")
for step in "${STEPS[@]}"; do
  IFS='|' read -r tree commits <<<"$step"
  dir="$WORK/$tree"
  cp -r "$prev" "$dir"
  IFS=';' read -ra parts <<<"$commits"
  for part in "${parts[@]}"; do
    read -r commit paths <<<"$part"
    # shellcheck disable=SC2086
    git diff "$commit^" "$commit" -- $paths > "$WORK/patch"
    (cd "$dir" && git apply -R -C1 "$WORK/patch")
  done
  TREES+=("$dir")
  prev="$dir"
done

for dir in "${TREES[@]}"; do
  ln -s "$ROOT/node_modules" "$dir/node_modules"
  (cd "$dir" && "$ROOT/node_modules/.bin/tsc" -b bench/tsconfig.json)
done

declare -A MS RSS
for rep in $(seq "$REPS"); do
  for dir in "${TREES[@]}"; do
    line=$(node "$dir/build/bench/worker.js" library "$N")
    ms=$(node -e 'const r=JSON.parse(process.argv[1]); process.stdout.write(String(Math.round(r.ms)))' "$line")
    rss=$(node -e 'const r=JSON.parse(process.argv[1]); process.stdout.write(String(Math.round(r.maxRssKiB/1024)))' "$line")
    MS["$dir"]+="$ms "
    RSS["$dir"]+="$rss "
    echo "rep $rep $(basename "$dir"): $ms ms, $rss MiB" >&2
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "| tree (N = $N, $REPS runs) | library ms (median) | peak MiB (median) |"
echo "|---|---:|---:|"
for ((i=${#TREES[@]}-1; i>=0; i--)); do
  dir=${TREES[$i]}
  echo "| $(basename "$dir") | $(echo "${MS[$dir]}" | median) | $(echo "${RSS[$dir]}" | median) |"
done

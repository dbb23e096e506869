#!/usr/bin/env bash
# Fails when the committed manifests differ from a fresh synth.
#
# Usage: scripts/check-manifests.sh '<synth command>' <committed manifests dir>
#
#   The synth command runs with CDK8S_OUTDIR set to an empty temporary directory and must write the manifests
#   there. A cdk8s App without an explicit `outdir` does (it reads CDK8S_OUTDIR, else writes to dist/), e.g.
#     scripts/check-manifests.sh 'npx ts-node --prefer-ts-exts src/main.ts' dist
#   `cdk8s synth` sets CDK8S_OUTDIR itself from --output, so pass it through:
#     scripts/check-manifests.sh 'npx cdk8s synth --output "$CDK8S_OUTDIR"' dist
#
# Exit status: 0 when both directories are identical, 1 when they differ (the diff is printed),
# 2 when the script is misused or the synth command fails.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 '<synth command>' <committed manifests dir>" >&2
  exit 2
fi
synth_command=$1
committed=$2

if [ ! -d "$committed" ]; then
  echo "error: the committed manifests directory '$committed' does not exist (commit the output of a synth there first)" >&2
  exit 2
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/check-manifests.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
fresh="$workdir/synth"
mkdir -p "$fresh"

echo "synthesizing: $synth_command (CDK8S_OUTDIR=$fresh)"
if ! CDK8S_OUTDIR="$fresh" bash -c "$synth_command"; then
  echo "error: the synth command failed: $synth_command" >&2
  exit 2
fi
if [ -z "$(ls -A "$fresh")" ]; then
  echo "error: the synth command wrote nothing to \$CDK8S_OUTDIR ($fresh); does the App set its own 'outdir'?" >&2
  exit 2
fi

if diff -r -u "$committed" "$fresh"; then
  echo "ok: '$committed' matches a fresh synth"
  exit 0
fi
echo >&2
echo "error: the committed manifests in '$committed' differ from a fresh synth (diff above: '-' committed, '+' fresh)." >&2
echo "       regenerate '$committed' with the synth command (after deleting it, so that removed charts disappear), review and commit it" >&2
exit 1

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
#   When the fresh synth writes an ownership record (cdk8s-canary.owned.txt, written by CanaryApp), only the
#   files synth owns are compared: those listed in the fresh record or in the committed one, and the record
#   itself. Other files in the committed directory (a README, a kustomization.yaml, .git/, another team's
#   folder) are the user's and are left out. Without a record (a plain cdk8s App), the whole directories are
#   compared.
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

record=cdk8s-canary.owned.txt

# The files a record lists: "<sha256>  <path>" lines. Refuses a path that could leave the directory.
owned_files() {
  local line path
  while IFS= read -r line; do
    path=${line:66}
    case "/$path/" in
      //* | */../* | */./* | *//*) echo "error: $1 lists \"$path\", which is not a plain path inside the directory; restore the record from git" >&2; return 2 ;;
    esac
    printf '%s\n' "$path"
  done < <(grep -E '^[0-9a-f]{64}  ' "$1" || true)
}

if [ -f "$fresh/$record" ]; then
  listed=$(mktemp "$workdir/listed.XXXXXX")
  owned_files "$fresh/$record" >> "$listed" || exit 2
  if [ -f "$committed/$record" ]; then owned_files "$committed/$record" >> "$listed" || exit 2; fi
  echo "$record" >> "$listed"
  status=0
  while IFS= read -r f; do
    if [ -f "$committed/$f" ] && [ -f "$fresh/$f" ]; then
      diff -u "$committed/$f" "$fresh/$f" || status=1
    elif [ -f "$fresh/$f" ]; then
      echo "Only in $fresh: $f"; status=1
    elif [ -f "$committed/$f" ]; then
      echo "Only in $committed: $f"; status=1
    fi
  done < <(LC_ALL=C sort -u "$listed")
  if [ "$status" -eq 0 ]; then
    echo "ok: the files synth owns in '$committed' match a fresh synth (other files there are not synth's and are left out)"
    exit 0
  fi
  echo >&2
  echo "error: the files synth owns in '$committed' differ from a fresh synth (diff above: '-' committed, '+' fresh)." >&2
  echo "       regenerate them by running the synth command with CDK8S_OUTDIR='$committed' (it removes the files of removed charts itself)," >&2
  echo "       review and commit them with $record" >&2
  exit 1
fi

if diff -r -u "$committed" "$fresh"; then
  echo "ok: '$committed' matches a fresh synth"
  exit 0
fi
echo >&2
echo "error: the committed manifests in '$committed' differ from a fresh synth (diff above: '-' committed, '+' fresh)." >&2
echo "       regenerate '$committed' with the synth command (after deleting it, so that removed charts disappear), review and commit it" >&2
exit 1

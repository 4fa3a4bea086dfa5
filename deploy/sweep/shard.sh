#!/bin/sh
# One shard of a sigsim exploration, as a CI matrix job or a Kubernetes
# Indexed Job runs it (deploy/README.md):
#
#   deploy/sweep/shard.sh SCENARIO SEEDS INDEX COUNT OUT.json
#
# runs the INDEX-th of COUNT slices of the seed range SEEDS (A..B) and writes
# its JSON summary to OUT.json, which `sigsim merge` adds up with the other
# shards'. The sigsim binary is $SIGSIM, or sigsim on the PATH.
#
# Exit status: 0 once the summary is written, whatever it found — failures
# (1), invariant violations (3) and panics (4) are results that the merge
# step reports, and a shard that exits non-zero would only be retried by the
# job runner for the same result. A usage error (2), an interrupted sweep
# (130) or any other status fails the shard.
set -u
if [ $# -ne 5 ]; then
  echo "usage: $0 SCENARIO SEEDS INDEX COUNT OUT.json" >&2
  exit 2
fi
scenario=$1 seeds=$2 index=$3 count=$4 out=$5
sigsim=${SIGSIM:-sigsim}
mkdir -p "$(dirname "$out")" || exit 2
# Written beside its final name and renamed: a shard killed mid-write leaves
# no summary for merge to take as complete.
"$sigsim" explore "$scenario" --seeds "$seeds" --shard "$index/$count" --keep-going --json > "$out.tmp"
rc=$?
case $rc in
  0|1|3|4) mv "$out.tmp" "$out" && exit 0 ;;
  *) echo "$0: shard $index/$count: sigsim explore exited $rc" >&2; exit $rc ;;
esac

#!/bin/bash
# GuiBench side by side: each VARIANT in turn, ROUNDS times, alternating, each run in a fresh XDG config and state
# directory, so two builds or two sets of JVM options meet the same machine state. Prints, per run, the variant's name
# with the time and load, then GuiBench's result line. The fourth round's results/round4/gui-*/run.sh call it.
#
# Usage: gui-compare.sh SCENARIO ROUNDS REFRESHES EVENTS VARIANT...
#   VARIANT  "name|benchmarks.jar|JVM options" (options space-separated, may be empty)
# Needs java and a DISPLAY (e.g. Xvfb :91 -screen 0 1600x1000x24).
set -euo pipefail
if [ $# -lt 5 ]; then
  echo "usage: gui-compare.sh SCENARIO ROUNDS REFRESHES EVENTS 'name|benchmarks.jar|JVM options'..." >&2
  exit 2
fi
scenario=$1 rounds=$2 refreshes=$3 events=$4
shift 4
for ((round = 1; round <= rounds; round++)); do
  for variant in "$@"; do
    IFS='|' read -r name jar options <<<"$variant"
    state=$(mktemp -d)
    echo "$name $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    # shellcheck disable=SC2086 # the options are separate words
    XDG_CONFIG_HOME=$state/config XDG_STATE_HOME=$state/state java $options -Dprism.order=sw -cp "$jar" \
      -Dbench.scenario="$scenario" -Dbench.refreshes="$refreshes" -Dbench.events="$events" \
      'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null | grep '^gui-bench:' || true
    rm -rf "$state"
  done
done

#!/bin/bash
# issue 18, sixth round: the groups tree's rows under the root it always has (new children reconfigure the cells)
# against a new root per open (the flow re-creates every cell), GuiBench 3 refreshes and 200 events in a window
# started as the app starts (-Dbench.start=true), the launcher's memory options, alternating, 3 rounds.
# BEFORE: benchmarks.jar at the commit before (GuiBench with bench.start), AFTER: at the rows commit.
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -Dbench.start=true"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 3 3 200 \
  "new-root|${BEFORE:-/tmp/bench-r6b.jar}|$MEM" "same-root|${AFTER:-/tmp/bench-r6c.jar}|$MEM"

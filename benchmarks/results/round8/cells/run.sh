#!/bin/bash
# issue 18, eighth round, goal 3: the tree cells' graphic swapped per row kind (before, b947653) against the three
# rows kept in one graphic, one shown (after: a change measured and reverted, in no commit); GuiBench with the
# launcher's memory options, the window started as the app starts, 3 refreshes of the 10,000-function lab host,
# 200 events, alternating, 4 rounds, JDK 17.
S=/tmp/perf/bench/host-10000/scenario.yaml
BEFORE=${BEFORE:-/tmp/r8/bench-b947653.jar}
AFTER=${AFTER:-/tmp/r8/bench-cells.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 4 3 200 \
  "before|$BEFORE|$MEM -Dbench.start=true -Dbench.idleMs=6000" "after|$AFTER|$MEM -Dbench.start=true -Dbench.idleMs=6000"

#!/bin/bash
# issue 18, ninth round, goal 4: the scan's equal values held once and the unimplemented BARs' facts shared
# (after) against 80ce2c4 (before); GuiBench with the GUI launcher's memory options, the graphics lib/graphics.sh
# chooses on this machine (software pipeline, GTK's OpenGL off), the window started as the app starts, 3 refreshes
# of the 10,000-function lab host, 200 events, alternating, 3 rounds, the JDK 17 the tests run on.
# BEFORE/AFTER: benchmarks/target/benchmarks.jar of each (gui-bench-lines.txt: AFTER without the tree's shared names and
# the scan's sized map; gui-bench-lines-2.txt: AFTER as committed).
S=/tmp/perf/bench/host-10000/scenario.yaml
BEFORE=${BEFORE:-/tmp/r9/bench-before.jar} AFTER=${AFTER:-/tmp/r9/bench-after.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 3 3 200 \
  "before|$BEFORE|$MEM -Dbench.start=true" "after|$AFTER|$MEM -Dbench.start=true"

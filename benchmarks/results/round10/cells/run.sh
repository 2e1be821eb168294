#!/bin/bash
# issue 18, tenth round, goal 3: the groups tree's cells with all three rows and two tooltips made per cell
# (before, 4c8e3dd) against each row and tooltip made when the cell first shows it, and the scenario's names made
# off the FX thread (after); GuiBench with the launcher's memory options and the software pipeline (as
# lib/graphics.sh chooses here), the window started as the app starts, 2 refreshes of the 10,000-function lab host,
# 50 events, alternating, 5 rounds, JDK 17.
S=${S:-/tmp/r10/host-10000/scenario.yaml}
BEFORE=${BEFORE:-/tmp/r10/bench-base.jar}
AFTER=${AFTER:-/tmp/r10/bench-lazy.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 5 2 50 \
  "before|$BEFORE|$MEM -Dbench.start=true -Dbench.idleMs=2000" "after|$AFTER|$MEM -Dbench.start=true -Dbench.idleMs=2000"

#!/bin/bash
# issue 18, tenth round, goal 3: the session's GUI changes together. "start" is 4c8e3dd's app (the ninth round's GUI)
# with b1ad17f's GuiBench (its marks-ms and settled-stall-ms), "now" is b1ad17f: the scenario's names made off the
# FX thread, rows and tooltips made on first use, marks refilled in the cells shown. GuiBench with the launcher's
# memory options and the software pipeline (as lib/graphics.sh chooses here), the window started as the app starts,
# 3 refreshes of the 10,000-function lab host, 50 events, alternating, 5 rounds, JDK 17.
S=${S:-/tmp/r10/host-10000/scenario.yaml}
START=${START:-/tmp/r10/bench-start2.jar}
NOW=${NOW:-/tmp/r10/bench-now.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 5 3 50 \
  "start|$START|$MEM -Dbench.start=true -Dbench.idleMs=6000" "now|$NOW|$MEM -Dbench.start=true -Dbench.idleMs=6000"

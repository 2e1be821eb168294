#!/bin/bash
# issue 18, tenth round, goal 3: the marks worked out after an open shown with TreeView.refresh(), every cell of the
# tree made and styled anew (before, 2e11239), against the cells showing rows refilling their marks (after);
# GuiBench with the launcher's memory options and the software pipeline (as lib/graphics.sh chooses here), the window
# started as the app starts, 3 refreshes of the 10,000-function lab host, 50 events, alternating, 5 rounds, JDK 17.
S=${S:-/tmp/r10/host-10000/scenario.yaml}
BEFORE=${BEFORE:-/tmp/r10/bench-lazy2.jar}
AFTER=${AFTER:-/tmp/r10/bench-remark2.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 5 3 50 \
  "before|$BEFORE|$MEM -Dbench.start=true -Dbench.idleMs=2000" "after|$AFTER|$MEM -Dbench.start=true -Dbench.idleMs=2000"

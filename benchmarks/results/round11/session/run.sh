#!/bin/bash
# issue 18, eleventh round: the session's start (3fc88a3, its own GuiBench) against its end (cce8a02). GuiBench with
# the launcher's memory options, the software pipeline, as the app starts (this machine, then qemu-q35), 3 refreshes
# of the 10,000-function lab host, 50 events, alternating, 5 rounds, JDK 17.
S=${S:-/tmp/r10/host-10000/scenario.yaml}
START=${START:-/tmp/r11/bench-start.jar}
NOW=${NOW:-/tmp/r11/bench-end.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 5 3 50 \
  "start|$START|$MEM -Dbench.start=true -Dbench.idleMs=6000" "now|$NOW|$MEM -Dbench.start=true -Dbench.idleMs=6000"

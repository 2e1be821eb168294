#!/bin/bash
# issue 18, fourth round: the GUI with the 10,000-function lab host, main at 0fa7464 (before) against this round's
# build (after: picture appended, one tooltip per cell, the DMA engines as a set), `java -cp` with the installed
# launcher's memory options, GuiBench 3 refreshes (the first cold) and 500 events, alternating, 2 rounds.
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 2 3 500 \
  "before|/tmp/bench-before.jar|$MEM" "after|/tmp/bench-final.jar|$MEM"

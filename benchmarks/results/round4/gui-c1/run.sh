#!/bin/bash
# issue 18, fourth round: the GUI with C2 (the JVM's default) against C1 only (-XX:TieredStopAtLevel=1), the
# launcher's memory options in both, GuiBench 3 refreshes (the first cold) and 500 events, alternating, 2 rounds.
# (The run's lines say "c2" / "c1", as here.)
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 2 3 500 \
  "c2|/tmp/bench-r4.jar|$MEM" "c1|/tmp/bench-r4.jar|$MEM -XX:TieredStopAtLevel=1"

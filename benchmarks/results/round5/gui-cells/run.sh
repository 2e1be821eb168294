#!/bin/bash
# issue 18, fifth round: the FX stall when the 10,000-function lab host opens, 8c0b004 (before: every tree cell
# builds its group, device and unreadable rows and two tooltips) against 76d11cc (after: a cell makes a kind's row
# when it first shows one), java -cp with the installed launcher's memory options, GuiBench 3 refreshes (the first
# cold) and 500 events, alternating, 3 rounds. The jars: benchmarks/target/benchmarks.jar of each commit.
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" "${ROUNDS:-3}" 3 500 \
  "before|/tmp/bench-r5-before.jar|$MEM" "after|/tmp/bench-r5-after.jar|$MEM"

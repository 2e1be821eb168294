#!/bin/bash
# issue 18, fourth round: RSS after GC with the 10,000-function host, the launcher's memory options with and without
# -XX:TrimNativeHeapInterval (the JVM returns glibc's free native heap to the OS: NMT counted 322 MB committed of a
# 492 MB RSS), GuiBench 3 refreshes and 200 events, alternating, 2 rounds, the JDK 17 the tests run on.
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 2 3 200 \
  "mem|/tmp/bench-final.jar|$MEM" "mem+trim|/tmp/bench-final.jar|$MEM -XX:TrimNativeHeapInterval=2000"

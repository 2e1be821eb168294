#!/bin/bash
# issue 18, sixth round: the first open of the 10,000-function lab host, in a window that had no host before (what
# GuiBench measured so far) and in one started as the app starts (-Dbench.start=true: this machine, then qemu-q35 on a
# machine that cannot use VFIO, as here), GuiBench 3 refreshes and 200 events, the launcher's memory options,
# alternating, 3 rounds, the JDK 17 the tests run on.
S=/tmp/perf/bench/host-10000/scenario.yaml
JAR=${JAR:-/tmp/bench-r6b.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 3 3 200 \
  "no-host-first|$JAR|$MEM" "started|$JAR|$MEM -Dbench.start=true"

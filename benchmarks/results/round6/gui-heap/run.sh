#!/bin/bash
# issue 18, sixth round: what bounds the heap's growth while the 10,000-function lab host loads (the third round saw
# 1.9-3.3 GB before the GC): the launcher's memory options alone, with a lower GC time ratio (G1 grows the heap when
# GC takes more than 1/(1+GCTimeRatio) of the time, 8% by default), and with a 1 GiB heap ceiling. GuiBench 3
# refreshes and 200 events, alternating, 2 rounds, the JDK 17 the tests run on.
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
JAR=${JAR:-/tmp/bench-r6.jar}
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 2 3 200 \
  "mem|$JAR|$MEM" "mem+ratio4|$JAR|$MEM -XX:GCTimeRatio=4" "mem+xmx1g|$JAR|$MEM -Xmx1g"

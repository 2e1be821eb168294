#!/bin/bash
# issue 18, eighth round, goal 4: the GUI launcher's memory options (mem) against the same with the JVM's periodic
# native heap trim (mem+trim, -XX:TrimNativeHeapInterval=5000) and with G1's string deduplication on top; GuiBench
# at 9fb8055 (rss-idle-mb: the RSS 12 s after the full GC), the window started as the app starts, 3 refreshes of the
# 10,000-function lab host, 200 events, alternating, 3 rounds, the JDK 17 the tests run on.
# JAR: benchmarks/target/benchmarks.jar of 9fb8055.
S=/tmp/perf/bench/host-10000/scenario.yaml
JAR=${JAR:-/tmp/r8/bench-head.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 3 3 200 \
  "mem|$JAR|$MEM -Dbench.start=true" "mem+trim|$JAR|$MEM -XX:TrimNativeHeapInterval=5000 -Dbench.start=true" \
  "mem+trim+dedup|$JAR|$MEM -XX:TrimNativeHeapInterval=5000 -XX:+UseStringDeduplication -Dbench.start=true"

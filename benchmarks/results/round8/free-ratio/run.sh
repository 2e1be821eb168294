#!/bin/bash
# issue 18, eighth round, goal 4: the GUI launcher's options at c767a4e (heap free 10-20 %, periodic GC and native
# heap trim every 5 s) against the same with 5-10 % free after a collection; GuiBench, the window started as the app
# starts, 3 refreshes of the 10,000-function lab host, 200 events, alternating, 3 rounds, JDK 17.
S=/tmp/perf/bench/host-10000/scenario.yaml
JAR=${JAR:-/tmp/r8/bench-c767a4e.jar}
REST="-XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000 -Dbench.start=true"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 3 3 200 \
  "free10-20|$JAR|-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 $REST" \
  "free5-10|$JAR|-XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=10 $REST"

#!/bin/bash
# issue 18, seventh round, goal 3: the first open of the 10,000-function lab host in a window started as the app
# starts (-Dbench.start=true), before (the folded revocation area's content and the device table in the scene from
# the start) and after (out of it until shown); GuiBench 3 refreshes and 200 events, the launcher's memory options,
# alternating, 3 rounds, the JDK 17 the tests run on. BEFORE/AFTER: benchmarks/target/benchmarks.jar of each commit.
S=/tmp/perf/bench/host-10000/scenario.yaml
BEFORE=${BEFORE:-/tmp/r7-before/benchmarks/target/benchmarks.jar}
AFTER=${AFTER:-/tmp/r7-final/benchmarks/target/benchmarks.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 3 3 200 \
  "before|$BEFORE|$MEM -Dbench.start=true" "after|$AFTER|$MEM -Dbench.start=true"

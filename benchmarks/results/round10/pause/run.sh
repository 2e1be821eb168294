#!/bin/bash
# issue 18, tenth round, goal 3: G1's pause-time goal. The longest gaps while a big host loads are G1's young
# pauses (37-89 ms in a -Xlog:gc of one run), sized by its default 200 ms goal. GuiBench (a91c848 + 411ea69's
# measurements) with the launcher's memory options and the software pipeline, as the app starts, 3 refreshes of the
# 10,000-function lab host, 50 events, alternating, 4 rounds, JDK 17: the default against -XX:MaxGCPauseMillis=20.
S=${S:-/tmp/r10/host-10000/scenario.yaml}
JAR=${JAR:-/tmp/r10/bench-remark2.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" 4 3 50 \
  "default|$JAR|$MEM -Dbench.start=true -Dbench.idleMs=4000" \
  "pause20|$JAR|$MEM -XX:MaxGCPauseMillis=20 -Dbench.start=true -Dbench.idleMs=4000"

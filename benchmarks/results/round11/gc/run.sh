#!/bin/bash
# issue 18, eleventh round, goal 3: the collector. The later opens' longest gaps are G1's young pauses while the big
# host loads in the background (round10/pause). GuiBench (24fdbff) as the app starts, 3 refreshes of the
# 10,000-function lab host, 50 events, software pipeline, JDK 17, alternating, 4 rounds: G1 with the launcher's
# memory options against Shenandoah and ZGC (concurrent collectors: no pause that copies the loaded model).
S=${S:-/tmp/r10/host-10000/scenario.yaml}
JAR=${JAR:-/tmp/r11/bench-now.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
B="-Dbench.start=true -Dbench.idleMs=4000"
export GDK_GL=disable
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" ${ROUNDS:-4} 3 50 \
  "g1|$JAR|$MEM $B" \
  "shenandoah|$JAR|-XX:+UseShenandoahGC -XX:TrimNativeHeapInterval=5000 $B" \
  "zgc|$JAR|-XX:+UseZGC -XX:TrimNativeHeapInterval=5000 $B"

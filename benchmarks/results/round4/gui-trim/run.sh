#!/bin/bash
# issue 18, fourth round: RSS after GC with the 10,000-function host, the launcher's memory options with and without
# -XX:TrimNativeHeapInterval (the JVM returns glibc's free native heap to the OS: NMT counted 322 MB committed of a
# 492 MB RSS), GuiBench 3 refreshes and 200 events, alternating, 2 rounds, the JDK 17 the tests run on.
export DISPLAY=:91
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
for rep in 1 2; do
  for v in mem mem+trim; do
    P=$(mktemp -d); export XDG_CONFIG_HOME=$P/c XDG_STATE_HOME=$P/s
    opt=""; [ $v = mem+trim ] && opt="-XX:TrimNativeHeapInterval=2000"
    echo "$v $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    java $MEM $opt -Dprism.order=sw -cp /tmp/bench-final.jar -Dbench.scenario=$S -Dbench.refreshes=3 -Dbench.events=200 \
      'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null | grep '^gui-bench:'
    rm -rf $P
  done
done

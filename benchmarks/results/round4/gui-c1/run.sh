#!/bin/bash
# issue 18, fourth round: the GUI with C2 (the JVM's default) against C1 only (-XX:TieredStopAtLevel=1), the
# launcher's memory options in both, GuiBench 3 refreshes (the first cold) and 500 events, alternating, 2 rounds.
export DISPLAY=:91
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
for rep in 1 2; do
  for v in c2 c1; do
    P=$(mktemp -d); export XDG_CONFIG_HOME=$P/c XDG_STATE_HOME=$P/s
    opt=""; [ $v = c1 ] && opt="-XX:TieredStopAtLevel=1"
    echo "$v $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    java $MEM $opt -Dprism.order=sw -cp /tmp/bench-r4.jar -Dbench.scenario=$S -Dbench.refreshes=3 -Dbench.events=500 \
      'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null | grep '^gui-bench:'
    rm -rf $P
  done
done

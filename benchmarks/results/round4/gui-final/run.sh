#!/bin/bash
# issue 18, fourth round: the GUI with the 10,000-function lab host, main at 0fa7464 (before) against this round's
# build (after: picture appended, one tooltip per cell, the DMA engines as a set), `java -cp` with the installed
# launcher's memory options, GuiBench 3 refreshes (the first cold) and 500 events, alternating, 2 rounds.
export DISPLAY=:91
S=/tmp/perf/bench/host-10000/scenario.yaml
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
for rep in 1 2; do
  for v in before after; do
    P=$(mktemp -d); export XDG_CONFIG_HOME=$P/c XDG_STATE_HOME=$P/s
    echo "$v $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    java $MEM -Dprism.order=sw -cp /tmp/bench-$( [ $v = after ] && echo final || echo before ).jar -Dbench.scenario=$S -Dbench.refreshes=3 -Dbench.events=500 \
      'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null | grep '^gui-bench:'
    rm -rf $P
  done
done

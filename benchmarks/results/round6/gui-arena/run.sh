#!/bin/bash
# issue 18, sixth round: RSS after GC with the 10,000-function host, the launcher's memory options, with glibc's
# default malloc arenas and with MALLOC_ARENA_MAX=2 (NMT counted ~170 MB of a 492 MB RSS outside the JVM: JavaFX,
# GTK, glibc's arenas), GuiBench 3 refreshes and 200 events, alternating, 3 rounds, the JDK 17 the tests run on.
S=/tmp/perf/bench/host-10000/scenario.yaml
JAR=${JAR:-/tmp/bench-r6.jar}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000"
export DISPLAY=${DISPLAY:-:91}
for round in 1 2 3; do
  for arenas in default 2; do
    state=$(mktemp -d)
    echo "arenas=$arenas $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    # shellcheck disable=SC2086
    env $([ "$arenas" = default ] || echo MALLOC_ARENA_MAX=$arenas) XDG_CONFIG_HOME=$state/config \
      XDG_STATE_HOME=$state/state java $MEM -Dprism.order=sw -cp "$JAR" -Dbench.scenario="$S" \
      -Dbench.refreshes=3 -Dbench.events=200 'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null \
      | grep '^gui-bench:' || true
    rm -rf "$state"
  done
done

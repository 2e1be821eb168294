#!/bin/bash
# issue 18, eleventh round, goal 3: a tree cell that keeps its rows side by side in one graphic (the shown one visible)
# against one that sets the shown row as its graphic. Both builds carry timing.patch (setRoot's time, the cells and
# rows made in it). GuiBench as the app starts, 3 refreshes of the 10,000-function lab host, 20 events, the launcher's
# memory options, software pipeline, JDK 17, alternating, ROUNDS rounds. Prints each run's TIMING lines (the start's
# two hosts, then the three opens) and GuiBench's line.
S=${S:-/tmp/r10/host-10000/scenario.yaml}
MEM="-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000"
export GDK_GL=disable DISPLAY=${DISPLAY:-:91}
for ((r = 1; r <= ${ROUNDS:-5}; r++)); do
  for v in ${VARIANTS:-graphic holder}; do
    st=$(mktemp -d)
    echo "== $v $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    # shellcheck disable=SC2086 # the options are separate words
    XDG_CONFIG_HOME=$st/c XDG_STATE_HOME=$st/s java $MEM -Dbench.start=true -Dbench.idleMs=1000 -Dprism.order=sw \
      -cp "/tmp/r11/bench-$v.jar" -Dbench.scenario="$S" -Dbench.refreshes=3 -Dbench.events=20 \
      'org.vfioinspector.bench.gui.GuiBench$Main' 2>&1 | grep '^TIMING\|^gui-bench: groups' || true
    rm -rf "$st"
  done
done

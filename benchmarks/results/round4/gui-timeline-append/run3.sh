#!/bin/bash
# issue 18, fourth round, third pass: as run2.sh, with the pulse floor (a posted no-op, measured alike) in both
# builds; three rounds.
export DISPLAY=:91
S=/tmp/perf/bench/host-10000/scenario.yaml
BEFORE=/work/wt/before/benchmarks/target/benchmarks.jar
AFTER=/work/main/benchmarks/target/benchmarks.jar
for rep in 1 2 3; do
  for area in false true; do
    for v in before after; do
      P=$(mktemp -d); export XDG_CONFIG_HOME=$P/c XDG_STATE_HOME=$P/s
      jar=$BEFORE; [ $v = after ] && jar=$AFTER
      echo "$v unfolded=$area $(date -u +%T) $(uptime | sed 's/.*load/load/')"
      java -Dprism.order=sw -cp $jar -Dbench.scenario=$S -Dbench.refreshes=1 -Dbench.events=500 -Dbench.unfolded=$area \
        'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null | grep '^gui-bench:'
      rm -rf $P
    done
  done
done

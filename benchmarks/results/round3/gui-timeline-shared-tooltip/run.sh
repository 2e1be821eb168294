#!/bin/bash
export DISPLAY=:91
S=/tmp/perf/bench/host-10000/scenario.yaml
for v in old new old new; do
  P=$(mktemp -d); export XDG_CONFIG_HOME=$P/c XDG_STATE_HOME=$P/s
  jar=/tmp/perf/exp/benchmarks.jar; [ $v = new ] && jar=/tmp/bench-new.jar
  echo "$v $(date -u +%T) $(uptime | sed 's/.*load/load/')"
  java -Dprism.order=sw -cp $jar -Dbench.scenario=$S -Dbench.out=/tmp/cmp-$v.txt -Dbench.refreshes=1 -Dbench.events=500 'org.vfioinspector.bench.gui.GuiBench$Main' 2>/dev/null | grep '^gui-bench:' | grep -o 'revocation-median-ms=[^ ]*\|revocation-p99-ms=[^ ]*\|gc-during-events=[^ ]*' | tr '\n' ' '; echo
  rm -rf $P
done

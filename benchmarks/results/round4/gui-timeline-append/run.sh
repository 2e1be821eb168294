#!/bin/bash
# issue 18, fourth round: event -> row, main at 0fa7464 (before, GuiBench's new measurements added) against this
# round's build (after), the revocation area folded (as the window starts) and unfolded, alternating, 1 refresh and
# 500 events per run. Three passes, each with the after build of its time:
#   gui-bench-lines.txt    the picture appended, 2 rounds
#   gui-bench-lines-2.txt  and one tooltip per table cell, 2 rounds
#   gui-bench-lines-3.txt  the same, with the pulse floor measured in both builds, 3 rounds
# (Those passes ran this loop written out per pass; their lines say "before unfolded=false" where this prints
# "before-folded".)
S=/tmp/perf/bench/host-10000/scenario.yaml
BEFORE=/work/wt/before/benchmarks/target/benchmarks.jar
AFTER=/work/main/benchmarks/target/benchmarks.jar
DISPLAY=${DISPLAY:-:91} "$(dirname "$0")/../../../scripts/gui-compare.sh" "$S" "${ROUNDS:-3}" 1 500 \
  "before-folded|$BEFORE|-Dbench.unfolded=false" "after-folded|$AFTER|-Dbench.unfolded=false" \
  "before-unfolded|$BEFORE|-Dbench.unfolded=true" "after-unfolded|$AFTER|-Dbench.unfolded=true"

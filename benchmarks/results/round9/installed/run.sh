#!/bin/bash
# issue 18, ninth round, goal 4 as installed: the app-images at 80ce2c4 (the graphics choice) and at b94a1e6 (+ the
# heap changes), each as it starts on this machine (lib/graphics.sh: software, GTK's OpenGL off); gui-bench.sh with
# IMAGE= as in ../graphics/run.sh (3 first frames against the minimal window, GuiBench with the launcher's options, the
# window started as the app starts, 3 refreshes of the 10,000-function lab host, 200 events), alternating, 2 rounds.
# img17b / img25b: built at b94a1e6 like img17 / img25 (JDK 17 with AppCDS dumped where it lies; JDK 25, AOT cache).
S=/tmp/perf/bench/host-10000/scenario.yaml
OUT=${OUT:-/tmp/r9/installed/out}
cd "$(dirname "$0")/../../../.."
unset GDK_GL
for round in 1 2; do
  for v in "img17-80ce2c4|/tmp/r9/img17" "img17-b94a1e6|/tmp/r9/img17b" "img25-b94a1e6|/tmp/r9/img25b"; do
    IFS='|' read -r name image <<<"$v"
    echo "== $name round $round $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    IMAGE=$image REFRESHES=3 EVENTS=200 DISPLAY=${DISPLAY:-:91} JAVA_OPTS="-Dbench.start=true" \
      benchmarks/scripts/gui-bench.sh "$S" 3 "$OUT/$name-$round"
  done
done

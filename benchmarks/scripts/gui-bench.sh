#!/usr/bin/env bash
# GUI measurements (see BENCHMARKS.md). Needs a display: DISPLAY=:N (e.g. Xvfb :N -screen 0 1600x1000x24).
#   1. start to first frame: the app with -Dvfioinspector.traceStartup=true, RUNS times (it prints
#      "vfio-inspector: first-frame-ms=N"; the process is ended once it has);
#   2. GuiBench on SCENARIO: full-refresh FX stall, revocation event → row, VmRSS (one JVM).
# Usage (repository root, after mvn -B -DskipTests package):
#   benchmarks/scripts/gui-bench.sh SCENARIO.yaml [RUNS] [OUT]
# JAVA_OPTS: JVM options for both JVMs, e.g. the installed launcher's (packaging/pom.xml, package.memoryOptions).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
scenario=${1:?usage: gui-bench.sh SCENARIO.yaml [RUNS] [OUT]}
runs=${2:-5}
out=${3:-$repo/benchmarks/target/gui}
java=${JAVA:-java}
read -r -a jopts <<< "${JAVA_OPTS:-}"
[ -n "${DISPLAY:-}" ] || { echo "gui-bench: set DISPLAY (e.g. Xvfb :92 and DISPLAY=:92)" >&2; exit 2; }
[ -f "$scenario" ] || { echo "gui-bench: $scenario: no such scenario file" >&2; exit 2; }
mkdir -p "$out"
prefs=$(mktemp -d)
trap 'rm -rf "$prefs"' EXIT
: > "$out/first-frame.txt"
for i in $(seq "$runs"); do
  log=$prefs/run-$i.log
  "$java" "${jopts[@]}" -Djava.util.prefs.userRoot="$prefs" -Dvfioinspector.traceStartup=true \
    -jar "$repo/app/target/vfio-inspector.jar" 2> "$log" > /dev/null &
  pid=$!
  for _ in $(seq 600); do
    grep -q 'first-frame-ms=' "$log" && break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ms=$(sed -n 's/.*first-frame-ms=\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$ms" ] || { echo "gui-bench: run $i printed no first-frame-ms:" >&2; cat "$log" >&2; exit 1; }
  echo "$ms" >> "$out/first-frame.txt"
done
echo "first-frame-ms (runs): $(tr '\n' ' ' < "$out/first-frame.txt")"
echo "first-frame-ms median: $(sort -n "$out/first-frame.txt" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')"
"$java" "${jopts[@]}" -Djava.util.prefs.userRoot="$prefs" -Dbench.scenario="$scenario" -Dbench.out="$out/gui.txt" \
  -Dbench.refreshes="${REFRESHES:-3}" -Dbench.events="${EVENTS:-500}" \
  -cp "$repo/benchmarks/target/benchmarks.jar" 'org.vfioinspector.bench.gui.GuiBench$Main' 2>"$out/gui.log" \
  | grep '^gui-bench:'

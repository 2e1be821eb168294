#!/usr/bin/env bash
# GUI measurements (see BENCHMARKS.md). Needs a display: DISPLAY=:N (e.g. Xvfb :N -screen 0 1600x1000x24).
#   1. start to first frame, RUNS times, interleaved with the minimal JavaFX window (a Stage with one Label, the
#      baseline) on the same runtime: the app with -Dvfioinspector.traceStartup=true prints
#      "vfio-inspector: first-frame-ms=N", the minimal window "minimal-window: first-frame-ms=N" and, after a GC, its
#      resident memory; each process is ended once it has printed;
#   2. GuiBench on SCENARIO: full-refresh FX stall (the first one cold), open time, revocation event → row with the GC
#      pauses around it, VmRSS (one JVM).
# Usage (repository root, after mvn -B -DskipTests package):
#   benchmarks/scripts/gui-bench.sh SCENARIO.yaml [RUNS] [OUT]
# IMAGE=DIR: an installed app (/opt/vfio-inspector) or an app-image: the app starts from DIR/lib/command.sh as its
#   menu entry and the command on PATH start it (DIR/bin/vfio-inspector where an image has no command.sh): its
#   runtime, JVM options, class archive and graphics choice (lib/graphics.sh: on a machine with no GPU node, JavaFX's
#   software pipeline with GTK's OpenGL off); GuiBench runs on DIR's runtime with the launcher's JVM options, class
#   path (and benchmarks' own classes after it) and the same graphics choice; the minimal window on DIR's runtime
#   with JavaFX's defaults and, where the app chose software graphics, also with that choice.
#   Without IMAGE: java -jar app/target/....
# JAVA_OPTS: more JVM options for every JVM (e.g. -Dprism.order=sw); GC_LOG=1 writes OUT/gc-bench.log (-Xlog:gc*).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
scenario=${1:?usage: gui-bench.sh SCENARIO.yaml [RUNS] [OUT]}
runs=${2:-5}
out=${3:-$repo/benchmarks/target/gui}
read -r -a jopts <<< "${JAVA_OPTS:-}"
[ -n "${DISPLAY:-}" ] || { echo "gui-bench: set DISPLAY (e.g. Xvfb :92 and DISPLAY=:92)" >&2; exit 2; }
[ -f "$scenario" ] || { echo "gui-bench: $scenario: no such scenario file" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
bench_plain=$(ls "$repo"/benchmarks/target/benchmarks-*.jar 2>/dev/null | grep -v -- '-sources' | head -n 1 || true)

if [ -n "${IMAGE:-}" ]; then
  cfg=$IMAGE/lib/app/vfio-inspector.cfg
  [ -f "$cfg" ] || { echo "gui-bench: $cfg missing: IMAGE must be an installed app or an app-image" >&2; exit 2; }
  [ -n "$bench_plain" ] || { echo "gui-bench: benchmarks/target/benchmarks-*.jar missing: mvn package" >&2; exit 2; }
  java=$IMAGE/lib/runtime/bin/java
  appdir=$IMAGE/lib/app
  # the launcher's JVM options and class path, as it passes them
  mapfile -t launcher_opts < <(sed -n 's/^java-options=//p' "$cfg" | sed "s|\$APPDIR|$appdir|g")
  # The class path as links in one directory: a JDK 25 AOT cache finds the jars relative to the common directory of
  # the class path, which benchmarks' jar elsewhere would move to / (the cache refused, the run without it)
  cpdir=$(mktemp -d)
  cp=
  while read -r jar; do
    ln -s "$appdir/$jar" "$cpdir/$jar"
    cp=${cp:+$cp:}$cpdir/$jar
  done < <(sed -n 's/^app.classpath=\$APPDIR\///p' "$cfg")
  ln -s "$bench_plain" "$cpdir/$(basename "$bench_plain")"
  app_cmd=("$IMAGE/bin/vfio-inspector")
  if [ -x "$IMAGE/lib/command.sh" ]; then app_cmd=("$IMAGE/lib/command.sh"); fi
  bench_cmd=("$java" "${launcher_opts[@]}" "${jopts[@]}" -cp "$cp:$cpdir/$(basename "$bench_plain")")
  minimal_cmd=("$java" "${jopts[@]}" -cp "$bench_plain")
  runtime="$IMAGE ($("$java" -version 2>&1 | head -n 1))"
  # shellcheck source=/dev/null
  if [ -r "$IMAGE/lib/graphics.sh" ] && . "$IMAGE/lib/graphics.sh" && software_graphics /dev; then
    graphics="software, GTK's OpenGL off (lib/graphics.sh: no GPU node)"
    bench_cmd=(env "${SOFTWARE_GRAPHICS_ENV[@]}" "${bench_cmd[@]}" "${SOFTWARE_GRAPHICS_JAVA[@]}")
    minimal_sw_cmd=(env "${SOFTWARE_GRAPHICS_ENV[@]}" "${minimal_cmd[@]}" "${SOFTWARE_GRAPHICS_JAVA[@]}")
  fi
else
  java=${JAVA:-java}
  app_cmd=("$java" "${jopts[@]}" -jar "$repo/app/target/vfio-inspector.jar")
  bench_cmd=("$java" "${jopts[@]}" -cp "$repo/benchmarks/target/benchmarks.jar")
  minimal_cmd=("${bench_cmd[@]}")
  runtime="java -jar ($("$java" -version 2>&1 | head -n 1))"
fi
graphics=${graphics:-"JavaFX's own choice"}
if [ "${GC_LOG:-0}" = 1 ]; then bench_cmd+=("-Xlog:gc*,safepoint:file=$out/gc-bench.log:uptime,level,tags"); fi

prefs=$(mktemp -d)
trap 'rm -rf "$prefs" ${cpdir:+"$cpdir"}' EXIT
export XDG_CONFIG_HOME=$prefs/config XDG_STATE_HOME=$prefs/state

# shellcheck source=first-value.sh
. "$repo/benchmarks/scripts/first-value.sh"

echo "gui-bench: runtime $runtime; graphics $graphics; load $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$out/first-frame.txt"
: > "$out/minimal-first-frame.txt"
: > "$out/minimal-rss.txt"
: > "$out/minimal-sw-first-frame.txt"
: > "$out/minimal-sw-rss.txt"
for i in $(seq "$runs"); do
  log=$prefs/app-$i.log
  ms=$(JAVA_TOOL_OPTIONS="-Dvfioinspector.traceStartup=true" first_value 'first-frame-ms=' "$log" "${app_cmd[@]}")
  [ -n "$ms" ] || { echo "gui-bench: app run $i printed no first-frame-ms:" >&2; cat "$log" >&2; exit 1; }
  echo "$ms" >> "$out/first-frame.txt"
  log=$prefs/minimal-$i.log
  ms=$(first_value 'rss-after-gc-mb=' "$log" "${minimal_cmd[@]}" 'org.vfioinspector.bench.gui.MinimalWindow$Main')
  [ -n "$ms" ] || { echo "gui-bench: minimal window run $i printed no rss-after-gc-mb:" >&2; cat "$log" >&2; exit 1; }
  sed -n 's/.*first-frame-ms=\([0-9]*\).*/\1/p' "$log" | head -n 1 >> "$out/minimal-first-frame.txt"
  echo "$ms" >> "$out/minimal-rss.txt"
  if [ -n "${minimal_sw_cmd:-}" ]; then
    ms=$(first_value 'rss-after-gc-mb=' "$log" "${minimal_sw_cmd[@]}" 'org.vfioinspector.bench.gui.MinimalWindow$Main')
    [ -n "$ms" ] || { echo "gui-bench: software minimal window run $i printed nothing:" >&2; cat "$log" >&2; exit 1; }
    sed -n 's/.*first-frame-ms=\([0-9]*\).*/\1/p' "$log" | head -n 1 >> "$out/minimal-sw-first-frame.txt"
    echo "$ms" >> "$out/minimal-sw-rss.txt"
  fi
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
app_med=$(median "$out/first-frame.txt")
min_med=$(median "$out/minimal-first-frame.txt")
echo "first-frame-ms (runs): $(tr '\n' ' ' < "$out/first-frame.txt")"
echo "first-frame-ms median: $app_med"
echo "minimal-window first-frame-ms (runs): $(tr '\n' ' ' < "$out/minimal-first-frame.txt")"
echo "minimal-window first-frame-ms median: $min_med"
echo "first-frame ratio app / minimal window (medians): $(awk -v a="$app_med" -v m="$min_med" 'BEGIN {printf "%.2f", a / m}')"
echo "minimal-window rss-after-gc-mb (runs): $(tr '\n' ' ' < "$out/minimal-rss.txt")"
if [ -s "$out/minimal-sw-first-frame.txt" ]; then
  sw_med=$(median "$out/minimal-sw-first-frame.txt")
  echo "software minimal-window first-frame-ms (runs): $(tr '\n' ' ' < "$out/minimal-sw-first-frame.txt")"
  echo "first-frame ratio app / software minimal window (medians): $(awk -v a="$app_med" -v m="$sw_med" \
    'BEGIN {printf "%.2f", a / m}')"
  echo "software minimal-window rss-after-gc-mb (runs): $(tr '\n' ' ' < "$out/minimal-sw-rss.txt")"
fi
"${bench_cmd[@]}" -Dbench.scenario="$scenario" -Dbench.out="$out/gui.txt" \
  -Dbench.refreshes="${REFRESHES:-3}" -Dbench.events="${EVENTS:-500}" \
  'org.vfioinspector.bench.gui.GuiBench$Main' 2>"$out/gui.log" \
  | grep '^gui-bench:'
echo "gui-bench: load $(cut -d' ' -f1-3 /proc/loadavg) after"

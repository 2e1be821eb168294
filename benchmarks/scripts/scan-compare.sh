#!/usr/bin/env bash
# Whole-process scan comparison on synthetic hosts, side by side in one hyperfine run per size:
#   inspector        java -jar app/target/vfio-inspector.jar list --json --host sysfs:DIR
#   inspector-tuned  the same with -XX:TieredStopAtLevel=1 and an AppCDS archive of the CLI (JVM flags only)
#   lspci            lspci -A linux-sysfs -O sysfs.path=DIR/sys/bus/pci -D -nn -vv -O hwdb.disable=1
#   floor            benchmarks/scripts/floor.c: exactly the opens/reads/readlinks/directory reads the inspector
#                    does (recorded with strace), nothing else
#   inspector-lab    java -jar ... list --json --host lab:DIR/scenario.yaml: the same host as a lab host (scenario
#                    parsed, lab kernel, tree generated in memory, scanned), against inspector's snapshot on disk
#   NAME             for each NAME=LAUNCHER in LAUNCHERS: LAUNCHER list --json --host sysfs:DIR (an installed app's
#                    bin/vfio-inspector, or an app-image's, with its class archive)
#   loop             the classic IOMMU-groups shell loop (lspci per device); above LOOP_FULL_MAX functions it runs
#                    on the first LOOP_SAMPLE devices and BENCHMARKS.md extrapolates per device
# Then writes OUT/report.md (medians, spread, ratios) and OUT/scan.dat (for plot.gp).
#
# Usage (repository root, after `mvn -B -DskipTests package`):
#   benchmarks/scripts/scan-compare.sh [OUT]          env: SIZES="100 1000 10000" RUNS=10 WORK=/tmp/vfio-bench
#   LAUNCHERS="installed=/opt/vfio-inspector/bin/vfio-inspector" adds launchers to the same hyperfine runs
#   (APP_JAR=other.jar measures another build of the inspector, e.g. the one before a change)
# Needs: java, hyperfine, lspci (pciutils), strace, gcc.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$repo/benchmarks/target/scan}" && cd "${1:-$repo/benchmarks/target/scan}" && pwd)
sizes=${SIZES:-100 1000 10000}
runs=${RUNS:-10}
work=${WORK:-/tmp/vfio-bench}
loop_full_max=${LOOP_FULL_MAX:-1000}
loop_sample=${LOOP_SAMPLE:-200}
app=${APP_JAR:-$repo/app/target/vfio-inspector.jar}
bench=$repo/benchmarks/target/benchmarks.jar
java=${JAVA:-java}

for tool in hyperfine lspci strace gcc "$java"; do
  command -v "$tool" >/dev/null || { echo "scan-compare: $tool not found (install it: .ci/install-packages)" >&2; exit 2; }
done
for jar in "$app" "$bench"; do
  [ -f "$jar" ] || { echo "scan-compare: $jar missing: run mvn -B -DskipTests package first" >&2; exit 2; }
done
mkdir -p "$work"
gcc -O2 -Wall -o "$work/floor" "$repo/benchmarks/scripts/floor.c"

# The AppCDS archive of the CLI (classes loaded by one list run), made once per JDK and jar.
jsa=$work/cli-$("$java" -version 2>&1 | head -1 | tr -cd '[:alnum:].')-$(cksum < "$app" | cut -d' ' -f1).jsa

{
  echo "# machine"
  echo "date: $(date -u +%FT%TZ)"
  echo "uptime: $(uptime)"
  echo "kernel: $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "lspci: $(lspci --version)"
  echo "hyperfine: $(hyperfine --version)"
  echo "filesystem of $work: $(df -T "$work" | awk 'NR==2 {print $2}')"
} > "$out/machine.txt"

for n in $sizes; do
  dir=$work/host-$n
  if [ ! -d "$dir/sys" ]; then
    "$java" -jar "$bench" generate "$n" "$dir"
  fi
  if [ ! -f "$jsa" ]; then
    "$java" -XX:ArchiveClassesAtExit="$jsa" -jar "$app" list --json --host "sysfs:$dir" > /dev/null 2>"$work/cds.log"
  fi
  # What the inspector reads: successful opens (files and directories) and readlinks under DIR.
  strace -f -qq -e trace=openat,readlink -o "$work/strace-$n.txt" "$java" -jar "$app" list --json --host "sysfs:$dir" > /dev/null
  awk -v d="$dir/" '
    /openat\(AT_FDCWD, "/ && !/= -1/ { p = $0; sub(/.*openat\(AT_FDCWD, "/, "", p); sub(/".*/, "", p);
      if (index(p, d) == 1) print "O " p }
    /readlink\("/ && !/= -1/ { p = $0; sub(/.*readlink\("/, "", p); sub(/".*/, "", p);
      if (index(p, d) == 1) print "L " p }' "$work/strace-$n.txt" > "$work/files-$n.txt"
  echo "size $n: the inspector performs $(wc -l < "$work/files-$n.txt") successful opens/readlinks under the tree" >&2

  extra=()
  for l in ${LAUNCHERS:-}; do
    [ -x "${l#*=}" ] || { echo "scan-compare: launcher ${l#*=} (LAUNCHERS) is not executable" >&2; exit 2; }
    extra+=(-n "${l%%=*}" "${l#*=} list --json --host sysfs:$dir")
  done
  echo "size $n: load $(cut -d' ' -f1-3 /proc/loadavg) before the run" >> "$out/machine.txt"
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/scan-$n.json" \
    -n inspector "$java -jar $app list --json --host sysfs:$dir" \
    -n inspector-tuned "$java -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=$jsa -Xshare:auto -jar $app list --json --host sysfs:$dir" \
    -n lspci "lspci -A linux-sysfs -O sysfs.path=$dir/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
    -n floor "$work/floor $work/files-$n.txt" \
    -n inspector-lab "$java -jar $app list --json --host lab:$dir/scenario.yaml" \
    "${extra[@]}"
  echo "size $n: load $(cut -d' ' -f1-3 /proc/loadavg) after the run" >> "$out/machine.txt"

  if [ "$n" -le "$loop_full_max" ]; then
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$out/loop-$n.json" \
      -n loop "bash $repo/benchmarks/scripts/iommu-groups-loop.sh $dir"
  else
    hyperfine -N --runs "$(( runs < 3 ? runs : 3 ))" --export-json "$out/loop-$n.json" \
      -n "loop-first-$loop_sample" "bash $repo/benchmarks/scripts/iommu-groups-loop.sh $dir $loop_sample"
  fi
done

"$java" -jar "$bench" report "$out" $sizes > "$out/report.md"
cat "$out/report.md"

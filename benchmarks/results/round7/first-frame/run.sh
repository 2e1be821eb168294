#!/bin/bash
# issue 18, seventh round, goal 5: start to first frame of installed apps side by side, and of the minimal JavaFX
# window (a Stage with one Label) on the last one's runtime as the baseline. RUNS rounds, each starting every image
# once and then the minimal window, in turn. The images are JDK 17 app-images, each with its AppCDS archive dumped
# where it lies (lib/desktop-integration.sh archive). Fresh XDG dirs per start: no remembered host, no settings.
# Usage: IMAGES="before=DIR lab=DIR all=DIR" BENCH_JAR=benchmarks.jar DISPLAY=:91 run.sh [RUNS]
set -euo pipefail
runs=${1:-9}
: "${IMAGES:?} ${BENCH_JAR:?}"
export DISPLAY=${DISPLAY:-:91}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$(cd "$(dirname "$0")/../../../.." && pwd)
# shellcheck source=../../../scripts/first-value.sh
. "$repo/benchmarks/scripts/first-value.sh"
# first_value with fresh XDG directories (no remembered host, no settings). $1: log, rest: command
first_frame() {
  local log=$1
  shift
  rm -rf "$tmp/xdg"
  XDG_CONFIG_HOME=$tmp/xdg/config XDG_STATE_HOME=$tmp/xdg/state first_value 'first-frame-ms=' "$log" "$@"
}
uptime
last=
for spec in $IMAGES; do echo "image ${spec%%=*}: ${spec#*=}"; last=${spec#*=}; done
for i in $(seq "$runs"); do
  line="run $i first-frame-ms"
  for spec in $IMAGES; do
    ms=$(JAVA_TOOL_OPTIONS="-Dvfioinspector.traceStartup=true -Dprism.order=sw" first_frame "$tmp/app.log" \
      "${spec#*=}/bin/vfio-inspector")
    line="$line ${spec%%=*}=$ms"
  done
  ms=$(first_frame "$tmp/m.log" "$last/lib/runtime/bin/java" -Dprism.order=sw -cp "$BENCH_JAR" \
    'org.vfioinspector.bench.gui.MinimalWindow$Main')
  echo "$line minimal=$ms load=$(cut -d' ' -f1 /proc/loadavg)"
done
uptime

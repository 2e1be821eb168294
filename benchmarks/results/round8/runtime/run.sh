#!/bin/bash
# issue 18, eighth round, goals 4 and 5 on the installed runtimes: gui-bench.sh with IMAGE= (3 first frames of the
# app interleaved with 3 of the minimal window on the image's runtime, then GuiBench with the launcher's JVM options,
# the window started as the app starts, 3 refreshes of the 10,000-function lab host, 200 events), alternating
# variants, 2 rounds. img17: the JDK 17 app-image (AppCDS), img25: the JDK 25 one (AOT cache), both built at 896cb66
# (their GUI cfg has -XX:TrimNativeHeapInterval=5000) with `mvn -B -DskipTests -Dpackage.types=app-image package`
# (JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 for img25) and copied to IMG17 and IMG25 (img17's AppCDS archive
# dumped again there: lib/desktop-integration.sh archive); img17-notrim: img17 with the trim switched off.
S=/tmp/perf/bench/host-10000/scenario.yaml
IMG17=${IMG17:-/tmp/r8/img17} IMG25=${IMG25:-/tmp/r8/img25}
OUT=${OUT:-/tmp/r8/runtime/out}
cd "$(dirname "$0")/../../../.."
for round in 1 2; do
  for v in "img17-notrim|$IMG17|-XX:TrimNativeHeapInterval=0" "img17|$IMG17|" "img25|$IMG25|"; do
    IFS='|' read -r name image opts <<<"$v"
    echo "== $name round $round $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    IMAGE=$image REFRESHES=3 EVENTS=200 DISPLAY=${DISPLAY:-:91} \
      JAVA_OPTS="-Dprism.order=sw -Dbench.start=true $opts" \
      benchmarks/scripts/gui-bench.sh "$S" 3 "$OUT/$name-$round"
  done
done

#!/bin/bash
# issue 18, ninth round, goals 4 and 5: the installed app with lib/graphics.sh's choice (this machine has no GPU
# node: JavaFX's software pipeline from the start, GTK's OpenGL off) against the same image with the choice off
# (GDK_GL set empty: JavaFX's own choice, which tries OpenGL, loads Mesa and LLVM and falls back to software, as
# every earlier round's installed app did). gui-bench.sh with IMAGE=: 3 first frames of the app (lib/command.sh, as
# the menu entry starts it) interleaved with 3 of the minimal window on the image's runtime (JavaFX's defaults, and
# where the app chose software, also with that choice), then GuiBench with the launcher's JVM options and the app's
# graphics choice, the window started as the app starts, 3 refreshes of the 10,000-function lab host, 200 events;
# alternating, 2 rounds. img17: the JDK 17 app-image (AppCDS dumped where it lies), img25: the JDK 25 one (AOT
# cache), both built at 80ce2c4 with -Dpackage.types=app-image (JAVA_HOME=temurin 25 for img25).
S=/tmp/perf/bench/host-10000/scenario.yaml
IMG17=${IMG17:-/tmp/r9/img17} IMG25=${IMG25:-/tmp/r9/img25}
OUT=${OUT:-/tmp/r9/graphics/out}
cd "$(dirname "$0")/../../../.."
for round in 1 2; do
  for v in "img17-off|$IMG17|off" "img17|$IMG17|on" "img25-off|$IMG25|off" "img25|$IMG25|on"; do
    IFS='|' read -r name image choice <<<"$v"
    echo "== $name round $round $(date -u +%T) $(uptime | sed 's/.*load/load/')"
    if [ "$choice" = off ]; then export GDK_GL=; else unset GDK_GL; fi
    IMAGE=$image REFRESHES=3 EVENTS=200 DISPLAY=${DISPLAY:-:91} JAVA_OPTS="-Dbench.start=true" \
      benchmarks/scripts/gui-bench.sh "$S" 3 "$OUT/$name-$round"
  done
done

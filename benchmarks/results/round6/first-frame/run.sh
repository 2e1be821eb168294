#!/bin/bash
# issue 18, sixth round, goal 5: start to first frame of the installed app (the JDK 17 app-image at this round's
# commit, AppCDS archive dumped where it lies) against the minimal JavaFX window on the same runtime, 7 runs
# interleaved (benchmarks/scripts/gui-bench.sh), on the built-in qemu-q35 scenario for its GuiBench step.
repo=$(cd "$(dirname "$0")/../../../.." && pwd)
export DISPLAY=${DISPLAY:-:91} IMAGE=${IMAGE:-/tmp/img-r6-after} JAVA_OPTS=${JAVA_OPTS:--Dprism.order=sw}
uptime
"$repo/benchmarks/scripts/gui-bench.sh" "$repo/native-bridge/src/main/resources/org/vfioinspector/bridge/lab/scenarios/qemu-q35.yaml" 7 "${OUT:-/tmp/r6-first-frame}"
uptime

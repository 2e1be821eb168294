#!/bin/bash
# issue 18, sixth round: the installed list --json on the 10,000-function tree before and after this round's changes
# (JSON straight to a UTF-8 byte generator; less work per file and per device in the scan; the YAML mapper made only
# for a scenario), through the CLI launcher of each app-image (lib/command.sh -> bin/vfio-inspector-cli: C1, AppCDS),
# with java -jar of each jar, lspci -vv and the floor, side by side in one hyperfine run.
# BEFORE/AFTER: app-images built by `mvn -B -DskipTests -Dpackage.types=app-image package` at 5a65d67 and at this
# round's commit, copied there, the AppCDS archive re-dumped where each lies (lib/desktop-integration.sh archive).
D=/tmp/perf/bench/host-10000
BEFORE=${BEFORE:-/tmp/img-r6-before}
AFTER=${AFTER:-/tmp/img-r6-after}
JAR_BEFORE=${JAR_BEFORE:-/tmp/r6-jar-before.jar}   # app/target/vfio-inspector.jar at 5a65d67
JAR_AFTER=${JAR_AFTER:-/tmp/r6-jar-after.jar}     # the same at this round's commit
uptime
hyperfine -N --warmup 1 --runs ${RUNS:-7} --export-json list.json \
  -n cli-before "$BEFORE/lib/command.sh list --json --host sysfs:$D" \
  -n cli-after "$AFTER/lib/command.sh list --json --host sysfs:$D" \
  -n jar-before "java -jar $JAR_BEFORE list --json --host sysfs:$D" \
  -n jar-after "java -jar $JAR_AFTER list --json --host sysfs:$D" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$D/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
  -n floor "/tmp/perf/bench/floor /tmp/perf/bench/files-10000.txt"
uptime
# The same on a small host: the real QEMU q35 snapshot (../shared/fixtures/sysfs/qemu-q35-intel-linux7.2.13.tar.gz,
# 20-odd functions, unpacked to SMALL), where what a list costs besides reading is most of its time.
SMALL=${SMALL:-/tmp/r6cmp/fx/qemu-q35-intel-linux7.2.13}
hyperfine -N --warmup 2 --runs ${RUNS_SMALL:-15} --export-json list-small.json \
  -n cli-before "$BEFORE/lib/command.sh list --json --host sysfs:$SMALL" \
  -n cli-after "$AFTER/lib/command.sh list --json --host sysfs:$SMALL" \
  -n cli-version-after "$AFTER/lib/command.sh --version" \
  -n jar-before "java -jar $JAR_BEFORE list --json --host sysfs:$SMALL" \
  -n jar-after "java -jar $JAR_AFTER list --json --host sysfs:$SMALL" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$SMALL/sys/bus/pci -D -nn -vv -O hwdb.disable=1"
uptime

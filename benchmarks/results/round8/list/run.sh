#!/bin/bash
# issue 18, eighth round, goal 2: the installed command on the two runtimes an installer can carry: the JDK 17
# app-image (AppCDS) and the JDK 25 one (AOT cache), both built at 896cb66 (see ../runtime/run.sh), each started as
# the command on PATH starts it (lib/command.sh: the runtime's java with the CLI cfg's options, C1 only), with lspci
# -vv and the floor (open+read+close of every file the scan reads), side by side in one hyperfine run; then the small
# host (the QEMU q35 snapshot) and --version.
D=/tmp/perf/bench/host-10000
IMG17=${IMG17:-/tmp/r8/img17} IMG25=${IMG25:-/tmp/r8/img25}
uptime
hyperfine -N --warmup 1 --runs ${RUNS:-9} --export-json list.json \
  -n jdk17 "$IMG17/lib/command.sh list --json --host sysfs:$D" \
  -n jdk25 "$IMG25/lib/command.sh list --json --host sysfs:$D" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$D/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
  -n floor "/tmp/perf/bench/floor /tmp/perf/bench/files-10000.txt"
uptime
SMALL=${SMALL:-/tmp/r6cmp/fx/qemu-q35-intel-linux7.2.13}
hyperfine -N --warmup 2 --runs ${RUNS_SMALL:-21} --export-json list-small.json \
  -n jdk17 "$IMG17/lib/command.sh list --json --host sysfs:$SMALL" \
  -n jdk25 "$IMG25/lib/command.sh list --json --host sysfs:$SMALL" \
  -n jdk17-version "$IMG17/lib/command.sh --version" \
  -n jdk25-version "$IMG25/lib/command.sh --version" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$SMALL/sys/bus/pci -D -nn -vv -O hwdb.disable=1"
uptime
# whether the JDK 25 image's AOT cache helps the command's start at all (JAVA_TOOL_OPTIONS come before the cfg's
# options, so -XX:AOTMode=off holds)
hyperfine -N --warmup 2 --runs 15 -n aot "$IMG25/lib/command.sh --version" \
  -n noaot "env JAVA_TOOL_OPTIONS=-XX:AOTMode=off $IMG25/lib/command.sh --version"

#!/bin/bash
# issue 18, seventh round, goal 2: the installed command with and without jpackage's launcher in front of the JVM.
# One app-image (this round's commit, AppCDS archive dumped where it lies): its lib/command.sh, which now starts
# lib/runtime/bin/java itself from lib/app/vfio-inspector-cli.cfg, against bin/vfio-inspector-cli, the launcher the
# command started before (it asks `rpm -qf` and `dpkg -S` which package owns it before the JVM starts); the same
# JVM, options, class path and archive. With lspci -vv and the floor (C: open+read+close of every file the scan
# reads), side by side in one hyperfine run; then the small host and --version.
D=/tmp/perf/bench/host-10000
IMAGE=${IMAGE:-/tmp/r7-final/packaging/target/jpackage/vfio-inspector}
uptime
hyperfine -N --warmup 1 --runs ${RUNS:-9} --export-json list.json \
  -n launcher "$IMAGE/bin/vfio-inspector-cli list --json --host sysfs:$D" \
  -n command "$IMAGE/lib/command.sh list --json --host sysfs:$D" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$D/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
  -n floor "/tmp/perf/bench/floor /tmp/perf/bench/files-10000.txt"
uptime
# The small host: the real QEMU q35 snapshot (../shared/fixtures/sysfs/qemu-q35-intel-linux7.2.13.tar.gz, unpacked
# to SMALL), where starting is most of a list; and --version, which is nothing but starting.
SMALL=${SMALL:-/tmp/r6cmp/fx/qemu-q35-intel-linux7.2.13}
hyperfine -N --warmup 2 --runs ${RUNS_SMALL:-21} --export-json list-small.json \
  -n launcher "$IMAGE/bin/vfio-inspector-cli list --json --host sysfs:$SMALL" \
  -n command "$IMAGE/lib/command.sh list --json --host sysfs:$SMALL" \
  -n launcher-version "$IMAGE/bin/vfio-inspector-cli --version" \
  -n command-version "$IMAGE/lib/command.sh --version" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$SMALL/sys/bus/pci -D -nn -vv -O hwdb.disable=1"
uptime
# what the launcher runs before the JVM, alone (this machine: 816 Debian packages, rpm installed for packaging)
hyperfine -N --warmup 2 --runs ${RUNS_SMALL:-21} \
  -n rpm-qf "sh -c 'rpm --queryformat %{NAME} -qf $IMAGE/bin/vfio-inspector-cli 2>/dev/null; exit 0'" \
  -n dpkg-S "sh -c 'dpkg -S $IMAGE/bin/vfio-inspector-cli 2>/dev/null; exit 0'"
uptime

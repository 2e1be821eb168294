#!/bin/bash
# issue 18, fourth round: list --json on the 10,000-function tree, the document written in one piece (before: main
# at 0fa7464's jar) against streamed per group/device (after), with lspci -vv and the floor, side by side.
D=/tmp/perf/bench/host-10000
uptime
hyperfine -N --warmup 1 --runs 7 --export-json list-stream.json \
  -n before "java -jar /tmp/list-before.jar list --json --host sysfs:$D" \
  -n after "java -jar /tmp/list-after.jar list --json --host sysfs:$D" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$D/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
  -n floor "/tmp/perf/bench/floor /tmp/perf/bench/files-10000.txt"
uptime

#!/bin/bash
# issue 18, fourth round: list --json on the 10,000-function tree, this round's jar with the JVM's default compilers
# (C1+C2), with C1 only, and C1 only with the serial GC (what a CLI-only launcher could pass), beside lspci -vv and
# the floor, side by side.
D=/tmp/perf/bench/host-10000
uptime
hyperfine -N --warmup 1 --runs 7 --export-json list-c1.json \
  -n jar "java -jar /tmp/list-final.jar list --json --host sysfs:$D" \
  -n jar-c1 "java -XX:TieredStopAtLevel=1 -jar /tmp/list-final.jar list --json --host sysfs:$D" \
  -n jar-c1-serial "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar /tmp/list-final.jar list --json --host sysfs:$D" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$D/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
  -n floor "/tmp/perf/bench/floor /tmp/perf/bench/files-10000.txt"
uptime

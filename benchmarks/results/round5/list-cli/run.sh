#!/bin/bash
# issue 18, fifth round: the installed list --json on the 10,000-function tree through each launcher of the app-image
# (the GUI's bin/vfio-inspector, C2; lib/command.sh -> bin/vfio-inspector-cli, C1 only, what /usr/bin/vfio-inspector
# runs for a command), on both runtimes (JDK 17 image + AppCDS, JDK 25 image + AOT cache), with java -jar, lspci -vv
# and the floor, side by side in one hyperfine run.
# IMG17/IMG25: app-images built by `mvn -B -DskipTests package` (JAVA_HOME=temurin-25 for IMG25) and copied there;
# IMG17's AppCDS archive re-dumped where it lies (lib/desktop-integration.sh archive: JDK 17 checks absolute paths).
D=/tmp/perf/bench/host-10000
IMG17=${IMG17:-/tmp/img17}
IMG25=${IMG25:-/tmp/img25}
JAR=${JAR:-/tmp/list-cli.jar}
uptime
hyperfine -N --warmup 1 --runs 7 --export-json list-cli.json \
  -n gui-launcher-17 "$IMG17/bin/vfio-inspector list --json --host sysfs:$D" \
  -n cli-launcher-17 "$IMG17/lib/command.sh list --json --host sysfs:$D" \
  -n gui-launcher-25 "$IMG25/bin/vfio-inspector list --json --host sysfs:$D" \
  -n cli-launcher-25 "$IMG25/lib/command.sh list --json --host sysfs:$D" \
  -n java-jar "java -jar $JAR list --json --host sysfs:$D" \
  -n lspci "lspci -A linux-sysfs -O sysfs.path=$D/sys/bus/pci -D -nn -vv -O hwdb.disable=1" \
  -n floor "/tmp/perf/bench/floor /tmp/perf/bench/files-10000.txt"
uptime

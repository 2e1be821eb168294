#!/bin/sh
# the JDK 25 app-image (AOT cache) with C1 only: what a CLI-only JVM option would give
JAVA_TOOL_OPTIONS=-XX:TieredStopAtLevel=1 exec /tmp/perf/img25/bin/vfio-inspector "$@"

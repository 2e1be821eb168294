#!/bin/sh
# the JDK 25 app-image with its AOT cache switched off (default CDS stays)
JAVA_TOOL_OPTIONS=-XX:AOTMode=off exec /tmp/perf/img25/bin/vfio-inspector "$@"

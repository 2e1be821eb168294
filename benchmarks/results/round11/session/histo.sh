#!/bin/bash
# issue 18, eleventh round: the live heap while GuiBench idles after three opens of the 10,000-function host, for a bench jar named /tmp/r11/bench-$1.jar (start: 3fc88a3, end: cce8a02).
# $1 jar name; prints the top of a live histogram taken during GuiBench's idle time
export GDK_GL=disable DISPLAY=:91
st=$(mktemp -d)
XDG_CONFIG_HOME=$st/c XDG_STATE_HOME=$st/s java -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:G1PeriodicGCInterval=5000 -XX:TrimNativeHeapInterval=5000 -Dbench.start=true -Dbench.idleMs=20000 -Dprism.order=sw -cp /tmp/r11/bench-$1.jar -Dbench.scenario=/tmp/r10/host-10000/scenario.yaml -Dbench.refreshes=3 -Dbench.events=50 'org.vfioinspector.bench.gui.GuiBench$Main' > /tmp/r11/histo-$1.out 2>&1 &
pid=$!
for i in $(seq 1 120); do grep -q "refresh 3 shown-at" /tmp/r11/histo-$1.out && break; sleep 0.5; done
sleep 9
jpid=$(pgrep -f "bench-$1.jar" | head -1)
jmap -histo:live $jpid > /tmp/r11/histo-$1.txt
wait $pid
rm -rf $st

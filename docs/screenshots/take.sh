#!/bin/sh
# Takes the README screenshots under Xvfb: lab qemu-q35 (light, ivshmem selected: the sub-page BAR divergence),
# the same in dark, the revocation view after a reset (nvme BAR0 mmapped, exported, attached, reset), the DMA
# witness's use-after-free on lab type1-p2p-hazard, and the real
# Linux 7.2 q35 sysfs snapshot. Needs Xvfb and imagemagick (import);
# build first: mvn -q -B -o -pl native-bridge,app -am -DskipTests package
set -eu
cd "$(dirname "$0")/../.."
JAR=app/target/vfio-inspector.jar
OUT=docs/screenshots
[ -f "$JAR" ] || { echo "build first: $JAR missing" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "Xvfb missing" >&2; exit 1; }
command -v import >/dev/null || { echo "imagemagick (import) missing" >&2; exit 1; }
DISP=${SCREENSHOT_DISPLAY:-:97}
WAIT=${SCREENSHOT_WAIT:-10}   # seconds the app gets to start and act before the shot (more on a busy machine)
Xvfb "$DISP" -screen 0 1600x1000x24 >/dev/null 2>&1 &
XPID=$!
SNAP=$(mktemp -d)
PREFS=$(mktemp -d)
trap 'kill "$XPID" 2>/dev/null; rm -rf "$SNAP" "$PREFS"' EXIT
tar -xzf native-bridge/src/test/resources/sysfs/qemu-q35-intel-linux7.2.13.tar.gz -C "$SNAP"
sleep 1
ONLY=" $* "   # take.sh [NAME...]: only those shots (default: all)
shot() { # NAME HOST BDF THEME [TRY-ACTIONS]
    case "$ONLY" in "  ") ;; *" $1 "*) ;; *) return 0 ;; esac
    DISPLAY="$DISP" XDG_CONFIG_HOME="$PREFS" XDG_STATE_HOME="$PREFS" java -Dvfioinspector.host="$2" \
        -Dvfioinspector.select="$3" -Dvfioinspector.theme="$4" -Dvfioinspector.try="${5:-}" \
        -jar "$JAR" >/dev/null 2>&1 &
    APID=$!
    sleep "$WAIT"
    DISPLAY="$DISP" import -window root "$OUT/$1.png"
    kill "$APID"
    wait "$APID" 2>/dev/null || true
    echo "wrote $OUT/$1.png"
}
shot lab-qemu-q35-ivshmem "lab:qemu-q35" 0000:00:05.0 LIGHT
shot lab-qemu-q35-dark "lab:qemu-q35" 0000:00:07.0 DARK
shot lab-qemu-q35-reset "lab:qemu-q35" 0000:00:07.0 LIGHT mmap,export,attach,reset
# the DMA witness on lab type1-p2p-hazard: A's BAR0 mapped into B's type1 container, B's DMA reads it, a dma-buf of
# the same BAR attached by B's driver, A closed and unbound, B's DMA reads it again: the use-after-free beside the
# importer that was revoked
shot lab-type1-witness "lab:type1-p2p-hazard" 0000:00:03.0 LIGHT map-type1,dma-read,export,attach,close,unbind,dma-read
shot snapshot-linux-7.2-q35 "snapshot:$SNAP/qemu-q35-intel-linux7.2.13" 0000:00:06.0 LIGHT

#!/bin/sh
# Regenerates docs/screenshots: the window at 1024x700, 1440x900 and 1920x1080 (one Xvfb per size), light and dark,
# showing
#   first-launch         this machine cannot use VFIO: the notice, and the lab scenario qemu-q35 opened instead
#   disagree             ivshmem (0000:00:05.0) selected: its 256-byte BAR0 mmaps but does not export
#   tryit                nvme (0000:00:07.0) BAR0 mmapped, exported and attached: the try-it groups mid-flow
#   revoked-reset        ... then reset: the revocation view after the reset
#   revoked-memory-off   ... then memory off instead
#   revoked-close        ... then reset and close: revoked for good
#   exercise             exercise 1 in progress: its first step passed on ivshmem BAR0
#   witness              lab type1-p2p-hazard: A's BAR0 mapped into B's type1 container and read by B's DMA engine, a
#                        dma-buf of the same BAR attached by B's driver, A closed and unbound, B's DMA read again:
#                        the use-after-free beside the attachment that was revoked
# Each shot starts with fresh settings and state and waits until the app has recorded what the shot shows
# (-Dvfioinspector.echoActivity). Needs Xvfb and imagemagick (import), pngquant if there (smaller files); build first:
#   mvn -q -B -o -pl native-bridge,icons,app -am -DskipTests package
# Environment: SCREENSHOT_DISPLAY (display number, default 97), SCREENSHOT_SIZES, SCREENSHOT_THEMES, SCREENSHOT_ONLY
# (shot names to take, e.g. "tryit exercise").
set -eu
cd "$(dirname "$0")/../.."
JAR=app/target/vfio-inspector.jar
OUT=docs/screenshots
DISP=:${SCREENSHOT_DISPLAY:-97}
SIZES=${SCREENSHOT_SIZES:-"1024x700 1440x900 1920x1080"}
THEMES=${SCREENSHOT_THEMES:-"light dark"}
ONLY=${SCREENSHOT_ONLY:-}
[ -f "$JAR" ] || { echo "build first: $JAR missing" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "Xvfb missing" >&2; exit 1; }
command -v import >/dev/null || { echo "imagemagick (import) missing" >&2; exit 1; }
WORK=$(mktemp -d)
XPID=
APID=
cleanup() {
    [ -z "$APID" ] || kill "$APID" 2>/dev/null || true
    [ -z "$XPID" ] || kill "$XPID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# shot NAME SIZE THEME UNTIL [-Dname=value ...]: UNTIL is the activity line to wait for (an extended regex over
# "SEQ TYPE OPERATION RESULT", as -Dvfioinspector.echoActivity prints it); "Nx UNTIL" waits for its Nth line
shot() {
    name=$1 size=$2 theme=$3 until=$4
    shift 4
    case " $ONLY " in "  ") ;; *" $name "*) ;; *) return 0 ;; esac
    state=$(mktemp -d "$WORK/state.XXXX")
    log="$state/app.log"
    : >"$log"
    THEME=$(echo "$theme" | tr a-z A-Z)
    DISPLAY="$DISP" XDG_CONFIG_HOME="$state/config" XDG_STATE_HOME="$state/state" java \
        -Dvfioinspector.geometry="$size" -Dvfioinspector.theme="$THEME" -Dvfioinspector.echoActivity=true \
        "$@" -jar "$JAR" >"$log" 2>&1 &
    APID=$!
    waited=0
    times=1
    case "$until" in [0-9]x\ *) times=${until%%x *} until=${until#*x } ;; esac
    case "$until" in [0-9]*) pattern="vfio-inspector: activity $until" ;;
        *) pattern="vfio-inspector: activity [0-9]+ $until" ;; esac
    until [ "$(grep -Ec "$pattern" "$log")" -ge "$times" ]; do
        if [ "$waited" -ge 180 ] || ! kill -0 "$APID" 2>/dev/null; then
            echo "$name $size $theme: no '$until' after ${waited}s; the app said:" >&2
            tail -20 "$log" >&2
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    sleep 4 # the record is journalled before the view shows it: let the last frames be drawn
    DISPLAY="$DISP" import -window root "$OUT/$name-$size-$theme.png"
    if command -v pngquant >/dev/null; then
        # 256 colours: a third of the size, the same to the eye for a UI (optional: skipped without pngquant)
        pngquant --quality=80-98 --speed 1 --force --skip-if-larger --output "$OUT/$name-$size-$theme.png" \
            "$OUT/$name-$size-$theme.png" || true
    fi
    kill "$APID"
    wait "$APID" 2>/dev/null || true
    APID=
    echo "wrote $OUT/$name-$size-$theme.png (${waited}s)"
}

Q35="-Dvfioinspector.host=lab:qemu-q35"
for size in $SIZES; do
    Xvfb "$DISP" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
    XPID=$!
    sleep 2
    for theme in $THEMES; do
        # this machine is opened first (HOST 1), then the lab host (HOST 2)
        shot first-launch "$size" "$theme" "2 HOST"
        shot disagree "$size" "$theme" "2 HOST" $Q35 -Dvfioinspector.select=0000:00:05.0
        # the try-it groups with the revocation area folded, the device view scrolled to them
        shot tryit "$size" "$theme" "ACTION attach" $Q35 -Dvfioinspector.select=0000:00:07.0 \
            -Dvfioinspector.try=mmap,export,attach -Dvfioinspector.revocation=folded -Dvfioinspector.scrollTo=tryit
        # the revocation area unfolded over most of the height
        REV="-Dvfioinspector.select=0000:00:07.0 -Dvfioinspector.revocation=0.3"
        shot revoked-reset "$size" "$theme" "ACTION reset" $Q35 $REV -Dvfioinspector.try=mmap,export,attach,reset
        shot revoked-memory-off "$size" "$theme" "ACTION memory-off" $Q35 $REV \
            -Dvfioinspector.try=mmap,export,attach,memory-off
        shot revoked-close "$size" "$theme" "ACTION close" $Q35 $REV -Dvfioinspector.try=mmap,export,attach,reset,close
        shot witness "$size" "$theme" "2x ACTION dma-read" -Dvfioinspector.host=lab:type1-p2p-hazard \
            -Dvfioinspector.select=0000:00:03.0 -Dvfioinspector.revocation=0.3 \
            -Dvfioinspector.try=map-type1,dma-read,export,attach,close,unbind,dma-read
        shot exercise "$size" "$theme" "ACTION export" -Dvfioinspector.exercise=sub-page-bar \
            -Dvfioinspector.select=0000:00:05.0 -Dvfioinspector.try=mmap,export -Dvfioinspector.revocation=folded
    done
    kill "$XPID"
    wait "$XPID" 2>/dev/null || true
    XPID=
done

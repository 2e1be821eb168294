#!/bin/sh
# capture-sysfs.sh OUT-DIR NAME
#
# A read-only snapshot of the PCI, IOMMU and VFIO part of sysfs, in the layout of the project's fixtures
# (shared/fixtures/sysfs): OUT-DIR/NAME/ holds sys/, proc/ (osrelease, arch, cpuinfo, cmdline), uname-r.txt,
# proc-cmdline.txt, dev-vfio.txt, lspci output when lspci is there, and skipped.txt (attributes that exist but
# could not be read, with their mode); OUT-DIR/NAME.tar.gz packs it. Open it with
# `vfio-inspector list --host snapshot:OUT-DIR/NAME` or attach the tarball to a bug report.
#
# It only reads: no attribute is written, no device is opened. BAR and ROM windows (resourceN, resourceN_wc,
# rom) and vpd are kept as empty files with their mode: they are mmap targets or hold serial numbers, and
# reading them can touch the device. Every read has a time limit, so a wedged device cannot hang the capture.
#
# Environment: CAPTURE_SYS (default /sys) and CAPTURE_PROC (default /proc) read another tree, e.g. an
# extracted snapshot (the tests do); LSPCI names the lspci to run (default: the one on PATH, if any).
set -eu

die() { echo "capture-sysfs.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: capture-sysfs.sh OUT-DIR NAME"
OUT=$1
NAME=$2
case $NAME in
    '' | *[!A-Za-z0-9._-]*) die "NAME '$NAME': expected letters, digits, '.', '_' and '-' only" ;;
esac
[ -d "$OUT" ] || die "OUT-DIR '$OUT': expected an existing directory"
DEST=$OUT/$NAME
[ ! -e "$DEST" ] || die "'$DEST' exists: expected a new name"
SYS=$(cd "${CAPTURE_SYS:-/sys}" 2>/dev/null && pwd -P) || die "CAPTURE_SYS '${CAPTURE_SYS:-/sys}': expected a directory"
PROC=${CAPTURE_PROC:-/proc}
[ -d "$SYS/bus/pci/devices" ] || die "'$SYS/bus/pci/devices': no such directory (is this a PCI host?)"

mkdir -p "$DEST/sys"
SKIPPED=$DEST/skipped.txt
: >"$SKIPPED"

# The path as the kernel names it, for skipped.txt (also when CAPTURE_SYS reads another tree).
sys_name() { echo "/sys${1#"$SYS"}"; }

# copy_file SRC DST: one attribute, with its mode; unreadable ones go to skipped.txt instead.
copy_file() {
    mode=$(stat -c %a "$1")
    case ${1##*/} in
        resource[0-9] | resource[0-9]_wc | resource1[0-9] | rom | vpd)
            : >"$2"
            chmod "$mode" "$2"
            return 0
            ;;
    esac
    # a write-only attribute (remove, rescan, reset, bind) has no show(): reading it fails, so it is not tried
    if [ $((0$mode & 0444)) -eq 0 ] || ! timeout 5 cat "$1" >"$2" 2>/dev/null; then
        rm -f "$2"
        echo "$mode $(sys_name "$1")" >>"$SKIPPED"
        return 0
    fi
    chmod "$mode" "$2"
}

# copy_flat SRC DST: the attributes and links of one directory, not its subdirectories.
copy_flat() {
    mkdir -p "$2"
    for e in "$1"/* "$1"/.[!.]*; do
        [ -e "$e" ] || [ -L "$e" ] || continue
        if [ -L "$e" ]; then
            ln -s "$(readlink "$e")" "$2/${e##*/}"
        elif [ -f "$e" ]; then
            copy_file "$e" "$2/${e##*/}"
        fi
    done
}

# copy_under RELATIVE-DIR [SUBDIR...]: a directory of the tree flat, and the named subdirectories flat too.
copy_under() {
    rel=$1
    shift
    [ -d "$SYS/$rel" ] || return 0
    copy_flat "$SYS/$rel" "$DEST/sys/$rel"
    for sub in "$@"; do
        for d in "$SYS/$rel"/$sub; do
            [ -d "$d" ] && [ ! -L "$d" ] && copy_flat "$d" "$DEST/sys/${d#"$SYS"/}"
        done
    done
    return 0
}

# PCI devices and the host bridges above them
for link in "$SYS"/bus/pci/devices/*; do
    [ -L "$link" ] || continue
    mkdir -p "$DEST/sys/bus/pci/devices"
    ln -s "$(readlink "$link")" "$DEST/sys/bus/pci/devices/${link##*/}"
    dev=$(cd "$link" && pwd -P)
    rel=${dev#"$SYS"/}
    copy_under "$rel" msi_irqs link 'pci_bus' 'pci_bus/*'
    bridge=${rel%%/0000:*}
    bridge=${bridge%%/[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:*}
    [ -d "$DEST/sys/$bridge/pci_bus" ] || copy_under "$bridge" pci_bus 'pci_bus/*'
done

copy_under bus/pci
for d in "$SYS"/bus/pci/drivers/* "$SYS"/bus/pci/slots/*; do
    [ -d "$d" ] && copy_under "${d#"$SYS"/}"
done
mkdir -p "$DEST/sys/bus/pci/drivers" "$DEST/sys/bus/pci/slots"

# IOMMU groups, the IOMMU class devices with their vendor's attribute folder, and the bus class
for g in "$SYS"/kernel/iommu_groups/*; do
    [ -d "$g" ] && copy_under "${g#"$SYS"/}" devices
done
for cls in iommu pci_bus; do
    [ -d "$SYS/class/$cls" ] || continue
    copy_flat "$SYS/class/$cls" "$DEST/sys/class/$cls"
done
for i in "$SYS"/class/iommu/*; do
    [ -L "$i" ] || continue
    real=$(cd "$i" && pwd -P)
    copy_under "${real#"$SYS"/}" devices '*-iommu'
done

# the modules behind the PCI drivers, and the VFIO family (present or not, which says what is loaded)
modules="vfio vfio_iommu_type1 vfio_pci_core vfio_pci iommufd"
for m in "$SYS"/bus/pci/drivers/*/module; do
    [ -L "$m" ] && modules="$modules $(basename "$(readlink "$m")")"
done
for m in $modules; do
    [ -d "$DEST/sys/module/$m" ] || copy_under "module/$m" drivers parameters
done

# a link whose target lies outside the subset (firmware_node, a NUMA node, ...) is dropped, until all resolve
while :; do
    dangling=$(find "$DEST/sys" -type l ! -exec test -e {} \; -print)
    [ -n "$dangling" ] || break
    echo "$dangling" | while IFS= read -r l; do rm -f "$l"; done
done

# the kernel's own description of itself, and what the tools made of this host
for f in sys/kernel/osrelease sys/kernel/arch cpuinfo cmdline; do
    if [ -r "$PROC/$f" ]; then
        mkdir -p "$DEST/proc/$(dirname "$f")"
        cat "$PROC/$f" >"$DEST/proc/$f"
    fi
done
[ -f "$DEST/proc/sys/kernel/osrelease" ] && cp "$DEST/proc/sys/kernel/osrelease" "$DEST/uname-r.txt"
[ -f "$DEST/proc/cmdline" ] && cp "$DEST/proc/cmdline" "$DEST/proc-cmdline.txt"
if [ -z "${CAPTURE_SYS:-}" ]; then
    ls -l /dev/vfio >"$DEST/dev-vfio.txt" 2>&1 || true
fi
LSPCI=${LSPCI:-$(command -v lspci || true)}
if [ -n "$LSPCI" ]; then
    # pciutils 3.9 has no --version (it prints its usage): then the file is left out
    "$LSPCI" --version >"$DEST/lspci-version.txt" 2>/dev/null || rm -f "$DEST/lspci-version.txt"
    "$LSPCI" -A linux-sysfs -O "sysfs.path=$SYS/bus/pci" -D -nn -vv >"$DEST/lspci-vv.txt" 2>&1 || true
    "$LSPCI" -A linux-sysfs -O "sysfs.path=$SYS/bus/pci" -D -nn -vvk >"$DEST/lspci-vvk.txt" 2>&1 || true
fi
sort -k2 -o "$SKIPPED" "$SKIPPED"

tar -czf "$OUT/$NAME.tar.gz" -C "$OUT" "$NAME"
echo "$DEST ($(find "$DEST" | wc -l) files and links), $OUT/$NAME.tar.gz"

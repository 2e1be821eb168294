#!/usr/bin/env bash
# Build the kernel-lab initramfs for one cached kernel version:
#   busybox-static + guest/init + the modules of guest/modules.list (and their dependencies,
#   resolved from modules.dep) DECOMPRESSED (busybox insmod cannot load .ko.xz/.ko.zst).
#
# Usage: build-initramfs.sh [VERSION] [OUTPUT]   (VERSION default: newest cached kernel)
#        build-initramfs.sh --no-modules RELEASE OUTPUT
#   --no-modules: for a kernel with everything built in (build-kernel.sh's): no modules, an empty
#   load-order; guest/init then loads nothing and checks that what it needs is built in.
# Default output: $LAB_WORK/initramfs-<V>.cpio.gz. Prints the output path as the last stdout line.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_cmd cpio cpio
need_cmd gzip gzip
BUSYBOX="${VFIO_INSPECTOR_LAB_BUSYBOX:-/bin/busybox}"
[[ -x "$BUSYBOX" ]] || die "$BUSYBOX not found: install the Debian package 'busybox-static'"
# a dynamically linked busybox (Debian package 'busybox') cannot run in the initramfs
if command -v ldd >/dev/null \
    && ! grep -qE 'not a dynamic|statically linked' <<<"$(ldd "$BUSYBOX" 2>&1 || true)"; then
    die "$BUSYBOX is dynamically linked: install the Debian package 'busybox-static' (it replaces 'busybox')"
fi

NO_MODULES=0
if [[ "${1:-}" == --no-modules ]]; then
    NO_MODULES=1
    shift
    [[ $# -eq 2 ]] || die "usage: build-initramfs.sh --no-modules RELEASE OUTPUT"
fi
V="${1:-}"
if [[ "$NO_MODULES" == 1 ]]; then
    :
elif [[ -z "$V" ]]; then
    V="$(ls -1 "$LAB_CACHE/kernels" 2>/dev/null | grep -v '\.tmp$' | sort -V | tail -n1 || true)"
    [[ -n "$V" ]] || die "no kernel cached in $LAB_CACHE/kernels: run fetch-kernel.sh first"
fi
if [[ "$NO_MODULES" == 0 ]]; then
    KDIR="$LAB_CACHE/kernels/$V"
    [[ -f "$KDIR/.complete" ]] || die "kernel $V is not (completely) cached in $KDIR: run fetch-kernel.sh"
    MODDIR="$(cd "$KDIR/modules" && pwd -P)"
    [[ -s "$MODDIR/modules.dep" ]] || die "$MODDIR/modules.dep missing"
fi
OUT="${2:-$LAB_WORK/initramfs-$V.cpio.gz}"
mkdir -p "$(dirname "$OUT")"

t0="$(now)"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/vfioinsp-initramfs.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
chmod 0755 "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,host,results,tmp,lib/modules,etc}
cp "$BUSYBOX" "$STAGE/bin/busybox"
ln -s busybox "$STAGE/bin/sh"
cp "$LAB_DIR/guest/init" "$STAGE/init"
chmod 0755 "$STAGE/init"

# ---- resolve modules from modules.dep (depth-first: dependencies before dependents) ----
norm() { local n="${1##*/}"; n="${n%%.ko*}"; printf '%s' "${n//-/_}"; }
declare -A DEP_LINE=() PATH_OF=() SEEN=()
if [[ "$NO_MODULES" == 0 ]]; then
    while IFS= read -r line; do
        p="${line%%:*}"
        n="$(norm "$p")"
        PATH_OF[$n]="$p"
        DEP_LINE[$n]="${line#*:}"
    done < "$MODDIR/modules.dep"
fi
ORDER=()
visit() {
    local n; n="$(norm "$1")"
    [[ -n "${SEEN[$n]:-}" ]] && return 0
    if [[ -z "${PATH_OF[$n]:-}" ]]; then
        if grep -q "/$1\.ko\|/${n}\.ko" "$MODDIR/modules.builtin" 2>/dev/null \
            || grep -q "/$(printf '%s' "$n" | tr _ -)\.ko" "$MODDIR/modules.builtin" 2>/dev/null; then
            log "module $1 is built into $V: nothing to load"; SEEN[$n]=1; return 0
        fi
        die "module $1 not found in $MODDIR/modules.dep (nor modules.builtin)"
    fi
    SEEN[$n]=1
    local d
    for d in ${DEP_LINE[$n]}; do visit "$d"; done
    ORDER+=("$n")
}
if [[ "$NO_MODULES" == 0 ]]; then
    while read -r m; do
        case "$m" in ''|'#'*) continue ;; esac
        visit "$m"
    done < "$LAB_DIR/guest/modules.list"
fi

decompress() { # SRC DST
    case "$1" in
        *.ko.xz)  if command -v xz >/dev/null; then xz -dc "$1"; else "$BUSYBOX" xzcat "$1"; fi > "$2" ;;
        *.ko.zst) command -v zstd >/dev/null || die "modules are .ko.zst: install the Debian package 'zstd'"
                  zstd -qdc "$1" > "$2" ;;
        *.ko.gz)  gzip -dc "$1" > "$2" ;;
        *.ko)     cp "$1" "$2" ;;
        *) die "unknown module format: $1" ;;
    esac
}
: > "$STAGE/lib/modules/load-order"
for n in "${ORDER[@]}"; do
    src="$MODDIR/${PATH_OF[$n]}"
    base="${src##*/}"; base="${base%%.ko*}.ko"
    decompress "$src" "$STAGE/lib/modules/$base"
    printf '%s\n' "$base" >> "$STAGE/lib/modules/load-order"
done
printf '%s\n' "$V" > "$STAGE/etc/kernel-version"
if [[ "$NO_MODULES" == 1 ]]; then
    log "initramfs modules: none (kernel $V has everything built in)"
else
    log "initramfs modules (load order): $(tr '\n' ' ' < "$STAGE/lib/modules/load-order")"
fi

( cd "$STAGE" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0 ) \
    | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "initramfs $OUT ($(du -h "$OUT" | cut -f1)) built in $(elapsed "$t0") s"
printf '%s\n' "$OUT"

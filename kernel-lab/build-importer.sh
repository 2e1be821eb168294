#!/usr/bin/env bash
# Build the harness's test importer module (kernel-lab/importer/, a misc device that attaches and maps a dma-buf
# as a chosen PCI device) out of tree for the iommufd kernel that build-kernel.sh built:
#
#   kernel-lab/build-importer.sh BUILT-KERNEL-DIR      ($LAB_CACHE/built/<source version>-<hash>, from build-kernel.sh)
#
# build-kernel.sh keeps only bzImage and config, so this script takes the same Debian linux-source package (the
# version in BUILT-KERNEL-DIR/source; its .deb is cached in $LAB_CACHE/importer/debs), configures the tree with
# the kernel's own config (olddefconfig must reproduce it exactly: a different compiler would change it), runs
# `make modules_prepare` with the same LOCALVERSION and builds the module. There is no vmlinux, hence no
# Module.symvers: modpost is told to warn about the kernel symbols it cannot see (KBUILD_MODPOST_WARN=1), which
# is sound only because the kernel has CONFIG_MODVERSIONS off (symbols resolve by name at load; checked) and
# CONFIG_MODULE_SIG_FORCE off (checked); the module's vermagic must start with the kernel's release (checked).
# Cached by the kernel's cache key + a hash of the module's source and this script:
#     $LAB_CACHE/importer/<kernel dir name>-<hash>/{vfioinsp_importer.ko,vermagic,release,build-seconds,.complete}
# Prints that directory as the LAST line of stdout. The unpacked source tree is deleted afterwards.
#
# Environment: VFIO_INSPECTOR_LAB_CACHE, VFIO_INSPECTOR_LAB_REFRESH_HOURS, VFIO_INSPECTOR_LAB_MIRROR,
#              VFIO_INSPECTOR_KERNEL_JOBS (make -j, default nproc).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KDIR="${1:-}"
[[ -n "$KDIR" ]] || die "usage: build-importer.sh BUILT-KERNEL-DIR (the directory build-kernel.sh printed)"
[[ -f "$KDIR/.complete" && -s "$KDIR/config" && -s "$KDIR/release" && -s "$KDIR/source" ]] \
    || die "$KDIR holds no complete iommufd kernel build (config, release, source, .complete): run build-kernel.sh first"
KDIR="$(cd "$KDIR" && pwd)"
MOD_SRC="$LAB_DIR/importer"
for f in vfioinsp_importer.c vfioinsp_importer.h Kbuild; do
    [[ -r "$MOD_SRC/$f" ]] || die "the module source $MOD_SRC/$f is missing"
done
for t in make:make gcc:gcc flex:flex bison:bison bc:bc perl:perl xz:xz-utils modinfo:kmod; do
    need_cmd "${t%%:*}" "${t#*:}"
done
[[ -r /usr/include/libelf.h ]] || die "libelf.h not found: install the Debian package 'libelf-dev' (objtool needs it)"
[[ -r /usr/include/openssl/ssl.h ]] || die "openssl/ssl.h not found: install the Debian package 'libssl-dev'"

# What the kernel must be for an out-of-tree module without Module.symvers to load.
kconf() { sed -n "s/^$1=//p" "$KDIR/config"; }
[[ "$(kconf CONFIG_MODULES)" == y ]] || die "the iommufd kernel in $KDIR has CONFIG_MODULES off: it cannot load the importer module"
[[ -z "$(kconf CONFIG_MODVERSIONS)" ]] || die "the iommufd kernel has CONFIG_MODVERSIONS=y: the module would need the CRCs of a full vmlinux build (Module.symvers)"
[[ -z "$(kconf CONFIG_MODULE_SIG_FORCE)" ]] || die "the iommufd kernel has CONFIG_MODULE_SIG_FORCE=y: an unsigned module cannot load"
RELEASE="$(head -n1 "$KDIR/release")"
LOCALVERSION="-${RELEASE#*-}"   # 7.2.13-vfioinsp -> -vfioinsp, as build-kernel.sh passed it
[[ "$RELEASE" == *-* ]] || LOCALVERSION=""
read -r SRC_PKG SRC_VER < "$KDIR/source"
[[ "$SRC_PKG" == linux-source-* && -n "$SRC_VER" ]] || die "$KDIR/source names no linux-source package: '$(cat "$KDIR/source")'"

IMP_DIR="$LAB_CACHE/importer"
mkdir -p "$IMP_DIR/debs"
exec 9>"$IMP_DIR/.lock"
flock 9   # one build at a time: a second caller waits and then finds the cache
KEY_HASH="$(cat "$MOD_SRC/vfioinsp_importer.c" "$MOD_SRC/vfioinsp_importer.h" "$MOD_SRC/Kbuild" "${BASH_SOURCE[0]}" \
    | sha256sum | cut -c1-12)"
OUT="$IMP_DIR/$(basename "$KDIR")-$KEY_HASH"
if [[ -f "$OUT/.complete" ]]; then
    log "importer module for $RELEASE (source $KEY_HASH) already built: $OUT"
    printf '%s\n' "$OUT"; exit 0
fi

log "building the importer module for $RELEASE from $SRC_PKG $SRC_VER"
T_ALL="$(now)"
# the .deb: cached; downloaded through the private apt configuration when missing
DEB="$(ls -1 "$IMP_DIR/debs/${SRC_PKG}_${SRC_VER//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)"
if [[ -z "$DEB" ]]; then
    # shellcheck source=apt-private.sh
    . "$LAB_DIR/apt-private.sh"
    papt_refresh || die "apt-get update of $MIRROR sid failed and $SRC_PKG $SRC_VER is not cached in $IMP_DIR/debs"
    ( cd "$IMP_DIR/debs" && papt_get download "$SRC_PKG=$SRC_VER" >&2 ) \
        || die "apt-get download $SRC_PKG=$SRC_VER failed: sid may have moved on; rebuild the kernel (build-kernel.sh) to follow it"
    find "$IMP_DIR/debs" -name "${SRC_PKG}_*.deb" ! -name "${SRC_PKG}_${SRC_VER//:/%3a}_*.deb" -delete
    DEB="$(ls -1 "$IMP_DIR/debs/${SRC_PKG}_${SRC_VER//:/%3a}_"*.deb | head -n1)"
fi
WORK="$IMP_DIR/.work-$(basename "$OUT")"
rm -rf "$WORK" "$OUT.tmp"
mkdir -p "$WORK" "$OUT.tmp"
trap 'rm -rf "$WORK" "$OUT.tmp"' EXIT
t0="$(now)"
dpkg -x "$DEB" "$WORK/x"
TARBALL="$(ls -1 "$WORK"/x/usr/src/linux-source-*.tar.* 2>/dev/null | head -n1)"
[[ -n "$TARBALL" ]] || die "$DEB holds no usr/src/linux-source-*.tar.*"
tar -C "$WORK" -xaf "$TARBALL"
rm -rf "$WORK/x"
SRC="$(ls -1d "$WORK"/linux-source-* | head -n1)"
log "source unpacked in $(elapsed "$t0") s: $SRC"

cd "$SRC"
t0="$(now)"
cp "$KDIR/config" .config
make -s olddefconfig >&2 || die "make olddefconfig with the kernel's config failed"
# the tree must be configured exactly as the kernel was (the compiler's version lines may only differ when equal)
if ! diff -q <(grep -E '^(CONFIG_|# CONFIG_)' .config) <(grep -E '^(CONFIG_|# CONFIG_)' "$KDIR/config") >/dev/null; then
    diff <(grep -E '^(CONFIG_|# CONFIG_)' "$KDIR/config") <(grep -E '^(CONFIG_|# CONFIG_)' .config) | head -n 20 >&2 || true
    die "olddefconfig changed the kernel's config (above: < the kernel's, > this tree's); was the kernel built with another compiler ($(kconf CONFIG_CC_VERSION_TEXT)) than $(gcc --version | head -n1)?"
fi
nice -n 10 make -j"${VFIO_INSPECTOR_KERNEL_JOBS:-$(nproc)}" LOCALVERSION="$LOCALVERSION" modules_prepare \
    >"$WORK/prepare.log" 2>&1 || { tail -n 40 "$WORK/prepare.log" >&2; die "make modules_prepare failed (last 40 lines above)"; }
TREE_RELEASE="$(make -s LOCALVERSION="$LOCALVERSION" kernelrelease)"
[[ "$TREE_RELEASE" == "$RELEASE" ]] || die "the prepared tree is release '$TREE_RELEASE', the kernel '$RELEASE'"
log "tree configured as $KDIR/config and prepared for $RELEASE in $(elapsed "$t0") s"

t0="$(now)"
mkdir -p "$WORK/module"
cp "$MOD_SRC/vfioinsp_importer.c" "$MOD_SRC/vfioinsp_importer.h" "$MOD_SRC/Kbuild" "$WORK/module/"
make -C "$SRC" M="$WORK/module" LOCALVERSION="$LOCALVERSION" KBUILD_MODPOST_WARN=1 modules \
    >"$WORK/module.log" 2>&1 || { tail -n 40 "$WORK/module.log" >&2; die "building the module failed (last 40 lines above)"; }
# without Module.symvers modpost lists every kernel symbol the module uses as undefined (they resolve at load);
# the compiler's own warnings are shown
grep -E ': (warning|error):' "$WORK/module.log" >&2 || true
log "modpost: $(grep -c 'undefined!$' "$WORK/module.log" || true) kernel symbols named (more suppressed) resolve by name at insmod (no Module.symvers)"
KO="$WORK/module/vfioinsp_importer.ko"
[[ -f "$KO" ]] || die "the build produced no $KO"
VERMAGIC="$(modinfo -F vermagic "$KO")"
[[ "$VERMAGIC" == "$RELEASE "* ]] || die "the module's vermagic '$VERMAGIC' does not start with the kernel's release '$RELEASE'"
cp "$KO" "$OUT.tmp/"
printf '%s\n' "$VERMAGIC" > "$OUT.tmp/vermagic"
printf '%s\n' "$RELEASE" > "$OUT.tmp/release"
printf '%s\n' "$(elapsed "$T_ALL")" > "$OUT.tmp/build-seconds"
touch "$OUT.tmp/.complete"
cd /
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
log "importer module built in $(elapsed "$t0") s (all: $(cat "$OUT/build-seconds") s), vermagic '$VERMAGIC': $OUT"
printf '%s\n' "$OUT"

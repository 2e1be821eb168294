#!/usr/bin/env bash
# Build the harness's second kernel: Linux WITH iommufd (Debian's own kernels have none, facts §10),
# from Debian's own source package linux-source-X.Y (sid, through the same private apt
# configuration as fetch-kernel.sh), configured as
#     x86_64_defconfig + kvm_guest.config + kernel-lab/iommufd-kernel.config
# Every "CONFIG_X=y" of the fragment is checked after olddefconfig; a dropped one fails the build
# naming it. The result is cached by source version + a hash of the fragment and of this script:
#     $LAB_CACHE/built/<source version>-<hash>/{bzImage,config,release,build-seconds,.complete}
# so there is one cold build per machine. Prints the cache directory as the LAST line of stdout.
#
# Environment: VFIO_INSPECTOR_LAB_CACHE, VFIO_INSPECTOR_LAB_REFRESH_HOURS, VFIO_INSPECTOR_LAB_MIRROR,
#              VFIO_INSPECTOR_KERNEL_JOBS (make -j, default nproc).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=apt-private.sh
. "$LAB_DIR/apt-private.sh"

FRAGMENT="$LAB_DIR/iommufd-kernel.config"
BUILT_DIR="$LAB_CACHE/built"
JOBS="${VFIO_INSPECTOR_KERNEL_JOBS:-$(nproc)}"
[[ -r "$FRAGMENT" ]] || die "the config fragment $FRAGMENT is missing"
for t in make:make gcc:gcc flex:flex bison:bison bc:bc pahole:dwarves xz:xz-utils perl:perl; do
    need_cmd "${t%%:*}" "${t#*:}"
done
[[ -r /usr/include/libelf.h ]] || die "libelf.h not found: install the Debian package 'libelf-dev'"
[[ -r /usr/include/openssl/ssl.h ]] || die "openssl/ssl.h not found: install the Debian package 'libssl-dev'"
mkdir -p "$BUILT_DIR"
KEY_HASH="$(cat "$FRAGMENT" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)"

newest_built() {
    local d
    for d in $(ls -1d "$BUILT_DIR"/*-"$KEY_HASH" 2>/dev/null | sort -V -r); do
        [[ -f "$d/.complete" ]] && { printf '%s\n' "$d"; return 0; }
    done
    return 1
}

if ! papt_refresh; then
    d="$(newest_built)" || die "apt-get update of $MIRROR sid failed and no iommufd kernel is cached in $BUILT_DIR"
    log "WARNING: apt-get update failed; using the cached iommufd kernel $d"
    printf '%s\n' "$d"; exit 0
fi

# linux-source (meta) -> Depends: linux-source-X.Y
SRC_PKG="$(papt_cache depends linux-source 2>/dev/null \
    | sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | sort -V | tail -n1)"
[[ -n "$SRC_PKG" ]] || die "could not find the kernel source package: 'apt-cache depends linux-source' (sid) named no linux-source-X.Y"
SRC_VER="$(papt_cache show --no-all-versions "$SRC_PKG" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)"
[[ -n "$SRC_VER" ]] || die "no version for $SRC_PKG in sid"
OUT="$BUILT_DIR/$SRC_VER-$KEY_HASH"
if [[ -f "$OUT/.complete" ]]; then
    log "iommufd kernel from $SRC_PKG $SRC_VER (fragment $KEY_HASH) already built: $OUT"
    printf '%s\n' "$OUT"; exit 0
fi

log "building the iommufd kernel from $SRC_PKG $SRC_VER (fragment $KEY_HASH), make -j$JOBS"
T_ALL="$(now)"
WORK="$BUILT_DIR/.work-$SRC_VER-$KEY_HASH"
rm -rf "$WORK" "$OUT.tmp"
mkdir -p "$WORK/debs" "$OUT.tmp"
trap 'rm -rf "$WORK"' EXIT
t0="$(now)"
( cd "$WORK/debs" && papt_get download "$SRC_PKG" >&2 ) || die "apt-get download $SRC_PKG failed (mirror $MIRROR sid)"
dpkg -x "$WORK"/debs/*.deb "$WORK/x"
rm -rf "$WORK/debs"
TARBALL="$(ls -1 "$WORK"/x/usr/src/linux-source-*.tar.* 2>/dev/null | head -n1)"
[[ -n "$TARBALL" ]] || die "$SRC_PKG holds no usr/src/linux-source-*.tar.*"
tar -C "$WORK" -xaf "$TARBALL"
rm -rf "$WORK/x"
SRC="$(ls -1d "$WORK"/linux-source-* | head -n1)"
log "source fetched and unpacked in $(elapsed "$t0") s: $SRC"

cd "$SRC"
t0="$(now)"
make -s x86_64_defconfig >&2
make -s kvm_guest.config >&2
scripts/kconfig/merge_config.sh -m -O . .config "$FRAGMENT" >&2
make -s olddefconfig >&2
missing=()
while IFS= read -r line; do
    opt="${line%%=*}"
    grep -qx "$line" .config || missing+=("$opt (wanted $line, got: $(grep -E "^$opt=|^# $opt is not set" .config || echo absent))")
done < <(grep -E '^CONFIG_[A-Z0-9_]+=y$' "$FRAGMENT")
if [[ ${#missing[@]} -gt 0 ]]; then
    for m in "${missing[@]}"; do log "NOT SET after olddefconfig: $m"; done
    die "${#missing[@]} wanted option(s) were dropped by olddefconfig (a dependency is missing from $FRAGMENT)"
fi
log "config checked: every wanted option of $(basename "$FRAGMENT") is set ($(elapsed "$t0") s)"

t0="$(now)"
nice -n 10 make -j"$JOBS" LOCALVERSION=-vfioinsp bzImage >"$WORK/build.log" 2>&1 \
    || { tail -n 40 "$WORK/build.log" >&2; die "make bzImage failed (last 40 lines above)"; }
BUILD_SECS="$(elapsed "$t0")"
cp arch/x86/boot/bzImage "$OUT.tmp/bzImage"
cp .config "$OUT.tmp/config"
make -s LOCALVERSION=-vfioinsp kernelrelease > "$OUT.tmp/release"
printf '%s %s\n' "$SRC_PKG" "$SRC_VER" > "$OUT.tmp/source"
printf '%s\n' "$BUILD_SECS" > "$OUT.tmp/build-seconds"
printf '%s\n' "$(elapsed "$T_ALL")" > "$OUT.tmp/total-seconds"
touch "$OUT.tmp/.complete"
cd /
rm -rf "$OUT"; mv "$OUT.tmp" "$OUT"
log "iommufd kernel $(cat "$OUT/release") built in $BUILD_SECS s (all: $(cat "$OUT/total-seconds") s): $OUT"
printf '%s\n' "$OUT"

#!/usr/bin/env bash
# Fetch the newest Debian unstable (sid) kernel through a PRIVATE apt configuration.
#
# - never edits the system's apt sources, never installs anything into the machine;
# - the sid suite is taken from the mirror the machine already uses
#   (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list);
# - packages are unpacked with dpkg -x into the cache, keyed by kernel version:
#     $LAB_CACHE/kernels/<V>/root/usr/lib/modules/<V>/{vmlinuz,modules.dep,...}
#     $LAB_CACHE/kernels/<V>/root/usr/include/linux/vfio.h   (linux-libc-dev)
# - the apt lists are refreshed at most every VFIO_INSPECTOR_LAB_REFRESH_HOURS (default 12)
#   hours; a second run within that window downloads nothing;
# - prints the version used as the LAST line of stdout (everything else goes to stderr).
#
# Environment: VFIO_INSPECTOR_LAB_CACHE (cache dir), VFIO_INSPECTOR_LAB_REFRESH_HOURS,
#              VFIO_INSPECTOR_LAB_MIRROR (override the mirror URI).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_cmd depmod kmod

# shellcheck source=apt-private.sh
. "$LAB_DIR/apt-private.sh"

# --- apt-get update (rate limited) -------------------------------------------------------
if ! papt_refresh; then
    newest_cached="$(ls -1 "$KERNELS_DIR" 2>/dev/null | sort -V | tail -n1 || true)"
    if [[ -n "$newest_cached" && -f "$KERNELS_DIR/$newest_cached/.complete" ]]; then
        log "WARNING: apt-get update failed; using the newest cached kernel $newest_cached"
        printf '%s\n' "$newest_cached"
        exit 0
    fi
    die "apt-get update of $MIRROR sid failed and no kernel is cached in $KERNELS_DIR"
fi

# --- which version? ----------------------------------------------------------------------
# linux-image-amd64 (meta) -> Depends: linux-image-<V>
V="$(papt_cache depends linux-image-amd64 2>/dev/null \
      | sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | sort -V | tail -n1)"
[[ -n "$V" ]] || die "could not find the kernel version: 'apt-cache depends linux-image-amd64' (sid) named no linux-image-<V>-amd64"
log "newest sid kernel: $V"

KDIR="$KERNELS_DIR/$V"
if [[ -f "$KDIR/.complete" ]]; then
    log "kernel $V already cached in $KDIR: nothing to download"
    printf '%s\n' "$V"
    exit 0
fi

# --- package names (7.x split: linux-binary / linux-modules / linux-base; older: linux-image) ---
pkg_exists() { papt_cache show --no-all-versions "$1" >/dev/null 2>&1; }
PKGS=()
if pkg_exists "linux-binary-$V"; then
    PKGS+=("linux-binary-$V")
    pkg_exists "linux-modules-$V" && PKGS+=("linux-modules-$V")
    pkg_exists "linux-base-$V" && PKGS+=("linux-base-$V")
else
    # pre-split packaging: the image package holds vmlinuz and the modules
    log "no linux-binary-$V: falling back to the pre-7.x packaging linux-image-$V(-unsigned)"
    if pkg_exists "linux-image-$V-unsigned"; then PKGS+=("linux-image-$V-unsigned")
    else PKGS+=("linux-image-$V"); fi
fi
PKGS+=(linux-libc-dev)
log "downloading: ${PKGS[*]}"

rm -rf "$KDIR.tmp"
mkdir -p "$KDIR.tmp/debs" "$KDIR.tmp/root"
t0="$(now)"
( cd "$KDIR.tmp/debs" && papt_get download "${PKGS[@]}" >&2 ) \
    || die "apt-get download ${PKGS[*]} failed (mirror $MIRROR sid)"
log "download took $(elapsed "$t0") s"

t0="$(now)"
for deb in "$KDIR.tmp"/debs/*.deb; do
    dpkg -x "$deb" "$KDIR.tmp/root"
done
log "dpkg -x took $(elapsed "$t0") s"

MODDIR="$KDIR.tmp/root/usr/lib/modules/$V"
[[ -d "$MODDIR" ]] || MODDIR="$KDIR.tmp/root/lib/modules/$V"
[[ -d "$MODDIR" ]] || die "the packages of $V contain no modules directory (usr/lib/modules/$V)"
BASE="$(dirname "$(dirname "$(dirname "$MODDIR")")")"   # .../root/usr or .../root
t0="$(now)"
depmod -b "$BASE" "$V"
log "depmod took $(elapsed "$t0") s"
[[ -s "$MODDIR/modules.dep" ]] || die "depmod produced no $MODDIR/modules.dep"

# vmlinuz: in the modules dir (7.x) or in /boot
VMLINUZ=""
for c in "$MODDIR/vmlinuz" "$KDIR.tmp/root/boot/vmlinuz-$V"; do
    [[ -f "$c" ]] && { VMLINUZ="$c"; break; }
done
[[ -n "$VMLINUZ" ]] || die "no vmlinuz found in the packages of $V"
# Stable names for the other scripts (relative links inside the cache dir).
ln -sfn "${VMLINUZ#"$KDIR.tmp/"}" "$KDIR.tmp/vmlinuz"
ln -sfn "${MODDIR#"$KDIR.tmp/"}" "$KDIR.tmp/modules"
printf '%s\n' "${PKGS[@]}" > "$KDIR.tmp/packages.txt"
( cd "$KDIR.tmp/debs" && ls -1 ) > "$KDIR.tmp/debs.txt"
# The .debs themselves are not needed any more (the modules .deb alone is ~110 MB).
rm -rf "$KDIR.tmp/debs"
touch "$KDIR.tmp/.complete"
rm -rf "$KDIR"
mv "$KDIR.tmp" "$KDIR"
log "kernel $V ready in $KDIR"
printf '%s\n' "$V"

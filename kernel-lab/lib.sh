# Shared helpers for the kernel-lab scripts (sourced, not executed).
# shellcheck shell=bash

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAB_DIR/.." && pwd)"
LAB_CACHE="${VFIO_INSPECTOR_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-inspector/kernel-lab}"
LAB_WORK="${VFIO_INSPECTOR_LAB_WORK:-$LAB_DIR/work}"

log() { printf '[kernel-lab] %s\n' "$*" >&2; }
die() { printf '[kernel-lab] ERROR: %s\n' "$*" >&2; exit 1; }

# need_cmd CMD DEBIAN_PACKAGE: fail loudly, naming the package to install.
need_cmd() {
    command -v "$1" >/dev/null 2>&1 \
        || die "'$1' not found: install the Debian package '$2' (apt-get install $2)"
}

# Seconds since the epoch with millisecond precision.
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

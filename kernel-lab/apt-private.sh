# Private apt configuration for Debian sid (sourced by fetch-kernel.sh and build-kernel.sh).
# Never edits the system's apt sources and installs nothing: lists, archives and sources.list live
# under $LAB_CACHE/apt. Defines APT_DIR, KERNELS_DIR, MIRROR, APT_OPTS, papt_get, papt_cache and
# papt_refresh (apt-get update at most every VFIO_INSPECTOR_LAB_REFRESH_HOURS hours).
# shellcheck shell=bash
need_cmd apt-get apt
need_cmd apt-cache apt
need_cmd dpkg dpkg

APT_DIR="$LAB_CACHE/apt"
KERNELS_DIR="$LAB_CACHE/kernels"
REFRESH_HOURS="${VFIO_INSPECTOR_LAB_REFRESH_HOURS:-12}"
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/etc" "$KERNELS_DIR"

# --- the machine's mirror --------------------------------------------------------------
find_mirror() {
    if [[ -n "${VFIO_INSPECTOR_LAB_MIRROR:-}" ]]; then
        printf '%s\n' "$VFIO_INSPECTOR_LAB_MIRROR"; return
    fi
    local f uri
    # deb822: first "URIs:" of a stanza whose Suites are not *-security
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r "$f" ]] || continue
        uri="$(awk '
            /^[[:space:]]*$/ { if (u != "" && s !~ /security/) { print u; exit } u=""; s=""; next }
            /^URIs:/ { u=$2 } /^Suites:/ { s=$0 }
            END { if (u != "" && s !~ /security/) print u }' "$f" | head -n1)"
        [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r "$f" ]] || continue
        uri="$(awk '$1 == "deb" && $0 !~ /security/ {
                for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f" | head -n1)"
        [[ -n "$uri" ]] && { printf '%s\n' "$uri"; return; }
    done
    return 1
}
MIRROR="$(find_mirror)" || die "no Debian mirror found in /etc/apt/sources.list(.d); set VFIO_INSPECTOR_LAB_MIRROR"

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r "$KEYRING" ]] || die "$KEYRING missing: install the Debian package 'debian-archive-keyring'"

printf 'deb [signed-by=%s] %s sid main\n' "$KEYRING" "$MIRROR" > "$APT_DIR/etc/sources.list"

APT_OPTS=(
    -o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$APT_DIR/lists"
    -o "Dir::Cache=$APT_DIR/cache"
    -o "Dir::Cache::Archives=$APT_DIR/cache/archives"
    -o "APT::Architecture=amd64"
    -o "APT::Architectures=amd64"
    -o "APT::Sandbox::User=root"
    -o "Acquire::Languages=none"
    -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
)
# Non-root users cannot drop privileges to _apt; root must not (the cache may be in $HOME).
[[ "$(id -u)" -eq 0 ]] || APT_OPTS+=(-o "Debug::NoLocking=1")

papt_get() { apt-get -q "${APT_OPTS[@]}" "$@"; }
papt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }

# papt_refresh: 0 when the lists are fresh or were refreshed, 1 when apt-get update failed.
papt_refresh() {
    local stamp="$APT_DIR/lists/.updated" t0
    if [[ -f "$stamp" && -n "$(find "$stamp" -mmin "-$((REFRESH_HOURS * 60))" 2>/dev/null)" ]] \
        && ls "$APT_DIR"/lists/*_Packages* >/dev/null 2>&1; then
        log "sid package lists are younger than ${REFRESH_HOURS}h: not refreshing ($APT_DIR/lists)"
        return 0
    fi
    log "apt-get update (private config, $MIRROR sid)"
    t0="$(now)"
    papt_get update >&2 || return 1
    touch "$stamp"
    log "apt-get update took $(elapsed "$t0") s"
}

#!/usr/bin/env bash
# The real-kernel harness: the ONE command to run by hand.
#
#   kernel-lab/run.sh [SET...]        (default sets: intel virtio; see device-sets/*.conf)
#
# Two kernels (VFIO_INSPECTOR_LAB_KERNELS): "debian" (Debian sid's own, fetched by fetch-kernel.sh:
# no iommufd, the legacy group/container path only) and "iommufd" (built from Debian's
# linux-source by build-kernel.sh, cached: cdev + iommufd and legacy, everything built in).
# Builds what is missing (the kernels, initramfs via build-initramfs.sh, the app jar via Maven),
# boots QEMU (TCG) once per kernel and device set, runs guest-commands.tsv inside the guest against
# the real kernel and collects everything in $LAB_WORK/results/<kernel>/<set>/:
#   results.json, version, console.log, qemu-cmdline.txt, <cmd>.stdout/.stderr/.rc/.time/.started
# and prints a table at the end. Exit status: 0 when every kernel/set booted and ran its whole
# command list (commands exiting non-zero are captured results, not failures; a command that did
# not even start, e.g. because the checkout was not reachable, fails the set), 1 otherwise.
#
# Environment:
#   VFIO_INSPECTOR_SKIP_KERNEL_LAB=1        skip the harness entirely (prints that it was skipped)
#   VFIO_INSPECTOR_LAB_KERNELS="debian iommufd"  kernels to boot
#   VFIO_INSPECTOR_LAB_SETS="intel virtio"  device sets (also: arguments)
#   VFIO_INSPECTOR_LAB_COMMANDS=FILE        command list (default kernel-lab/guest-commands.tsv)
#   VFIO_INSPECTOR_LAB_ONLY=a,b             run only these commands of the list
#   VFIO_INSPECTOR_LAB_BOOT_TIMEOUT=180     seconds from QEMU start to the guest's READY marker
#   VFIO_INSPECTOR_LAB_BOOT_RETRIES=2       extra boots after a panic/Oops or a boot timeout
#   VFIO_INSPECTOR_LAB_TOTAL_TIMEOUT=2400   seconds for the whole run (all sets)
#   VFIO_INSPECTOR_LAB_CACHE, VFIO_INSPECTOR_LAB_WORK, VFIO_INSPECTOR_LAB_JAR
#   VFIO_INSPECTOR_LAB_EXTRA_APPEND="..."   extra guest kernel arguments (debugging the harness)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${VFIO_INSPECTOR_SKIP_KERNEL_LAB:-}" == 1 ]]; then
    log "SKIPPED: VFIO_INSPECTOR_SKIP_KERNEL_LAB=1 is set, the real-kernel harness did not run"
    exit 0
fi

RUN_T0="$(now)"
SETS=("$@")
if [[ ${#SETS[@]} -eq 0 ]]; then
    read -r -a SETS <<<"${VFIO_INSPECTOR_LAB_SETS:-intel virtio}"
fi
read -r -a KERNELS <<<"${VFIO_INSPECTOR_LAB_KERNELS:-debian iommufd}"
[[ ${#KERNELS[@]} -gt 0 ]] || die "VFIO_INSPECTOR_LAB_KERNELS is empty (kernels: debian iommufd)"
COMMANDS_FILE="${VFIO_INSPECTOR_LAB_COMMANDS:-$LAB_DIR/guest-commands.tsv}"
ONLY="${VFIO_INSPECTOR_LAB_ONLY:-}"
BOOT_TIMEOUT="${VFIO_INSPECTOR_LAB_BOOT_TIMEOUT:-180}"
BOOT_RETRIES="${VFIO_INSPECTOR_LAB_BOOT_RETRIES:-2}"
TOTAL_TIMEOUT="${VFIO_INSPECTOR_LAB_TOTAL_TIMEOUT:-2400}"
JAR="${VFIO_INSPECTOR_LAB_JAR:-$REPO_DIR/app/target/vfio-inspector.jar}"
QEMU="${VFIO_INSPECTOR_LAB_QEMU:-qemu-system-x86_64}"
# console lines that mean the guest kernel died (Oops: int3 under TCG happens ~1 boot in 10)
PANIC_RE='Kernel panic|Oops:|BUG: |general protection fault|double fault|end Kernel panic'

# ---- preconditions: fail loudly, naming what is missing ---------------------------------
missing=()
command -v "$QEMU" >/dev/null 2>&1 || missing+=("$QEMU (Debian package qemu-system-x86)")
[[ -x /bin/busybox ]] || missing+=("/bin/busybox (Debian package busybox-static)")
command -v cpio >/dev/null 2>&1 || missing+=("cpio (Debian package cpio)")
command -v depmod >/dev/null 2>&1 || missing+=("depmod (Debian package kmod)")
command -v apt-get >/dev/null 2>&1 || missing+=("apt-get (Debian package apt)")
command -v lspci >/dev/null 2>&1 || missing+=("lspci, run inside the guest (Debian package pciutils)")
command -v java >/dev/null 2>&1 || missing+=("java, run inside the guest (Debian package openjdk-17-jre-headless)")
command -v timeout >/dev/null 2>&1 || missing+=("timeout (Debian package coreutils)")
[[ -r "$COMMANDS_FILE" ]] || missing+=("the guest command list $COMMANDS_FILE")
for k in "${KERNELS[@]}"; do
    case "$k" in
        debian) ;;
        iommufd)
            command -v flock >/dev/null 2>&1 || missing+=("flock (Debian package util-linux)")
            command -v pgrep >/dev/null 2>&1 || missing+=("pgrep (Debian package procps)") ;;
        *) missing+=("kernel '$k' (VFIO_INSPECTOR_LAB_KERNELS: debian = Debian sid's, iommufd = built by build-kernel.sh)") ;;
    esac
done
for s in "${SETS[@]}"; do
    [[ -r "$LAB_DIR/device-sets/$s.conf" ]] || missing+=("device set '$s' ($LAB_DIR/device-sets/$s.conf)")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    for m in "${missing[@]}"; do log "MISSING: $m"; done
    die "the real-kernel harness cannot run: ${#missing[@]} thing(s) missing (see above). Set VFIO_INSPECTOR_SKIP_KERNEL_LAB=1 only to skip it deliberately."
fi
# The jar runs inside the guest from the host's root, which is shared read-only: it must exist
# on the host; build it when missing.
if [[ ! -f "$JAR" ]]; then
    command -v mvn >/dev/null 2>&1 || die "$JAR is missing and mvn (Debian package maven) is not installed to build it"
    log "building the app jar (mvn -B -o -q -DskipTests package)"
    (cd "$REPO_DIR" && mvn -B -o -q -DskipTests package >&2) || die "building $JAR failed"
    [[ -f "$JAR" ]] || die "mvn package did not produce $JAR"
fi
# Paths the guest sees under the 9p root must be the host's real paths. The guest bind-mounts the
# checkout (from repo.path on the results share, so any path works, spaces included) before it
# puts tmpfs on /tmp and /run.
REPO_REAL="$(cd "$REPO_DIR" && pwd -P)"
mkdir -p "$LAB_WORK"
QEMU_VERSION="$("$QEMU" --version | head -n1)"

# ---- kernels and initramfs ---------------------------------------------------------------
# prepare_kernel NAME: sets K_RELEASE, K_VMLINUZ, K_INITRD, K_SOURCE and adds to FETCH_SECS/INITRD_SECS
declare -A K_RELEASE=() K_VMLINUZ=() K_INITRD=() K_SOURCE=() K_IMPORTER=()
# needs_importer: true when a command that will run loads the test importer module (its command reads
# importer.path from the results share); only the iommufd kernel gets the module (build-importer.sh)
needs_importer() {
    local name tmo sets cmd
    while IFS=$'\t' read -r name tmo sets cmd; do
        [[ -z "$name" || "$name" == \#* || "$cmd" != *importer.path* ]] && continue
        [[ -z "$ONLY" || ",$ONLY," == *",$name,"* ]] && return 0
    done < "$COMMANDS_FILE"
    return 1
}
FETCH_SECS=0
INITRD_SECS=0
add_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a + b }'; }
# initramfs_stale FILE: true when guest/init, modules.list or the builder changed since FILE was built
initramfs_stale() {
    [[ ! -f "$1" || "$LAB_DIR/guest/init" -nt "$1" || "$LAB_DIR/guest/modules.list" -nt "$1" \
        || "$LAB_DIR/build-initramfs.sh" -nt "$1" ]]
}
prepare_kernel() {
    local k="$1" t0 v dir initrd
    t0="$(now)"
    case "$k" in
        debian)
            v="$("$LAB_DIR/fetch-kernel.sh" | tail -n1)" || die "fetching the Debian sid kernel failed (see above)"
            [[ -n "$v" ]] || die "fetch-kernel.sh printed no kernel version"
            K_VMLINUZ[$k]="$(cd "$LAB_CACHE/kernels/$v" && readlink -f vmlinuz)"
            K_SOURCE[$k]="Debian sid linux-binary-$v"
            ;;
        iommufd)
            # one build at a time per machine: another run (or a build started by hand) would otherwise
            # start the same cold build again and delete the running one's work tree
            local waited=0 pids
            while pids="$(pgrep -f 'build-kernel\.sh' | tr '\n' ' ')" && [[ -n "${pids// /}" ]]; do
                [[ "$waited" -eq 0 ]] && log "kernel iommufd: another build-kernel.sh is running (pid $pids): waiting for it"
                waited=$((waited + 30))
                sleep 30
            done
            [[ "$waited" -gt 0 ]] && log "kernel iommufd: the other build finished after ${waited}s of waiting"
            mkdir -p "$LAB_CACHE/built"
            dir="$(flock "$LAB_CACHE/built/.lock" "$LAB_DIR/build-kernel.sh" | tail -n1)" \
                || die "building the iommufd kernel failed (see above)"
            [[ -f "$dir/.complete" && -s "$dir/release" ]] || die "build-kernel.sh printed '$dir', which holds no complete build"
            v="$(head -n1 "$dir/release")"
            if needs_importer; then
                local imp
                imp="$("$LAB_DIR/build-importer.sh" "$dir" | tail -n1)" \
                    || die "building the test importer module for the iommufd kernel failed (see above)"
                [[ -f "$imp/vfioinsp_importer.ko" ]] || die "build-importer.sh printed '$imp', which holds no module"
                K_IMPORTER[$k]="$imp/vfioinsp_importer.ko"
            fi
            K_VMLINUZ[$k]="$dir/bzImage"
            K_SOURCE[$k]="built by build-kernel.sh from $(cat "$dir/source" 2>/dev/null || echo 'Debian linux-source') ($dir)"
            ;;
    esac
    [[ -f "${K_VMLINUZ[$k]}" ]] || die "kernel $k: no kernel image ${K_VMLINUZ[$k]}"
    K_RELEASE[$k]="$v"
    FETCH_SECS="$(add_secs "$FETCH_SECS" "$(elapsed "$t0")")"
    t0="$(now)"
    initrd="$LAB_WORK/initramfs-$k-$v.cpio.gz"
    if initramfs_stale "$initrd"; then
        if [[ "$k" == debian ]]; then
            "$LAB_DIR/build-initramfs.sh" "$v" "$initrd" >/dev/null
        else
            "$LAB_DIR/build-initramfs.sh" --no-modules "$v" "$initrd" >/dev/null
        fi || die "building the initramfs for kernel $k ($v) failed (see above)"
    else
        log "initramfs up to date: $initrd"
    fi
    K_INITRD[$k]="$initrd"
    INITRD_SECS="$(add_secs "$INITRD_SECS" "$(elapsed "$t0")")"
    log "kernel $k: $v (${K_SOURCE[$k]}), $QEMU_VERSION"
}
for k in "${KERNELS[@]}"; do prepare_kernel "$k"; done
# the boots' total budget starts once the kernels are there (a cold kernel build is not a boot)
BOOT_T0="$(now)"

json_str() { # escape a string for JSON
    local s="$1"
    s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//$'\t'/\\t}"; s="${s//$'\r'/}"; s="${s//$'\n'/\\n}"
    printf '"%s"' "$s"
}

# ---- one device set on one kernel ---------------------------------------------------------
# selected KERNEL SET SETS_FIELD: whether a command line's SETS column picks this kernel and set.
# The column is "all" or a comma list of SET, KERNEL/SET or KERNEL/* (a bare SET means */SET).
selected() {
    local k="$1" s="$2" e
    [[ "$3" == all ]] && return 0
    local IFS=,
    for e in $3; do
        [[ "$e" == */* ]] || e="*/$e"
        [[ ( "${e%%/*}" == '*' || "${e%%/*}" == "$k" ) && ( "${e#*/}" == '*' || "${e#*/}" == "$s" ) ]] && return 0
    done
    return 1
}

# run_set KERNEL SET: returns 0 when the guest ran the whole command list
run_set() {
    local kernel="$1" set="$2" res="$LAB_WORK/results/$1/$2" tag="$1/$2"
    local V="${K_RELEASE[$1]}" VMLINUZ="${K_VMLINUZ[$1]}" INITRD="${K_INITRD[$1]}"
    local VIOMMU QEMU_IOMMU QEMU_DEVICES KERNEL_ARGS TYPE1_UNSAFE VFIO_IDS
    # shellcheck source=/dev/null
    . "$LAB_DIR/device-sets/$set.conf"
    rm -rf "$res"
    mkdir -p "$res"
    printf '%s\n' "$V" > "$res/version"
    printf '%s\n' "$REPO_REAL" > "$res/repo.path"
    # the test importer module, by its host path (the guest sees the host's root): read by the command that loads it
    if [[ -n "${K_IMPORTER[$kernel]:-}" ]]; then
        printf '%s\n' "${K_IMPORTER[$kernel]}" > "$res/importer.path"
    fi

    # the command list for this set, in the guest's format: NAME TAB TIMEOUT TAB COMMAND
    local name tmo sets cmd total_cmd_tmo=0
    : > "$res/commands.tsv"
    while IFS=$'\t' read -r name tmo sets cmd; do
        [[ -z "$name" || "$name" == \#* ]] && continue
        [[ -n "$cmd" && "$tmo" =~ ^[0-9]+$ ]] || die "$COMMANDS_FILE: bad line for '$name' (NAME TAB TIMEOUT TAB SETS TAB COMMAND)"
        selected "$kernel" "$set" "$sets" || continue
        [[ -z "$ONLY" || ",$ONLY," == *",$name,"* ]] || continue
        printf '%s\t%s\t%s\n' "$name" "$tmo" "$cmd" >> "$res/commands.tsv"
        total_cmd_tmo=$((total_cmd_tmo + tmo))
    done < "$COMMANDS_FILE"
    [[ -s "$res/commands.tsv" ]] || die "no guest command selected for kernel $kernel, set $set (VFIO_INSPECTOR_LAB_ONLY=$ONLY)"

    local append="console=ttyS0 panic=-1 oops=panic loglevel=4 $KERNEL_ARGS vfioinsp.set=$set"
    append+=" vfioinsp.kernel=$kernel vfioinsp.viommu=$VIOMMU vfioinsp.ids=$VFIO_IDS vfioinsp.type1_unsafe=$TYPE1_UNSAFE"
    append+=" vfioinsp.cmds=commands.tsv"
    # The built kernel has e1000/e1000e built in: they would probe the devices at boot and leave their
    # registers programmed (CTRL bit 30, MSI-X table entries) before vfio-pci gets them, so the BAR reads
    # would differ from facts §9 (measured: 0x40140240 vs 0x00140240). Debian's kernel never loads them.
    # Both drivers' initcall is e1000_init_module.
    [[ "$kernel" == iommufd ]] && append+=" initcall_blacklist=e1000_init_module"
    [[ -n "${VFIO_INSPECTOR_LAB_EXTRA_APPEND:-}" ]] && append+=" $VFIO_INSPECTOR_LAB_EXTRA_APPEND"
    local qemu_cmd=(
        "$QEMU" -M q35 -m 2048 -smp 2 -nographic -no-reboot -nodefaults -serial stdio
        -accel tcg,thread=single -cpu max
        "${QEMU_IOMMU[@]}"
        -kernel "$VMLINUZ" -initrd "$INITRD"
        -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
        -virtfs "local,path=${res//,/,,},mount_tag=results,security_model=none"
        "${QEMU_DEVICES[@]}"
        -append "$append"
    )
    printf '%q ' "${qemu_cmd[@]}" > "$res/qemu-cmdline.txt"; echo >> "$res/qemu-cmdline.txt"

    # budget for one boot: boot + every command's own timeout + shutdown margin
    local attempt_limit=$((BOOT_TIMEOUT + total_cmd_tmo + 120))
    local attempt=0 status=failed error="" boot_secs="" ready_uptime="" set_t0
    set_t0="$(now)"
    while :; do
        attempt=$((attempt + 1))
        local remaining
        remaining="$(awk -v a="$BOOT_T0" -v b="$(now)" -v t="$TOTAL_TIMEOUT" 'BEGIN { printf "%d", t - (b - a) }')"
        if [[ "$remaining" -le 30 ]]; then error="total timeout of ${TOTAL_TIMEOUT}s reached"; break; fi
        local limit=$((attempt_limit < remaining ? attempt_limit : remaining))
        # clear the previous attempt's outputs (keep the set's inputs)
        find "$res" -maxdepth 1 -type f ! -name commands.tsv ! -name version ! -name qemu-cmdline.txt \
            ! -name repo.path ! -name importer.path ! -name 'console-attempt*.log' -delete
        local console="$res/console.log"
        log "[$tag] boot attempt $attempt (limit ${limit}s): $VIOMMU IOMMU, vfio-pci for $VFIO_IDS"
        local t0 qpid outcome="" shown=0
        t0="$(now)"
        timeout -k 5 "$limit" "${qemu_cmd[@]}" < /dev/null > "$console" 2>&1 &
        qpid=$!
        while :; do
            sleep 0.5
            # show the guest's markers as they come
            local lines
            lines="$(grep -a '^@@VFIOINSP' "$console" 2>/dev/null || true)"
            local n; n="$(printf '%s' "$lines" | grep -c . || true)"
            if [[ "$n" -gt "$shown" ]]; then
                printf '%s\n' "$lines" | tail -n "+$((shown + 1))" | sed "s|^|[kernel-lab] [$tag] guest: |" >&2
                shown="$n"
            fi
            if [[ -z "$boot_secs" ]] && grep -aq '^@@VFIOINSP READY' "$console"; then
                boot_secs="$(elapsed "$t0")"
                ready_uptime="$(grep -a '^@@VFIOINSP READY' "$console" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' | head -n1)"
            fi
            if ! kill -0 "$qpid" 2>/dev/null; then
                local qrc=0; wait "$qpid" || qrc=$?
                if grep -aq '^@@VFIOINSP DONE' "$console"; then outcome=done
                elif [[ "$qrc" -eq 124 || "$qrc" -eq 137 ]]; then outcome=timeout
                else outcome="qemu-exit-$qrc"; fi
                break
            fi
            if [[ -z "$boot_secs" ]] && awk -v a="$t0" -v b="$(now)" -v t="$BOOT_TIMEOUT" 'BEGIN { exit !(b - a > t) }'; then
                outcome=boot-timeout
            elif grep -aqE "$PANIC_RE" "$console"; then
                sleep 2; outcome=panic
            elif grep -aq '^@@VFIOINSP ERROR' "$console"; then
                sleep 2; outcome=guest-error
            fi
            if [[ -n "$outcome" ]]; then
                kill "$qpid" 2>/dev/null || true
                wait "$qpid" 2>/dev/null || true
                break
            fi
        done
        cp "$console" "$res/console-attempt$attempt.log"
        if [[ "$outcome" == done ]]; then status=ok; error=""; break; fi
        # classify
        if grep -aqE "$PANIC_RE" "$console"; then outcome=panic; fi
        case "$outcome" in
            panic) error="guest kernel panic/Oops: $(grep -aE "$PANIC_RE" "$console" | head -n1)" ;;
            boot-timeout) error="guest did not reach READY within ${BOOT_TIMEOUT}s" ;;
            guest-error) error="guest /init failed: $(grep -a '^@@VFIOINSP ERROR' "$console" | head -n1 | cut -c20-)" ;;
            timeout) error="guest did not finish within ${limit}s" ;;
            *) error="QEMU ended without the guest's DONE marker ($outcome)" ;;
        esac
        log "[$tag] attempt $attempt failed: $error"
        # a panic/Oops or a boot that never became READY is retried (TCG flakiness); a guest
        # that booted and then failed or hung is a real failure
        if [[ ( "$outcome" == panic || -z "$boot_secs" ) && "$attempt" -le "$BOOT_RETRIES" ]]; then
            boot_secs=""
            log "[$tag] retrying the boot"
            continue
        fi
        break
    done
    local set_secs; set_secs="$(elapsed "$set_t0")"

    # a guest that finished but whose commands did not start (the checkout not reachable, ...)
    # did not test anything: that is a failed set, not "ok"
    if [[ "$status" == ok ]]; then
        local notrun=() total=0
        while IFS=$'\t' read -r name tmo cmd; do
            total=$((total + 1))
            [[ -f "$res/$name.started" ]] || notrun+=("$name")
        done < "$res/commands.tsv"
        if [[ ${#notrun[@]} -gt 0 ]]; then
            status=failed
            local why; why="$(head -n1 "$res/${notrun[0]}.stderr" 2>/dev/null || true)"
            error="${#notrun[@]} of $total guest command(s) did not run: ${notrun[*]}${why:+ (${notrun[0]}: $why)}"
        fi
    fi

    # ---- results.json ----
    local kver="$V"
    [[ -s "$res/uname-r.txt" ]] && kver="$(head -n1 "$res/uname-r.txt")"
    {
        printf '{\n  "kernel": %s,\n  "set": %s,\n  "status": %s,\n' "$(json_str "$kernel")" "$(json_str "$set")" "$(json_str "$status")"
        [[ -n "$error" ]] && printf '  "error": %s,\n' "$(json_str "$error")"
        printf '  "kernelVersion": %s,\n  "fetchedKernelVersion": %s,\n  "kernelSource": %s,\n' \
            "$(json_str "$kver")" "$(json_str "$V")" "$(json_str "${K_SOURCE[$kernel]}")"
        printf '  "viommu": %s,\n  "vfioIds": %s,\n' "$(json_str "$VIOMMU")" "$(json_str "$VFIO_IDS")"
        printf '  "qemu": %s,\n  "attempts": %d,\n' "$(json_str "$QEMU_VERSION")" "$attempt"
        printf '  "bootSeconds": %s,\n  "guestReadyUptime": %s,\n  "setSeconds": %s,\n' \
            "${boot_secs:-null}" "${ready_uptime:-null}" "$set_secs"
        printf '  "repo": %s,\n  "commands": [' "$(json_str "$REPO_REAL")"
        local first=1
        while IFS=$'\t' read -r name tmo cmd; do
            [[ $first -eq 1 ]] || printf ','
            first=0
            local rc=null secs=null timed=false
            local started=false
            [[ -s "$res/$name.rc" ]] && rc="$(head -n1 "$res/$name.rc")"
            [[ -s "$res/$name.time" ]] && secs="$(head -n1 "$res/$name.time")"
            [[ -f "$res/$name.timeout" ]] && timed=true
            [[ -f "$res/$name.started" ]] && started=true
            printf '\n    {"name": %s, "command": %s, "timeoutSeconds": %s, "ran": %s, "exitCode": %s, "seconds": %s, "timedOut": %s, "stdout": %s, "stderr": %s}' \
                "$(json_str "$name")" "$(json_str "$cmd")" "$tmo" \
                "$started" "$rc" "$secs" "$timed" \
                "$(json_str "$name.stdout")" "$(json_str "$name.stderr")"
        done < "$res/commands.tsv"
        printf '\n  ]\n}\n'
    } > "$res/results.json"

    if [[ "$status" != ok ]]; then
        log "[$tag] FAILED: $error"
        log "[$tag] last 40 lines of the guest console ($res/console.log):"
        tail -n 40 "$res/console.log" | sed "s~^~[kernel-lab] [$tag] | ~" >&2
        return 1
    fi
    log "[$tag] ok: boot ${boot_secs}s, whole set ${set_secs}s"
    return 0
}

failed=()
for k in "${KERNELS[@]}"; do
    for s in "${SETS[@]}"; do
        run_set "$k" "$s" || failed+=("$k/$s")
    done
done

# ---- table ------------------------------------------------------------------------------
RESULT_DIRS=()
for k in "${KERNELS[@]}"; do
    for s in "${SETS[@]}"; do RESULT_DIRS+=("$LAB_WORK/results/$k/$s"); done
done
java "$LAB_DIR/tools/Summary.java" "$(elapsed "$RUN_T0")" "$FETCH_SECS" "$INITRD_SECS" "${RESULT_DIRS[@]}" \
    || log "WARNING: could not print the summary table"

if [[ ${#failed[@]} -gt 0 ]]; then
    die "kernel/device set(s) failed: ${failed[*]} (results and console logs under $LAB_WORK/results/)"
fi
log "all kernels and device sets ran (${KERNELS[*]} x ${SETS[*]}); results under $LAB_WORK/results/"

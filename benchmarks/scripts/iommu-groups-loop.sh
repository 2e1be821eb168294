#!/usr/bin/env bash
# The classic "list IOMMU groups" loop (as on the Arch wiki and countless forum posts), pointed at a sysfs tree:
# one lspci per device. Usage: iommu-groups-loop.sh ROOT [LIMIT]   (ROOT holds sys/; LIMIT: only the first LIMIT
# devices, for extrapolating on very large hosts)
set -euo pipefail
root=$1
limit=${2:-0}
shopt -s nullglob
i=0
for d in "$root"/sys/kernel/iommu_groups/*/devices/*; do
  if [ "$limit" -gt 0 ] && [ "$i" -ge "$limit" ]; then break; fi
  i=$((i + 1))
  n=${d#"$root"/sys/kernel/iommu_groups/}
  n=${n%%/*}
  printf 'IOMMU Group %s ' "$n"
  lspci -A linux-sysfs -O sysfs.path="$root/sys/bus/pci" -O hwdb.disable=1 -nns "${d##*/}"
done

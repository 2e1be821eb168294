#!/bin/sh
# The vfio-inspector on PATH (/usr/bin/vfio-inspector links here): without arguments the desktop inspector, with
# them the CLI, from the launcher made for one-shot commands (bin/vfio-inspector-cli: C1 only; a list is over before
# C2 pays back, while a GUI session does pay it back: BENCHMARKS.md, fifth round). The app decides the same way
# (Main: no argument = GUI), so either launcher gives the same answer; only the JIT differs.
dir=$(dirname "$(dirname "$(readlink -f "$0")")")
if [ $# -eq 0 ]; then
  exec "$dir/bin/vfio-inspector"
fi
exec "$dir/bin/vfio-inspector-cli" "$@"

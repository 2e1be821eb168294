# Sourced by the GUI benchmark scripts (bash).
# first_value PATTERN LOG COMMAND...: runs COMMAND until it prints PATTERN N (the value captured; at most 60 s), then
# ends it; prints N.
first_value() {
  local pattern=$1 log=$2
  shift 2
  "$@" > "$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1200); do
    grep -q "$pattern" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sed -n "s/.*$pattern\\([0-9.]*\\).*/\\1/p" "$log" | head -n 1
}

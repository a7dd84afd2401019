#!/usr/bin/env bash
# A bounded hostile soak of one watchdog in classic mode (fprocess=cat) on 127.0.0.1, with its RSS
# and thread count sampled every 200 ms (bench/soak.py says what the clients do).
#
# usage: bash bench/soak.sh [seconds] [binary] [-- NAME=VALUE ...]
#   seconds  length of the soak (default 150); the clients stop then, and 5 s of quiet follow
#   binary   the watchdog to soak (default artifacts/fwatchdog); the Go classic watchdog works too
#            (it reads port, and metrics_port only if patched; otherwise it binds 8081)
#   NAME=VALUE  extra environment for the watchdog, e.g. DOTNET_GCgen0size=400000
# Environment: SOAK_SCALE (default 4: ~260 concurrent connections; 8 doubles them),
#   SOAK_OUT (default artifacts/soak): samples.csv, watchdog.log, summary.txt per run.
# Prints the SOAK and SOAK_CLIENTS lines of soak.py. Everything it starts is ended by its PID.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
seconds=${1:-150}
binary=${2:-$root/artifacts/fwatchdog}
shift $(( $# >= 2 ? 2 : $# ))
[[ ${1:-} == -- ]] && shift
extra_env=("$@")
scale=${SOAK_SCALE:-4}
out=${SOAK_OUT:-$root/artifacts/soak}
python=$(command -v python3)

[[ -x $binary ]] || { echo "soak: $binary is not executable" >&2; exit 1; }
if ! [[ $seconds =~ ^[0-9]+$ ]] || (( seconds < 1 || seconds > 900 )); then
  echo "soak: seconds must be 1-900" >&2; exit 1
fi
mkdir -p "$out"
work=$(mktemp -d)
wd_pid=''
cleanup() {
  if [[ -n $wd_pid ]] && kill -0 "$wd_pid" 2>/dev/null; then
    kill -TERM "$wd_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$wd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$wd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Two free loopback ports (bound and released by the kernel's choice).
read -r port metrics_port < <("$python" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

env -i PATH="$PATH" TMPDIR="$work" fprocess=cat port="$port" metrics_port="$metrics_port" \
  read_timeout=10s write_timeout=10s exec_timeout=20s healthcheck_interval=1s "${extra_env[@]}" \
  "$binary" >"$out/watchdog.log" 2>&1 &
wd_pid=$!
for _ in $(seq 1 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/_/health" || true) == 200 ]] && break
  sleep 0.05
done
echo "soak: $(basename "$binary") pid $wd_pid on 127.0.0.1:$port, ${seconds}s, scale $scale, idle RSS $(awk '/^VmRSS/ { print $2 }' "/proc/$wd_pid/status") KiB, threads $(awk '/^Threads/ { print $2 }' "/proc/$wd_pid/status")" >&2
"$python" "$here/soak.py" "$port" "$wd_pid" "$seconds" "$out/samples.csv" --scale "$scale" | tee "$out/summary.txt"
kill -0 "$wd_pid" 2>/dev/null || { echo "soak: the watchdog died during the soak" >&2; exit 1; }

#!/usr/bin/env bash
# Where the CPU of one proxied request goes in mode=http, against nginx proxy_pass over the same hop.
# One nginx `return 200` server (nginx-light) is the upstream, started by the watchdog as its
# fprocess (as bench/run.sh's mode=http section does); a second nginx (one worker, keepalive 64)
# proxies to the same upstream as the reference. Load: wrk -t2 -c64, POST 11 B (bench/post.lua).
# Measured in one run, each figure for both proxies in turn:
#   1. CPU per request, untraced (utime+stime of the watchdog / the nginx proxy worker, /proc/PID/stat)
#   2. system calls per request, untraced (perf stat on syscall tracepoints; EAGAIN = exits with -11)
#   3. system calls per request under `strace -f -p PID` (names, and which returned which errno)
#   4. a CPU profile, `perf record -g -p PID`, grouped into layers (bench/breakdown.py)
#   5. bytes allocated per request, in process (bench/alloc, built from this checkout's source)
# and written as markdown (bench/breakdown.py report).
#
# usage: bash bench/breakdown.sh [seconds-per-window]   (default 5; 1..60)
# env:   FWATCHDOG_BINARY   the watchdog to measure (default artifacts/fwatchdog)
#        FWATCHDOG_SYMBOLS  a file with its symbols when the binary is stripped (default: the
#                           binary itself if it has a .symtab, else <binary>.dbg, else the Publish
#                           output's artifacts/publish/linux-x64/fwatchdog.dbg if its build id matches)
#        BREAKDOWN_OUT      the markdown written (default artifacts/breakdown/breakdown.md);
#                           raw data stays in artifacts/breakdown/
#        BREAKDOWN_ALLOC=0  skip the allocation measure (it needs the .NET SDK and measures the
#                           source tree, not the binary)
# Loopback only; every process started here is ended by its PID; every wait is bounded.
set -euo pipefail
export LC_ALL=C

seconds=${1:-5}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1 || seconds > 60)); then
  echo "breakdown: seconds must be whole seconds, 1..60 (got '$seconds')" >&2
  exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
binary=${FWATCHDOG_BINARY:-$root/artifacts/fwatchdog}
raw=$root/artifacts/breakdown
out=${BREAKDOWN_OUT:-$raw/breakdown.md}
connections=64
body_bytes=11
alloc_per_connection=3000 # x 64 connections: ~190,000 requests, ~10,000 allocation samples

[[ -x $binary ]] || { echo "breakdown: no watchdog binary at $binary (./build.sh --target=Publish)" >&2; exit 1; }
for tool in wrk nginx strace perf curl python3 nm readelf; do
  command -v "$tool" >/dev/null || { echo "breakdown: $tool is missing (apt-get install wrk nginx-light strace linux-perf curl binutils)" >&2; exit 1; }
done
python=$(command -v python3)

rm -rf "$raw" && mkdir -p "$raw"
work=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-breakdown.XXXXXX")
results=$raw/results.txt
: >"$results"
record() { printf '%s=%s\n' "$1" "$2" >>"$results"; }

# --- processes we started, ended by PID on any exit ---------------------------------------------
started_pids=()
stop_process() { # pid: SIGTERM, up to 5 s, then SIGKILL; always reaped
  local pid=$1
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do stop_process "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A snapshot of the binary: a Publish meanwhile cannot swap it under us.
mkdir -p "$work/under-test"
snapshot=$work/under-test/fwatchdog
cp "$binary" "$snapshot"

# Symbols for the profile: perf mis-resolves against a --only-keep-debug file (its sections have no
# file contents), so bench/breakdown.py resolves addresses itself from `nm` of the right file.
build_id() { readelf -n "$1" 2>/dev/null | awk '/Build ID/ { print $3 }'; }
symbols=${FWATCHDOG_SYMBOLS:-}
if [[ -z $symbols ]]; then
  if readelf -S "$binary" | grep -q '\.symtab'; then symbols=$binary
  elif [[ -f $binary.dbg ]]; then symbols=$binary.dbg
  elif [[ -f $root/artifacts/publish/linux-x64/fwatchdog.dbg &&
    $(build_id "$root/artifacts/publish/linux-x64/fwatchdog.dbg") == "$(build_id "$binary")" ]]; then
    symbols=$root/artifacts/publish/linux-x64/fwatchdog.dbg
  fi
fi
if [[ -n $symbols ]]; then
  nm -n --defined-only "$symbols" | awk '$2 ~ /^[TtWw]$/ { print $1, $3 }' >"$raw/fwatchdog.syms"
  record meta.symbols "$symbols"
else
  : >"$raw/fwatchdog.syms"
  record meta.symbols none
  echo "breakdown: no symbols for $binary; the profile will be by address only (set FWATCHDOG_SYMBOLS)" >&2
fi
# perf shows addresses in the binary relative to its first loaded segment's page offset.
read -r load_offset load_vaddr < <(readelf -lW "$binary" | awk '$1 == "LOAD" { print $2, $3; exit }')
load_base=$((load_vaddr - load_offset))

# --- ports, chosen once --------------------------------------------------------------------------
read -r up_port wd_port metrics_port proxy_port < <("$python" -c '
import socket
held = [socket.socket() for _ in range(4)]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))
')

nginx_config() { # file prefix-dir: the part both nginx configurations share (as bench/run.sh)
  mkdir -p "$2"
  cat >"$1" <<NGINX
worker_processes 1;
daemon off;
pid $2/nginx.pid;
error_log $2/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $2; proxy_temp_path $2; fastcgi_temp_path $2; uwsgi_temp_path $2; scgi_temp_path $2;
NGINX
}
nginx_config "$work/upstream.conf" "$work/nginx-upstream"
cat >>"$work/upstream.conf" <<NGINX
  server { listen 127.0.0.1:$up_port; location / { return 200 "ok\n"; } }
}
NGINX
nginx_config "$work/proxy.conf" "$work/nginx-proxy"
cat >>"$work/proxy.conf" <<NGINX
  upstream function { server 127.0.0.1:$up_port; keepalive 64; }
  server {
    listen 127.0.0.1:$proxy_port;
    location / { proxy_pass http://function; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX

answers() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -d hello "http://127.0.0.1:$1/" || true) == 200 ]]; }

env port="$wd_port" metrics_port="$metrics_port" TMPDIR="$work" mode=http \
  upstream_url="http://127.0.0.1:$up_port" fprocess="nginx -c $work/upstream.conf -p $work/nginx-upstream" \
  read_timeout=30s write_timeout=30s healthcheck_interval=1s "$snapshot" >"$raw/fwatchdog.log" 2>&1 &
wd_pid=$!
started_pids+=("$wd_pid")
nginx -c "$work/proxy.conf" -p "$work/nginx-proxy" >"$raw/nginx-proxy.log" 2>&1 &
nginx_pid=$!
started_pids+=("$nginx_pid")
for _ in $(seq 1 200); do
  answers "$wd_port" && answers "$proxy_port" && break
  kill -0 "$wd_pid" 2>/dev/null || { echo "breakdown: the watchdog exited (see $raw/fwatchdog.log)" >&2; exit 1; }
  sleep 0.05
done
answers "$wd_port" || { echo "breakdown: the watchdog does not answer (see $raw/fwatchdog.log)" >&2; exit 1; }
answers "$proxy_port" || { echo "breakdown: the nginx proxy does not answer (see $raw/nginx-proxy.log)" >&2; exit 1; }
# The proxy's one worker does the work; the master only supervises it.
worker_pid=$(ps -o pid= --ppid "$nginx_pid" | awk 'NR == 1 { print $1 }')
[[ -n $worker_pid ]] || { echo "breakdown: no nginx proxy worker found" >&2; exit 1; }

record meta.date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
record meta.binary "$binary"
record meta.binary_build_id "$(build_id "$binary")"
record meta.commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
record meta.seconds "$seconds"
record meta.cores "$(nproc)"
record meta.cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
record meta.kernel "$(uname -r)"
record meta.nginx "$(nginx -v 2>&1 | sed 's/.*nginx\///')"
record meta.loadavg_start "$(cut -d' ' -f1 /proc/loadavg)"

pid_of() { if [[ $1 == fwatchdog ]]; then echo "$wd_pid"; else echo "$worker_pid"; fi; }
port_of() { if [[ $1 == fwatchdog ]]; then echo "$wd_port"; else echo "$proxy_port"; fi; }

# run_wrk key target seconds: one wrk run, its WRK_RESULT pairs recorded under key
run_wrk() {
  local line pair
  line=$(BENCH_BODY_BYTES=$body_bytes wrk -t2 -c"$connections" -d"$3s" --timeout 10s -s "$bench/post.lua" \
    "http://127.0.0.1:$(port_of "$2")/" 2>&1 | tee "$raw/$1.wrk.txt" | grep '^WRK_RESULT' | sed 's/^WRK_RESULT //') || line=''
  for pair in $line; do record "$1.${pair%%=*}" "${pair#*=}"; done
}
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'; } # utime stime (own threads only)

echo "breakdown: warm-up, 2 s each" >&2
run_wrk warmup.fwatchdog fwatchdog 2
run_wrk warmup.nginx nginx 2

# 1. CPU per request, untraced, two interleaved rounds.
for round in 1 2; do
  for target in fwatchdog nginx; do
    echo "breakdown: CPU, $target, round $round, ${seconds}s" >&2
    read -r u0 s0 < <(ticks "$(pid_of "$target")")
    run_wrk "cpu.$target.r$round" "$target" "$seconds"
    read -r u1 s1 < <(ticks "$(pid_of "$target")")
    record "cpu.$target.r$round.utime_ticks" "$((u1 - u0))"
    record "cpu.$target.r$round.stime_ticks" "$((s1 - s0))"
  done
done
record meta.clk_tck "$(getconf CLK_TCK)"

# 2. System calls per request at full speed: syscall tracepoints counted by the kernel.
tracepoints=raw_syscalls:sys_enter
available=$(perf list 'syscalls:sys_enter_*' 2>/dev/null | awk '{ print $1 }')
for name in read write readv writev recvfrom recvmsg sendto sendmsg sendfile64 epoll_wait epoll_pwait epoll_ctl \
  futex sched_yield accept4 close mprotect madvise munmap mmap getrusage clock_gettime nanosleep clock_nanosleep; do
  grep -qx "syscalls:sys_enter_$name" <<<"$available" && tracepoints+=",syscalls:sys_enter_$name"
done
for target in fwatchdog nginx; do
  echo "breakdown: syscalls (perf stat), $target, ${seconds}s" >&2
  perf stat -x, -o "$raw/perfstat.$target.csv" -e "$tracepoints" -e raw_syscalls:sys_exit --filter 'ret == -11' \
    -p "$(pid_of "$target")" -- sleep "$((seconds + 1))" >/dev/null 2>&1 &
  stat_pid=$!
  started_pids+=("$stat_pid")
  sleep 0.5
  run_wrk "perfstat.$target" "$target" "$seconds"
  wait "$stat_pid" || true
done

# 3. System calls per request under strace: names and errnos (slower, so fewer requests).
for target in fwatchdog nginx; do
  echo "breakdown: syscalls (strace -f -p), $target, ${seconds}s" >&2
  strace -f -qq -o "$raw/strace.$target.txt" -p "$(pid_of "$target")" &
  strace_pid=$!
  started_pids+=("$strace_pid")
  sleep 1 # attached to every thread before the load starts
  run_wrk "strace.$target" "$target" "$seconds"
  kill -INT "$strace_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$strace_pid" 2>/dev/null || break; sleep 0.1; done
  stop_process "$strace_pid"
done

# 4. CPU profile.
for target in fwatchdog nginx; do
  echo "breakdown: perf record -g, $target, ${seconds}s" >&2
  perf record -q -g -F 2999 -o "$raw/perf.$target.data" -p "$(pid_of "$target")" -- sleep "$seconds" >/dev/null 2>&1 &
  perf_pid=$!
  started_pids+=("$perf_pid")
  sleep 0.2
  run_wrk "perf.$target" "$target" "$seconds"
  wait "$perf_pid" || true
  perf script -i "$raw/perf.$target.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$raw/perf.$target.script" || true
done
record meta.loadavg_end "$(cut -d' ' -f1 /proc/loadavg)"
stop_process "$nginx_pid"
stop_process "$wd_pid"

# 5. Allocations per request, in process.
if [[ ${BREAKDOWN_ALLOC:-1} != 0 ]]; then
  if command -v dotnet >/dev/null; then
    echo "breakdown: allocations (bench/alloc, $alloc_per_connection x $connections requests)" >&2
    if dotnet build -c Release "$bench/alloc/Fwatchdog.AllocBench.csproj" -o "$work/alloc" >"$raw/alloc-build.log" 2>&1; then
      timeout 600 dotnet "$work/alloc/Fwatchdog.AllocBench.dll" "$alloc_per_connection" "$connections" "$raw/alloc.txt" \
        >/dev/null 2>"$raw/alloc.err" && cat "$raw/alloc.txt" >>"$results" ||
        echo "breakdown: the allocation measure failed (see $raw/alloc.err)" >&2
    else
      echo "breakdown: bench/alloc did not build (see $raw/alloc-build.log)" >&2
    fi
  else
    echo "breakdown: no dotnet; allocation measure skipped" >&2
  fi
fi

"$python" "$bench/breakdown.py" report "$raw" "$load_base" "$(basename "$snapshot")" >"$work/breakdown.md"
mkdir -p "$(dirname "$out")"
cp "$work/breakdown.md" "$out"
echo "breakdown: written $out (raw data in $raw)" >&2

#!/usr/bin/env bash
# Interleaved A/B of two watchdogs with fprocess=cat under wrk (bench/post.lua, POST 64 B): both run
# side by side and the wrk runs alternate between them (order flipped each round), so a burst of
# background load hits both alike — unlike bench/run.sh, which measures one watchdog after the other.
# Prints per-run lines and the median per watchdog and connection count: req/s, p50/p99, and CPU per
# request (watchdog + its reaped cats, from /proc/<pid>/stat), the figure other load moves least.
#
# usage: bash bench/baselines/ab.sh [rounds=3] [seconds=5] [connections="1 8 64"]
# env:   A (default artifacts/fwatchdog), B (default artifacts/baselines/cliwrap-watchdog)
# All traffic goes to 127.0.0.1; the two watchdogs started here are ended by their PIDs.
set -euo pipefail
export LC_ALL=C
rounds=${1:-3} seconds=${2:-5} connections=${3:-"1 8 64"}
((rounds >= 1 && rounds <= 20 && seconds >= 1 && seconds <= 60)) || { echo "ab: rounds 1..20, seconds 1..60" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-ab.XXXXXX")
names=(A B) bins=("${A:-$root/artifacts/fwatchdog}" "${B:-$root/artifacts/baselines/cliwrap-watchdog}")
pids=() ports=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -o "$work/free_port" "$root/bench/free_port.c"
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }'; }
hz=$(getconf CLK_TCK)

for i in 0 1; do
  [[ -x ${bins[i]} ]] || { echo "ab: no binary at ${bins[i]}" >&2; exit 1; }
  cp "${bins[i]}" "$work/wd$i"
  port=$("$work/free_port") metrics=$("$work/free_port")
  mkdir "$work/tmp$i"
  env port="$port" metrics_port="$metrics" fprocess=cat TMPDIR="$work/tmp$i" healthcheck_interval=1s \
    "$work/wd$i" >"$work/wd$i.log" 2>&1 &
  pids+=($!) ports+=("$port")
  for _ in $(seq 1 200); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/_/health" || true) == 200 ]] && break
    sleep 0.05
  done
  BENCH_BODY_BYTES=64 wrk -t2 -c8 -d1s -s "$root/bench/post.lua" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
  echo "${names[i]}: ${bins[i]} (pid ${pids[i]}, port $port)"
done

echo "round conns wd req/s p50_ms p99_ms cpu_us_per_req errors load1" | tee "$work/runs.txt"
for ((round = 1; round <= rounds; round++)); do
  for c in $connections; do
    if ((round % 2)); then order="0 1"; else order="1 0"; fi
    for i in $order; do
      before=$(cpu_ticks "${pids[i]}")
      out=$(BENCH_BODY_BYTES=64 wrk -t$((c < 2 ? c : 2)) -c"$c" -d"${seconds}s" --timeout 10s --latency \
        -s "$root/bench/post.lua" "http://127.0.0.1:${ports[i]}/" 2>&1 | grep '^WRK_RESULT' || true)
      after=$(cpu_ticks "${pids[i]}")
      awk -v r="$round" -v c="$c" -v n="${names[i]}" -v b="$before" -v a="$after" -v hz="$hz" \
        -v load="$(cut -d' ' -f1 /proc/loadavg)" '{
          for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] }
          req = v["requests"]; s = v["duration_us"] / 1e6
          err = v["status_errors"] + v["connect_errors"] + v["read_errors"] + v["write_errors"] + v["timeouts"]
          printf "%d %d %s %.0f %.2f %.2f %.0f %d %s\n", r, c, n, req / s, v["p50_us"] / 1000, v["p99_us"] / 1000,
            req ? (a - b) / hz / req * 1e6 : 0, err, load }' <<<"$out" | tee -a "$work/runs.txt"
    done
  done
done

echo "median over $rounds round(s):"
for c in $connections; do
  for n in A B; do
    awk -v c="$c" -v n="$n" '$2 == c && $3 == n { rps[++k] = $4; p50[k] = $5; p99[k] = $6; cpu[k] = $7 }
      function med(x, m, i, j, t) { for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
        return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2 }
      END { printf "  %2d conns %s: %6.0f req/s  p50 %6.2f ms  p99 %7.2f ms  CPU %5.0f us/req\n", c, n, med(rps, k), med(p50, k), med(p99, k), med(cpu, k) }' "$work/runs.txt"
  done
done
for i in 0 1; do echo "${names[i]} VmHWM (whole life): $(awk '/^VmHWM/ { print $2, $3 }' "/proc/${pids[i]}/status")"; done

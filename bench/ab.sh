#!/usr/bin/env bash
# Interleaved A/B of two fwatchdog binaries on this machine: classic mode (fprocess=cat, POST 64 B) and
# mode=http (an nginx `return 200` upstream started as fprocess), wrk at 64 connections. Each round
# runs A then B, the next round B then A, so a burst of background load lands on both; report the
# means over rounds, never one run. CPU per request is the watchdog's user+system time plus its
# reaped children's (/proc/<pid>/stat fields 14-17) over the measured run. Loopback only, free ports,
# every process ended by its PID.
# Usage: bench/ab.sh A-binary B-binary [seconds per run, 4] [rounds, 6]   (MODES="classic http")
set -euo pipefail
a=$1 b=$2 seconds=${3:-4} rounds=${4:-6}
for tool in wrk nginx; do command -v "$tool" >/dev/null || { echo "ab: $tool is missing; run scripts/prerequisites.sh" >&2; exit 1; }; done
work=$(mktemp -d /tmp/fwatchdog-ab.XXXXXX)
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
printf 'wrk.method = "POST"\nwrk.body = string.rep("x", 64)\n' >"$work/post.lua"

# Three distinct free ports at once: sockets bound one after another may be handed the same port.
free_ports() { python3 -c 'import socket; s=[socket.socket() for _ in range(3)]; [x.bind(("127.0.0.1", 0)) for x in s]; print(*[x.getsockname()[1] for x in s])'; }

nginx_upstream() { # port: a config answering `return 200` on 127.0.0.1:port
  local port=$1 prefix=$work/nginx-$1
  mkdir -p "$prefix"
  cat >"$prefix.conf" <<NGINX
worker_processes 1; daemon off; pid $prefix/nginx.pid; error_log $prefix/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 10000000;
  client_body_temp_path $prefix; proxy_temp_path $prefix; fastcgi_temp_path $prefix; uwsgi_temp_path $prefix; scgi_temp_path $prefix;
  server { listen 127.0.0.1:$port; location / { return 200 "ok"; } } }
NGINX
  echo "nginx -c $prefix.conf"
}

cpu_ticks() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }

load() { # mode port seconds
  if [[ $1 == http ]]; then wrk -t2 -c64 "-d$3s" "http://127.0.0.1:$2/"
  else wrk -t2 -c64 "-d$3s" -s "$work/post.lua" "http://127.0.0.1:$2/"; fi
}

run() { # label binary mode
  local label=$1 binary=$2 mode=$3 port metrics pid upstream
  # One log per run: a name reused across rounds could still show the last run's "Listening" line
  # before the new process has truncated it, and the load would then start against a closed port.
  local log=$work/$label-$mode-$round.log
  read -r port metrics upstream < <(free_ports)
  if [[ $mode == http ]]; then
    TMPDIR=$work mode=http upstream_url="http://127.0.0.1:$upstream" fprocess="$(nginx_upstream "$upstream")" \
      port=$port metrics_port=$metrics "$binary" >"$log" 2>&1 &
  else
    TMPDIR=$work fprocess=cat port=$port metrics_port=$metrics "$binary" >"$log" 2>&1 &
  fi
  pid=$!
  started+=("$pid")
  for _ in $(seq 600); do grep -qs "Listening on port" "$log" && break; sleep 0.05; done
  if ! grep -qs "Listening on port" "$log"; then
    echo "ab.sh: $binary ($mode) did not start within 30 s:" >&2
    cat "$log" >&2
    exit 1
  fi
  load "$mode" "$port" 1 >/dev/null
  local before after output requests rate peak
  before=$(cpu_ticks "$pid")
  output=$(load "$mode" "$port" "$seconds")
  after=$(cpu_ticks "$pid")
  peak=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
  requests=$(awk '/requests in/ { print $1 }' <<<"$output")
  if [[ -z $requests ]]; then
    echo "ab.sh: no requests served by $binary ($mode):" >&2
    cat "$log" >&2
    exit 1
  fi
  rate=$(awk '/Requests\/sec/ { print $2 }' <<<"$output")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v m="$mode" -v l="$label" -v r="$rate" -v t=$((after - before)) -v n="$requests" -v k="$peak" \
    'BEGIN { printf "%-8s %s %10.0f req/s %8.1f us/request %6.1f MiB\n", m, l, r, t * 10000 / n, k / 1024 }' | tee -a "$results"
}

# The rounds run in this shell, not in a pipeline's subshell, so cleanup sees every PID started
# (an early exit used to leave a watchdog and its nginx running).
results=$work/results
for round in $(seq "$rounds"); do
  for mode in ${MODES:-classic http}; do
    if ((round % 2)); then run A "$a" "$mode"; run B "$b" "$mode"
    else run B "$b" "$mode"; run A "$a" "$mode"; fi
  done
done
echo "means over $rounds rounds (A: $a, B: $b):"
awk '{ key = $1 " " $2; rate[key] += $3; cpu[key] += $5; rss[key] += $7; n[key]++ }
  END { for (k in rate) printf "%-10s %10.0f req/s %8.1f us/request %6.1f MiB peak RSS\n", k, rate[k] / n[k], cpu[k] / n[k], rss[k] / n[k] }' "$results" | sort

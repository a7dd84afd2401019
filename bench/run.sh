#!/usr/bin/env bash
# fwatchdog benchmark: measures the fork-per-request ceiling of this machine, then the watchdog
# (fprocess=cat under wrk, memory, start-up, size, 1 GiB streaming, 150 concurrent uploads) in the same run, and prints one
# table with pass/miss against the targets. Writes artifacts/bench.json and artifacts/bench.svg;
# raw logs go to artifacts/bench-logs/.
#
# usage: bash bench/run.sh [seconds-per-wrk-run]   (default 10; 2 or less = short mode, 64 MiB streams)
# env:   FWATCHDOG_BINARY          the watchdog to measure (default artifacts/fwatchdog)
#        BENCH_ONLY=http           only the mode=http section; prints its raw results and its
#                                  table, and leaves artifacts/bench.json and the chart as they were
#        BENCH_ONLY=auth           only the jwt_auth section, likewise (plus its table)
#        FWATCHDOG_COMPARE_BINARY  optional second watchdog measured the same way (e.g. the Go one)
#        OF_WATCHDOG               optional Go of-watchdog binary: the mode=http section measures it
#                                  too, in mode=http in front of the same upstreams (it needs port
#                                  8081, its fixed metrics port, free; otherwise it is skipped)
#
# Exits non-zero only when the benchmark itself cannot run (no binary, watchdog does not start);
# a figure that misses its target is reported, never fatal. All traffic goes to 127.0.0.1; every
# process started here is ended by its PID.
set -euo pipefail
export LC_ALL=C

duration=${1:-10}
if ! [[ $duration =~ ^[0-9]+$ ]] || ((duration < 1 || duration > 300)); then
  echo "bench: duration must be whole seconds, 1..300 (got '$duration')" >&2
  exit 2
fi

case ${BENCH_ONLY:-} in
  '' | http | auth) ;;
  *) echo "bench: BENCH_ONLY must be http or auth (got '$BENCH_ONLY')" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
artifacts=$root/artifacts
logs=$artifacts/bench-logs
binary=${FWATCHDOG_BINARY:-$artifacts/fwatchdog}
compare_binary=${FWATCHDOG_COMPARE_BINARY:-}
of_watchdog=${OF_WATCHDOG:-}

body_bytes=64 # request body for the ceiling and for wrk: a typical small function call
first_response_runs=10
if ((duration <= 2)); then
  short_mode=1
  stream_bytes=$((64 * 1024 * 1024)) # keeps the CI smoke run well inside its time budget
  upload_bytes=$((4 * 1024 * 1024))
else
  short_mode=0
  stream_bytes=$((1024 * 1024 * 1024))
  upload_bytes=$((50 * 1024 * 1024))
fi
uploads=150 # concurrent uploads in the memory-per-upload measure

if [[ ! -x $binary ]]; then
  echo "bench: no watchdog binary at $binary (run ./build.sh --target=Publish first)" >&2
  exit 1
fi

mkdir -p "$artifacts"
rm -rf "$logs" && mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-bench.XXXXXX")
results=$work/results.txt
: >"$results"

# --- processes we started, ended by PID on any exit ---------------------------------------------
started_pids=()

stop_process() { # pid: SIGTERM, up to 5 s to drain, then SIGKILL; always reaped
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

# shellcheck disable=SC2317 # shellcheck 0.9 does not see that the EXIT trap below calls it
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do stop_process "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools ---------------------------------------------------------------------------------------
apt_updated=0
apt_install() { # packages...: installs what is missing, with one `apt-get update` first
  echo "bench: installing $*" >&2
  if ((apt_updated == 0)); then apt-get update -qq >&2; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}
command -v wrk >/dev/null || apt_install wrk
command -v curl >/dev/null || apt_install curl
command -v cc >/dev/null || apt_install gcc libc6-dev
if [[ -x /usr/bin/python3 ]]; then python=/usr/bin/python3; else
  command -v python3 >/dev/null || apt_install python3
  python=$(command -v python3)
fi

tools=$work/bin
mkdir -p "$tools"
# Measure snapshots of the binaries: a Publish running meanwhile can then replace artifacts/fwatchdog
# without failing on "text file busy", and cannot swap the binary under us halfway through.
mkdir -p "$work/under-test" "$work/compare"
cp "$binary" "$work/under-test/" && binary_snapshot=$work/under-test/$(basename "$binary")
if [[ -n $compare_binary && -x $compare_binary ]]; then
  cp "$compare_binary" "$work/compare/" && compare_snapshot=$work/compare/$(basename "$compare_binary")
fi
of_watchdog_snapshot=''
if [[ -n $of_watchdog ]]; then
  if [[ -x $of_watchdog ]]; then
    mkdir -p "$work/of-watchdog"
    cp "$of_watchdog" "$work/of-watchdog/" && of_watchdog_snapshot=$work/of-watchdog/$(basename "$of_watchdog")
  else
    echo "bench: OF_WATCHDOG=$of_watchdog is not executable; the of-watchdog rows are skipped" >&2
  fi
fi
for helper in spawn_ceiling first_response free_port zero_sink upload_burst; do
  cc -O2 -Wall -o "$tools/$helper" "$bench/$helper.c" -lpthread
done

record() { printf '%s=%s\n' "$1" "$2" >>"$results"; }

# "a=1 b=2" from a helper's output line -> prefix.a=1, prefix.b=2
record_pairs() {
  local prefix=$1 pair
  for pair in $2; do [[ $pair == *=* ]] && record "$prefix.${pair%%=*}" "${pair#*=}"; done
  return 0
}

# CPU clock ticks used by a process and the children it has reaped (utime stime cutime cstime):
# the watchdog reaps every function process, so this is watchdog plus `cat` CPU.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }'; }
clock_ticks_per_second=$(getconf CLK_TCK)

rss_kib() { awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# --- watchdog lifecycle --------------------------------------------------------------------------
wd_pid='' wd_port=''

two_free_ports() {
  local a b
  for _ in $(seq 1 20); do
    a=$("$tools/free_port") b=$("$tools/free_port")
    [[ $a != "$b" ]] && { echo "$a $b"; return 0; }
  done
  return 1
}

# start_watchdog binary log-name fprocess [VAR=value...]: sets wd_pid/wd_port, returns 1 when it
# is not healthy within 10 s. A private TMPDIR holds its lock file and classic-mode spill files.
start_watchdog() {
  local binary=$1 name=$2 fprocess=$3 ports metrics_port tmp
  shift 3
  ports=$(two_free_ports) || return 1
  wd_port=${ports% *} metrics_port=${ports#* }
  tmp=$(mktemp -d "$work/tmp.XXXXXX")
  env port="$wd_port" metrics_port="$metrics_port" fprocess="$fprocess" TMPDIR="$tmp" \
    read_timeout=300s write_timeout=300s healthcheck_interval=1s "$@" \
    "$binary" >"$logs/$name.log" 2>&1 &
  wd_pid=$!
  started_pids+=("$wd_pid")
  # Readiness by asking, not by log words, so any watchdog (e.g. the Go one) can be compared.
  for _ in $(seq 1 200); do
    kill -0 "$wd_pid" 2>/dev/null || { echo "bench: $name exited during start-up (see $logs/$name.log)" >&2; return 1; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$wd_port/_/health" || true) == 200 ]] && return 0
    sleep 0.05
  done
  echo "bench: $name not healthy after 10 s (see $logs/$name.log)" >&2
  return 1
}

stop_started() { # pid: stop_process, and forget the PID so the exit trap never signals a reused one
  stop_process "$1"
  local kept=() pid
  for pid in "${started_pids[@]}"; do [[ $pid != "$1" ]] && kept+=("$pid"); done
  started_pids=("${kept[@]}")
}

stop_watchdog() {
  stop_started "$wd_pid"
  wd_pid=''
}

# Resets the kernel's peak-RSS mark, so VmHWM afterwards covers only what follows. Returns 1 where
# /proc/<pid>/clear_refs is not writable; the peak then covers the whole life of the process.
reset_peak_rss() { echo 5 2>/dev/null >"/proc/$1/clear_refs"; }

# --- measurements --------------------------------------------------------------------------------
# measure_ceiling pass-name: one run per thread count. It runs once before and once after the
# watchdog's wrk runs, and report.py keeps the better of the two per thread count, so a burst of
# background load during one pass does not flatter the watchdog's ratio.
measure_ceiling() {
  local pass=$1 threads line
  for threads in 1 2 8; do
    echo "bench: spawn ceiling ($pass), $threads thread(s), ${duration}s" >&2
    line=$("$tools/spawn_ceiling" "$threads" "$duration" "$body_bytes" | tail -n 1) || line=''
    echo "$line" >"$logs/ceiling-$pass-t$threads.txt"
    record_pairs "ceiling.$pass.t$threads" "$line"
  done
}

run_wrk() { # key connections seconds
  local key=$1 connections=$2 seconds=$3 threads=2 output
  ((connections < threads)) && threads=$connections
  output=$(BENCH_BODY_BYTES=$body_bytes wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s \
    --latency -s "$bench/post.lua" "http://127.0.0.1:$wd_port/" 2>&1) || true
  echo "$output" >"$logs/$key.wrk.txt"
  record_pairs "$key" "$(grep '^WRK_RESULT' <<<"$output" | sed 's/^WRK_RESULT //' || true)"
}

measure_throughput() { # label binary
  local label=$1 binary=$2 connections peak ticks_before
  if ! start_watchdog "$binary" "$label-cat" cat; then record "wd.$label.error" "did not start"; return 1; fi
  sleep 0.3 # let start-up allocations settle before calling it idle
  record "wd.$label.idle_rss_kib" "$(rss_kib "$wd_pid" VmRSS)"
  echo "bench: $label, wrk warm-up 1s" >&2
  BENCH_BODY_BYTES=$body_bytes wrk -t2 -c8 -d1s -s "$bench/post.lua" "http://127.0.0.1:$wd_port/" >"$logs/$label-warmup.wrk.txt" 2>&1 || true
  for connections in 1 8 64; do
    echo "bench: $label, wrk $connections connection(s), ${duration}s" >&2
    if ((connections == 64)); then
      if reset_peak_rss "$wd_pid"; then record "wd.$label.peak_scope" "64-connection run"
      else record "wd.$label.peak_scope" "whole process life"; fi
    fi
    ticks_before=$(cpu_ticks "$wd_pid")
    run_wrk "wd.$label.c$connections" "$connections" "$duration"
    record "wd.$label.c$connections.cpu_seconds" \
      "$(awk -v a="$ticks_before" -v b="$(cpu_ticks "$wd_pid")" -v hz="$clock_ticks_per_second" 'BEGIN { print (b - a) / hz }')"
  done
  peak=$(rss_kib "$wd_pid" VmHWM)
  record "wd.$label.peak_rss_c64_kib" "$peak"
  stop_watchdog
}

measure_first_response() { # label binary
  local label=$1 binary=$2 tmp line
  echo "bench: $label, exec to first 200, $first_response_runs starts" >&2
  tmp=$(mktemp -d "$work/tmp.XXXXXX")
  # first_response sets port/metrics_port per start; the rest of the configuration is inherited.
  line=$(env fprocess=cat TMPDIR="$tmp" healthcheck_interval=1s \
    "$tools/first_response" "$first_response_runs" "$binary" | tee "$logs/$label-first-response.txt" | tail -n 1) || true
  record_pairs "wd.$label.first_response" "$line"
}

# measure_stream label name mode direction: "in" POSTs stream_bytes of zeros to sha512sum and checks
# the digest; "out" has the function write stream_bytes of zeros and checks every byte came back.
measure_stream() {
  local label=$1 name=$2 mode=$3 direction=$4 fprocess check status seconds
  local key="wd.$label.stream.$name"
  echo "bench: $label, $name ($((stream_bytes / 1024 / 1024)) MiB)" >&2
  if [[ $direction == in ]]; then fprocess=sha512sum; else fprocess="head -c $stream_bytes /dev/zero"; fi
  if ! start_watchdog "$binary_under_test" "$label-$name" "$fprocess" mode="$mode"; then
    record "$key.ok" 0; record "$key.detail" "did not start"; return 0
  fi
  reset_peak_rss "$wd_pid" || true # the health probe is not part of the stream
  local curl_args=(-sS -X POST --max-time 600 -w '%{stderr}CURL_RESULT status=%{http_code} seconds=%{time_total}\n'
    -H 'Content-Type: application/octet-stream' -H 'Expect:')
  if [[ $direction == in ]]; then
    # Content-Length with the chunked header removed: a plain sized upload streamed from a pipe.
    head -c "$stream_bytes" /dev/zero | curl "${curl_args[@]}" -T - -H "Content-Length: $stream_bytes" \
      -H 'Transfer-Encoding:' "http://127.0.0.1:$wd_port/" >"$work/stream.out" 2>"$work/stream.err" || true
    check=$(awk '{ print $1 }' "$work/stream.out")
    if [[ $check == "$expected_sha512" ]]; then record "$key.ok" 1; else
      record "$key.ok" 0; record "$key.detail" "digest mismatch: got '${check:0:24}...'"; fi
  else
    curl "${curl_args[@]}" -d '' "http://127.0.0.1:$wd_port/" 2>"$work/stream.err" \
      | "$tools/zero_sink" >"$work/stream.out" || true
    check=$(cat "$work/stream.out")
    if [[ $check == "bytes=$stream_bytes nonzero=0" ]]; then record "$key.ok" 1; else
      record "$key.ok" 0; record "$key.detail" "body check: $check"; fi
  fi
  record "$key.peak_rss_kib" "$(rss_kib "$wd_pid" VmHWM)"
  cp "$work/stream.err" "$logs/$label-$name.curl.txt"
  status=$(grep -o 'status=[0-9]*' "$work/stream.err" | tail -n 1 || true)
  seconds=$(grep -o 'seconds=[0-9.]*' "$work/stream.err" | tail -n 1 || true)
  record "$key.status" "${status#status=}"
  record "$key.seconds" "${seconds#seconds=}"
  stop_watchdog
}

# measure_uploads label: `uploads` concurrent uploads of upload_bytes each to `wc -c`; the peak RSS
# above idle, divided by the uploads in flight, is what one in-flight upload costs the watchdog.
measure_uploads() {
  local label=$1
  local key="wd.$label.uploads" line
  echo "bench: $label, $uploads concurrent uploads of $((upload_bytes / 1024 / 1024)) MiB" >&2
  if ! start_watchdog "$binary_under_test" "$label-uploads" "wc -c"; then record "$key.ok" 0; return 0; fi
  sleep 0.3 # as for idle RSS: let start-up allocations settle
  record "$key.idle_rss_kib" "$(rss_kib "$wd_pid" VmRSS)"
  reset_peak_rss "$wd_pid" || true
  line=$("$tools/upload_burst" "$wd_port" "$uploads" "$upload_bytes" 2>&1 | tail -n 1) || line=''
  echo "$line" >"$logs/$label-uploads.txt"
  record_pairs "$key" "$line"
  record "$key.bytes" "$upload_bytes"
  record "$key.peak_rss_kib" "$(rss_kib "$wd_pid" VmHWM)"
  stop_watchdog
}

measure_watchdog() { # label original-path snapshot
  local label=$1
  binary_under_test=$3
  record "wd.$label.binary" "$2"
  record "wd.$label.size_bytes" "$(stat -L -c %s "$binary_under_test")"
  measure_throughput "$label" "$binary_under_test" || return 1
  [[ $label == fwatchdog ]] && measure_ceiling after
  measure_first_response "$label" "$binary_under_test"
  measure_stream "$label" classic_in classic in
  measure_stream "$label" streaming_in streaming in
  measure_stream "$label" classic_out classic out
  measure_stream "$label" streaming_out streaming out
  measure_uploads "$label"
}

# --- mode=http: the proxy hop -----------------------------------------------------------------------
# Two upstreams, each started by the watchdog itself as its fprocess (the mode's real start-up path):
# one nginx `return 200` server (it must serve >= 40,000 req/s directly here, or the ratio flatters the
# proxy; it reads and discards a request body) and the Go echo server bench/echo_upstream.go (answers
# with the body it read, so a POST exercises forwarding both ways). Each is measured directly, through
# fwatchdog mode=http, through nginx as a reverse proxy (one worker, keep-alive upstream pool: the
# reference for what a proxy hop costs on these cores) and, with OF_WATCHDOG, through the Go
# of-watchdog in mode=http. nginx `return 200`: wrk GET and POST 11 B; echo: POST 11 B. Each proxied
# run records the proxy's own CPU (utime+stime from /proc/PID/stat: all the watchdog's threads; the
# nginx proxy's one worker) and its peak RSS over that run (VmHWM, reset first).
http_body_bytes=11
nginx_config() { # file prefix-dir: the shared part of both nginx configurations, then the server block
  local file=$1 prefix=$2
  mkdir -p "$prefix"
  cat >"$file" <<NGINX
worker_processes 1;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $prefix; proxy_temp_path $prefix; fastcgi_temp_path $prefix;
  uwsgi_temp_path $prefix; scgi_temp_path $prefix;
NGINX
}

# CPU clock ticks of one process's own threads (utime + stime), without reaped children.
own_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; } # something answers a connect there

wait_for_200() { # port: up to 10 s for a 200 to a GET (a proxy may be up before its upstream)
  for _ in $(seq 1 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$1/" || true) == 200 ]] && return 0
    sleep 0.1
  done
  return 1
}

# stop_http_watchdog: stop_watchdog, then end by PID any child it left (its fprocess) within 5 s.
stop_http_watchdog() {
  local children child
  children=$(ps -o pid= --ppid "$wd_pid" 2>/dev/null || true)
  stop_watchdog
  for child in $children; do
    for _ in $(seq 1 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$child" 2>/dev/null; then
      echo "bench: a watchdog left its fprocess $child running; ending it" >&2
      kill -TERM "$child" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$child" 2>/dev/null || true
    fi
  done
}

# http_run key port method seconds [pid]: one wrk run at 64 connections (post.lua: GET, or POST of
# http_body_bytes); with a pid, that process's CPU over the run and its peak RSS are recorded too.
http_run() {
  local key=$1 port=$2 method=$3 seconds=$4 pid=${5:-} line before=0
  echo "bench: mode=http, $key, wrk $method 64 connections, ${seconds}s" >&2
  if [[ -n $pid ]]; then reset_peak_rss "$pid" || true; before=$(own_ticks "$pid"); fi
  line=$(BENCH_METHOD=$method BENCH_BODY_BYTES=$http_body_bytes wrk -t2 -c64 -d"${seconds}s" --timeout 10s --latency \
    -s "$bench/post.lua" "http://127.0.0.1:$port/" 2>&1 | tee "$logs/http-${key//./-}.wrk.txt" \
    | grep '^WRK_RESULT' | sed 's/^WRK_RESULT //') || line=''
  record_pairs "http.$key" "$line"
  record "http.$key.method" "$method"
  if [[ -n $pid ]]; then
    record "http.$key.cpu_seconds" \
      "$(awk -v a="$before" -v b="$(own_ticks "$pid")" -v hz="$clock_ticks_per_second" 'BEGIN { print (b - a) / hz }')"
    record "http.$key.peak_rss_kib" "$(rss_kib "$pid" VmHWM)"
  fi
}

http_warmup() { # name port method: 1 s of wrk, not recorded
  BENCH_METHOD=$3 BENCH_BODY_BYTES=$http_body_bytes wrk -t2 -c64 -d1s -s "$bench/post.lua" "http://127.0.0.1:$2/" \
    >"$logs/http-warmup-$1.wrk.txt" 2>&1 || true
}

echo_check() { # key port: POST "hello world" (11 B); records 1 when exactly that came back with a 200
  local answer
  answer=$(curl -s --max-time 5 -H 'Content-Type: text/plain' --data-binary 'hello world' -w ' %{http_code}' \
    "http://127.0.0.1:$2/" || true)
  if [[ $answer == 'hello world 200' ]]; then record "http.echo.check.$1" 1; else
    record "http.echo.check.$1" 0; record "http.echo.check.$1_detail" "got '${answer:0:40}'"; fi
}

# measure_of_watchdog upstream-key fprocess upstream-port methods...: the Go of-watchdog in mode=http
# in front of a fresh instance of the same upstream (on the same port, once the last one has gone).
measure_of_watchdog() {
  local key=$1 fprocess=$2 port=$3 prefix method
  shift 3
  [[ -n $of_watchdog_snapshot ]] || return 0
  # Keys as for fwatchdog: http.ofwatchdog (GET), http.post.ofwatchdog, http.echo.ofwatchdog.
  if [[ $key == get ]]; then prefix=http.ofwatchdog; else prefix=http.$key.ofwatchdog; fi
  # of-watchdog binds its metrics server to :8081, a fixed port on every interface (no setting moves it).
  if port_in_use 8081; then
    record "$prefix.error" "port 8081 (of-watchdog's fixed metrics port) is in use; of-watchdog not run"; return 0
  fi
  for _ in $(seq 1 50); do port_in_use "$port" || break; sleep 0.1; done
  if port_in_use "$port"; then record "$prefix.error" "upstream port $port still taken; of-watchdog not run"; return 0; fi
  if ! start_watchdog "$of_watchdog_snapshot" "of-watchdog-$key" "$fprocess" mode=http \
    upstream_url="http://127.0.0.1:$port"; then
    record "$prefix.error" "of-watchdog mode=http did not start"; [[ -n $wd_pid ]] && stop_http_watchdog; return 0
  fi
  wait_for_200 "$wd_port" || true
  [[ $key == echo ]] && echo_check ofwatchdog "$wd_port"
  http_warmup "of-watchdog-$key" "$wd_port" "$1"
  for method in "$@"; do
    if [[ $method == GET ]]; then http_run ofwatchdog "$wd_port" GET "$duration" "$wd_pid"
    elif [[ $key == get ]]; then http_run post.ofwatchdog "$wd_port" POST "$post_seconds" "$wd_pid"
    else http_run "$key.ofwatchdog" "$wd_port" POST "$post_seconds" "$wd_pid"; fi
  done
  stop_http_watchdog
}

measure_http_mode() { # binary
  local binary=$1 up_port proxy_port echo_port echo_proxy_port chunk_port nginx_pid worker_pid line download_bytes
  local up_fprocess echo_fprocess
  post_seconds=$(( short_mode ? 1 : duration )) # the smoke run keeps the POST rows to a second each
  command -v nginx >/dev/null || apt_install nginx-light
  read -r up_port proxy_port < <(two_free_ports)
  read -r echo_port echo_proxy_port < <(two_free_ports)
  chunk_port=$("$tools/free_port")
  record http.body_bytes "$http_body_bytes"
  if [[ -n $of_watchdog_snapshot ]]; then record http.ofwatchdog_binary "$of_watchdog"
  elif [[ -n $of_watchdog ]]; then record http.ofwatchdog.error "OF_WATCHDOG=$of_watchdog is not executable"; fi
  record http.post_seconds "$post_seconds"
  download_bytes=$(( short_mode ? 64 * 1024 * 1024 : 384 * 1024 * 1024 ))
  record http.download.bytes_expected "$download_bytes"
  # Worker processes may run as nobody: the files they serve must be world-readable.
  chmod 755 "$work"
  truncate -s "$download_bytes" "$work/download.bin" && chmod 644 "$work/download.bin"

  nginx_config "$work/upstream.conf" "$work/nginx-upstream"
  cat >>"$work/upstream.conf" <<NGINX
  server {
    listen 127.0.0.1:$up_port;
    location / { return 200 "ok\n"; }
    location = /download { alias $work/download.bin; default_type application/octet-stream; }
  }
}
NGINX
  nginx_config "$work/proxy.conf" "$work/nginx-proxy"
  cat >>"$work/proxy.conf" <<NGINX
  upstream function { server 127.0.0.1:$up_port; keepalive 64; }
  upstream echo { server 127.0.0.1:$echo_port; keepalive 64; }
  server {
    listen 127.0.0.1:$proxy_port;
    location / { proxy_pass http://function; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$echo_proxy_port;
    location / { proxy_pass http://echo; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  up_fprocess="nginx -c $work/upstream.conf -p $work/nginx-upstream"

  # 1. nginx `return 200`: GET and POST 11 B, directly, through fwatchdog, through nginx.
  if ! start_watchdog "$binary" http-mode "$up_fprocess" mode=http upstream_url="http://127.0.0.1:$up_port"; then
    record http.error "fwatchdog mode=http did not start"; return 1
  fi
  nginx -c "$work/proxy.conf" -p "$work/nginx-proxy" >"$logs/nginx-proxy.log" 2>&1 &
  nginx_pid=$!
  started_pids+=("$nginx_pid")
  wait_for_200 "$wd_port" || true
  wait_for_200 "$proxy_port" || true
  worker_pid=$(ps -o pid= --ppid "$nginx_pid" | awk 'NR == 1 { print $1 }')
  [[ -n $worker_pid ]] || record http.nginx.error "no nginx proxy worker found: its CPU is not measured"

  echo "bench: mode=http, wrk warm-up 1s each" >&2
  http_warmup fwatchdog "$wd_port" GET
  http_warmup nginx "$proxy_port" GET
  http_run direct "$up_port" GET "$duration"
  http_run fwatchdog "$wd_port" GET "$duration" "$wd_pid"
  http_run nginx "$proxy_port" GET "$duration" "$worker_pid"
  http_run post.direct "$up_port" POST "$post_seconds"
  http_run post.fwatchdog "$wd_port" POST "$post_seconds" "$wd_pid"
  http_run post.nginx "$proxy_port" POST "$post_seconds" "$worker_pid"

  echo "bench: mode=http, $((download_bytes / 1024 / 1024)) MiB download" >&2
  reset_peak_rss "$wd_pid" || true
  line=$(curl -sS -o /dev/null --max-time 600 -w 'status=%{http_code} bytes=%{size_download} seconds=%{time_total}' \
    "http://127.0.0.1:$wd_port/download" 2>"$logs/http-download.curl.txt") || true
  record_pairs http.download "$line"
  record http.download.peak_rss_kib "$(rss_kib "$wd_pid" VmHWM)"
  stop_http_watchdog

  measure_of_watchdog get "$up_fprocess" "$up_port" GET POST

  # 2. The Go echo server: POST 11 B, directly, through fwatchdog, through nginx (and of-watchdog).
  if ! command -v go >/dev/null; then
    record http.echo.error "no go on PATH (apt-get install golang-go): Go echo upstream rows skipped"
  elif ! (cd "$bench" && GO111MODULE=off GOCACHE="$work/go-cache" GOPATH="$work/gopath" \
    go build -o "$tools/echo_upstream" echo_upstream.go) >"$logs/echo-build.log" 2>&1; then
    record http.echo.error "go build of bench/echo_upstream.go failed (see echo-build.log): rows skipped"
  else
    echo_fprocess="$tools/echo_upstream $echo_port"
    if start_watchdog "$binary" http-echo "$echo_fprocess" mode=http upstream_url="http://127.0.0.1:$echo_port"; then
      wait_for_200 "$wd_port" || true
      echo_check direct "$echo_port"
      echo_check fwatchdog "$wd_port"
      echo_check nginx "$echo_proxy_port"
      http_warmup echo-fwatchdog "$wd_port" POST
      http_warmup echo-nginx "$echo_proxy_port" POST
      http_run echo.direct "$echo_port" POST "$post_seconds"
      http_run echo.fwatchdog "$wd_port" POST "$post_seconds" "$wd_pid"
      http_run echo.nginx "$echo_proxy_port" POST "$post_seconds" "$worker_pid"
      stop_http_watchdog
      measure_of_watchdog echo "$echo_fprocess" "$echo_port" POST
    else
      record http.echo.error "fwatchdog mode=http with the echo upstream did not start"
      [[ -n $wd_pid ]] && stop_http_watchdog
    fi
  fi
  stop_started "$nginx_pid"

  echo "bench: mode=http, first flushed chunk" >&2
  if start_watchdog "$binary" http-first-chunk "$python $bench/first_chunk.py serve $chunk_port" mode=http \
    upstream_url="http://127.0.0.1:$chunk_port"; then
    record_pairs http.first_chunk.direct "$("$python" "$bench/first_chunk.py" measure "$chunk_port" 5 || true)"
    record_pairs http.first_chunk.fwatchdog "$("$python" "$bench/first_chunk.py" measure "$wd_port" 5 || true)"
    stop_watchdog
  fi
}

# --- jwt_auth: what checking a token costs per call ------------------------------------------------
# Two mode=http watchdogs, each with its own nginx `return 200` upstream as fprocess: one without
# jwt_auth (the reference) and one with jwt_auth_local=true, whose gateway documents (discovery and
# JWKS) auth_tokens.py serves on 127.0.0.1:8000 until that watchdog has loaded them. Measured with wrk
# GET at 64 connections (auth.lua: one Authorization header per request, the same script for every
# run), `rounds` times in turn: reference, cached (one token reused), rs256 and es256 (a new token
# on nearly every call, so each pays its signature check). The reference gets the same token, which
# it forwards unread: the difference is the checking, not the header's bytes.
auth_function=bench:auth # namespace:name, as the tokens' "function" claim grants it

auth_wrk() { # key port tokens-file seconds: one wrk run; records the WRK_RESULT pairs under key
  local line
  line=$(BENCH_TOKENS=$3 BENCH_THREADS=2 wrk -t2 -c64 -d"$4s" --timeout 10s --latency -s "$bench/auth.lua" \
    "http://127.0.0.1:$2/" 2>&1 | tee "$logs/$1.wrk.txt" | grep '^WRK_RESULT' | sed 's/^WRK_RESULT //') || line=''
  record_pairs "$1" "$line"
}

auth_status() { # port [token-file]: the HTTP status of one GET, with the file's first token if given
  local header=()
  [[ -n ${2:-} ]] && header=(-H "Authorization: Bearer $(head -n 1 "$2")")
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${header[@]}" "http://127.0.0.1:$1/" || true
}

measure_auth() { # binary
  local binary=$1 dir=$work/auth count line gateway_pid plain_pid plain_port jwt_pid jwt_port
  local plain_up jwt_up which up round variant pid port tokens ticks_before rounds=2
  command -v nginx >/dev/null || apt_install nginx-light
  command -v openssl >/dev/null || apt_install openssl
  count=$((short_mode ? 2304 : 4096)) # > 2 x 1024: more than the cache holds per wrk thread
  mkdir -p "$dir"
  echo "bench: jwt_auth, an RSA 2048 and a P-256 key, $count tokens each" >&2
  if ! line=$("$python" "$bench/auth_tokens.py" prepare "$dir" "$auth_function" "$count" 2>"$logs/auth-tokens.log"); then
    record auth.error "auth_tokens.py prepare failed (see auth-tokens.log); section skipped"
    return 0
  fi
  record_pairs auth.tokens "$line"
  head -n 1 "$dir/rs256.tokens" >"$dir/one.token"

  read -r plain_up jwt_up < <(two_free_ports)
  for which in plain jwt; do
    if [[ $which == plain ]]; then up=$plain_up; else up=$jwt_up; fi
    nginx_config "$work/auth-$which.conf" "$work/nginx-auth-$which"
    cat >>"$work/auth-$which.conf" <<NGINX
  server {
    listen 127.0.0.1:$up;
    location / { return 200 "ok\n"; }
  }
}
NGINX
  done

  if ! start_watchdog "$binary" auth-plain "nginx -c $work/auth-plain.conf -p $work/nginx-auth-plain" \
    mode=http upstream_url="http://127.0.0.1:$plain_up"; then
    record auth.error "fwatchdog mode=http (no jwt_auth) did not start"; return 1
  fi
  plain_pid=$wd_pid plain_port=$wd_port

  # jwt_auth_local=true fetches from 127.0.0.1:8000, a fixed port: when something else holds it, the
  # section is skipped, never the bench failed. The gateway runs only until the watchdog has the keys
  # (it refetches every 10 minutes or for an unknown kid, neither of which happens here).
  "$python" "$bench/auth_tokens.py" serve "$dir" >"$dir/gateway.out" 2>"$logs/auth-gateway.log" &
  gateway_pid=$!
  started_pids+=("$gateway_pid")
  for _ in $(seq 1 100); do
    [[ -s $dir/gateway.out ]] && break
    kill -0 "$gateway_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ $(head -n 1 "$dir/gateway.out") != serving ]]; then
    record auth.error "gateway on 127.0.0.1:8000: $(head -n 1 "$dir/gateway.out" || true); section skipped"
    stop_started "$gateway_pid"; stop_started "$plain_pid"
    return 0
  fi
  if ! start_watchdog "$binary" auth-jwt "nginx -c $work/auth-jwt.conf -p $work/nginx-auth-jwt" \
    mode=http upstream_url="http://127.0.0.1:$jwt_up" \
    jwt_auth=true jwt_auth_local=true OPENFAAS_NAME="${auth_function#*:}" OPENFAAS_NAMESPACE="${auth_function%%:*}"; then
    record auth.error "fwatchdog mode=http jwt_auth=true did not start (keys not loaded?)"
    stop_started "$gateway_pid"; stop_started "$plain_pid"
    return 1
  fi
  jwt_pid=$wd_pid jwt_port=$wd_port
  stop_started "$gateway_pid"
  record auth.gateway_requests "$(grep -c '^gateway: GET' "$logs/auth-gateway.log" || true)"

  # The answers the figures rely on: the door is shut without a token or with a forged one, and
  # opens for each kind of token; the reference answers 200 to the same header.
  record auth.check.reference_token "$(auth_status "$plain_port" "$dir/one.token")"
  record auth.check.no_token "$(auth_status "$jwt_port")"
  record auth.check.forged_token "$(auth_status "$jwt_port" "$dir/forged.token")"
  record auth.check.rs256_token "$(auth_status "$jwt_port" "$dir/rs256.tokens")"
  record auth.check.es256_token "$(auth_status "$jwt_port" "$dir/es256.tokens")"

  echo "bench: jwt_auth, wrk warm-up 1s each" >&2
  for which in "plain $plain_port one.token" "jwt $jwt_port rs256.tokens"; do
    read -r which port tokens <<<"$which"
    BENCH_TOKENS=$dir/$tokens BENCH_THREADS=2 wrk -t2 -c64 -d1s -s "$bench/auth.lua" "http://127.0.0.1:$port/" \
      >"$logs/auth-warmup-$which.wrk.txt" 2>&1 || true
  done
  reset_peak_rss "$plain_pid" || true
  reset_peak_rss "$jwt_pid" || true
  for round in $(seq 1 "$rounds"); do
    for variant in reference cached rs256 es256; do
      case $variant in
        reference) pid=$plain_pid port=$plain_port tokens=$dir/one.token ;;
        cached) pid=$jwt_pid port=$jwt_port tokens=$dir/one.token ;;
        *) pid=$jwt_pid port=$jwt_port tokens=$dir/$variant.tokens ;;
      esac
      echo "bench: jwt_auth, round $round of $rounds, $variant, wrk GET 64 connections, ${duration}s" >&2
      ticks_before=$(cpu_ticks "$pid")
      auth_wrk "auth.$variant.r$round" "$port" "$tokens" "$duration"
      record "auth.$variant.r$round.cpu_seconds" \
        "$(awk -v a="$ticks_before" -v b="$(cpu_ticks "$pid")" -v hz="$clock_ticks_per_second" 'BEGIN { print (b - a) / hz }')"
    done
  done
  record auth.rounds "$rounds"
  record auth.reference.peak_rss_kib "$(rss_kib "$plain_pid" VmHWM)"
  record auth.jwt.peak_rss_kib "$(rss_kib "$jwt_pid" VmHWM)"
  stop_started "$jwt_pid"
  stop_started "$plain_pid"
  wd_pid=''
}

# --- run -----------------------------------------------------------------------------------------
started_at=$(date +%s)
record meta.date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
record meta.duration_s "$duration"
record meta.short_mode "$short_mode"
record meta.stream_bytes "$stream_bytes"
record meta.body_bytes "$body_bytes"
record meta.cores "$(nproc)"
record meta.cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
record meta.kernel "$(uname -r)"
record meta.commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
record meta.wrk "$(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }')"

expected_sha512=$(head -c "$stream_bytes" /dev/zero | sha512sum | awk '{ print $1 }')

record meta.loadavg_start "$(cut -d' ' -f1 /proc/loadavg)"
if [[ -n ${BENCH_ONLY:-} ]]; then
  exit_code=0
  if [[ $BENCH_ONLY == http ]]; then measure_http_mode "$binary_snapshot" || exit_code=1
  else measure_auth "$binary_snapshot" || exit_code=1; fi
  record meta.loadavg_end "$(cut -d' ' -f1 /proc/loadavg)"
  record meta.elapsed_s "$(($(date +%s) - started_at))"
  cp "$results" "$logs/results.txt"
  cat "$results"
  "$python" "$bench/report.py" --only="$BENCH_ONLY" "$results" || true
  exit "$exit_code"
fi
measure_ceiling before
exit_code=0
measure_watchdog fwatchdog "$binary" "$binary_snapshot" || exit_code=1
measure_http_mode "$binary_snapshot" || exit_code=1
measure_auth "$binary_snapshot" || exit_code=1
if [[ -n $compare_binary ]]; then
  if [[ -x $compare_binary ]]; then measure_watchdog compare "$compare_binary" "$compare_snapshot" || true
  else echo "bench: FWATCHDOG_COMPARE_BINARY=$compare_binary is not executable; skipped" >&2; fi
fi
record meta.loadavg_end "$(cut -d' ' -f1 /proc/loadavg)"
record meta.elapsed_s "$(($(date +%s) - started_at))"

cp "$results" "$logs/results.txt"
"$python" "$bench/report.py" "$results" "$artifacts/bench.json"
"$python" "$bench/chart.py" "$artifacts/bench.json" "$artifacts/bench.svg"
exit "$exit_code"

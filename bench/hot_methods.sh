#!/usr/bin/env bash
# Regenerates watchdog/src/Fwatchdog/hot-methods.txt: the managed methods the watchdog runs from
# start to shutdown (classic and streaming mode: start-up, function calls, /_/health, /_/ready,
# /metrics, a burst of concurrent calls, SIGTERM), hottest first. Fwatchdog.csproj hands the file to
# the AOT compiler as the order of its code, so the code that runs sits together and a start touches
# ~1.5 MiB of code pages instead of nearly all 3.7 MiB (each page fault maps 64 KiB around it).
# Methods that are renamed or newly added after a regeneration just go back to the default order:
# nothing breaks, the benefit fades. Rerun after larger changes and commit the result.
#
# usage: bash bench/hot_methods.sh          (needs valgrind: apt-get install valgrind)
# Builds an unstripped copy under artifacts/hot-methods/, runs it under callgrind on 127.0.0.1 only
# and ends every process it started by its PID.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$root/artifacts/hot-methods
output=$root/watchdog/src/Fwatchdog/hot-methods.txt
command -v valgrind >/dev/null || { echo "hot_methods: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work/tmp"
# Symbols kept so callgrind can name functions; the debug info is dropped because valgrind cannot
# read the DWARF 5 the toolchain writes. The current order file is left out, so the profile does
# not depend on it.
dotnet publish "$root/watchdog/src/Fwatchdog/Fwatchdog.csproj" --nologo -c Release -p:PublishAot=true \
  -p:StripSymbols=false -p:IlcOrderFile= --artifacts-path "$work/build" -o "$work/publish" >"$work/publish.log"
objcopy --strip-debug "$work/publish/fwatchdog" "$work/fwatchdog"
cc -O2 -o "$work/free_port" "$root/bench/free_port.c"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_until() { # tries command... up to ~60 s (valgrind starts slowly)
  local _
  for _ in $(seq 1 300); do "$@" && return 0; sleep 0.2; done
  return 1
}
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true; }
answers_call() { [[ $(status_of -d hi "$1") == 200 ]]; }

profile() { # mode
  local mode=$1 port metrics pid i
  port=$("$work/free_port") metrics=$("$work/free_port")
  env port="$port" metrics_port="$metrics" fprocess=cat mode="$mode" TMPDIR="$work/tmp" \
    healthcheck_interval=1s write_timeout=5s \
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$mode" "$work/fwatchdog" \
    >"$work/$mode.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_until answers_call "http://127.0.0.1:$port/" ||
    { echo "hot_methods: the watchdog did not answer in $mode mode; see $work/$mode.log" >&2; exit 1; }
  for i in $(seq 1 20); do status_of -d "call $i" "http://127.0.0.1:$port/" >/dev/null; done
  for i in $(seq 1 5); do status_of "http://127.0.0.1:$port/?q=$i" >/dev/null; done
  status_of "http://127.0.0.1:$port/_/health" >/dev/null
  status_of "http://127.0.0.1:$port/_/ready" >/dev/null
  status_of "http://127.0.0.1:$metrics/metrics" >/dev/null
  # Concurrent calls: connection churn, more thread-pool workers, garbage collections.
  seq 1 64 | xargs -P 16 -I{} curl -s -o /dev/null --max-time 30 -d "burst {}" "http://127.0.0.1:$port/"
  kill -TERM "$pid"
  wait "$pid" || true
}

profile classic
profile streaming
python3 "$root/bench/hot_methods.py" "$work/callgrind.classic" "$work/callgrind.streaming" >"$output"
echo "hot_methods: wrote $(wc -l <"$output") names to $output"

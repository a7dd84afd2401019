#!/usr/bin/env bash
# What one request costs the csharp template's handler when the watchdog forks it, compiled two
# ways from the same source: Native AOT (what the template ships) and an ordinary JIT-started
# build (framework-dependent, the runtime starts and compiles on every fork).
# Prints a Markdown table for template/csharp-fwatchdog/README.md.
# Usage: classic-templates/bench/csharp-fork-cost.sh [REQUESTS]   (needs artifacts/fwatchdog, curl)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
requests=${1:-200}
watchdog=${FWATCHDOG_BINARY:-$repo/artifacts/fwatchdog}
[[ -x "$watchdog" ]] || { echo "no watchdog at $watchdog: run ./build.sh --target=Publish" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/csharp-fork-cost.XXXXXX")
watchdog_pid=
cleanup() { [[ -n "$watchdog_pid" ]] && kill "$watchdog_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cp -r "$repo/classic-templates/template/csharp-fwatchdog" "$work/src"
echo '<Project />' >"$work/src/Directory.Build.props" # keep this repository's props out
dotnet publish "$work/src/App.csproj" -c Release -o "$work/aot" >"$work/aot.log" 2>&1 || { cat "$work/aot.log"; exit 1; }
# The same program as an ordinary framework-dependent app: no AOT, the JIT compiles at start-up.
dotnet publish "$work/src/App.csproj" -c Release -o "$work/jit" -p:PublishAot=false -p:SelfContained=false \
  >"$work/jit.log" 2>&1 || { cat "$work/jit.log"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the watchdog for one fprocess and prints "median p90 mean" per request in milliseconds.
measure() {
  local fprocess=$1 port metrics log
  port=$(free_port); metrics=$(free_port); log=$work/watchdog-$port.log
  fprocess=$fprocess port=$port metrics_port=$metrics "$watchdog" >"$log" 2>&1 &
  watchdog_pid=$!
  for _ in $(seq 1 100); do grep -q "Listening on port: $port" "$log" && break; sleep 0.1; done
  grep -q "Listening on port: $port" "$log" || { cat "$log" >&2; exit 1; }
  # One curl for all requests (one kept-alive connection, no curl start-up in the figures);
  # -o applies to one URL only, hence a pair per request.
  local transfers=()
  for _ in $(seq 1 "$requests"); do transfers+=(-o /dev/null "http://127.0.0.1:$port/"); done
  curl -s --data world -o /dev/null "http://127.0.0.1:$port/" # first fork warms the page cache
  curl -s --data world -w '%{http_code} %{time_total}\n' "${transfers[@]}" >"$work/times"
  if grep -qv '^200 ' "$work/times"; then echo "a request failed:" >&2; grep -v '^200 ' "$work/times" | head -3 >&2; exit 1; fi
  cut -d' ' -f2 "$work/times" | sort -n \
    | awk '{ t[NR] = $1 * 1000; sum += t[NR] } END { printf "%.1f %.1f %.1f", t[int(NR/2)+1], t[int(NR*0.9)], sum/NR }'
  kill "$watchdog_pid" || { echo "the watchdog died during the run; its log:" >&2; cat "$log" >&2; exit 1; }
  wait "$watchdog_pid" 2>/dev/null || true; watchdog_pid=
}

aot=$(measure "$work/aot/handler")
jit=$(measure "$work/jit/handler")
read -r aot_median aot_p90 aot_mean <<<"$aot"
read -r jit_median jit_p90 jit_mean <<<"$jit"
echo "| handler build | median | p90 | mean |"
echo "|---|---|---|---|"
echo "| Native AOT (template) | ${aot_median} ms | ${aot_p90} ms | ${aot_mean} ms |"
echo "| JIT, framework-dependent | ${jit_median} ms | ${jit_p90} ms | ${jit_mean} ms |"
echo
echo "$requests sequential requests each through fwatchdog on loopback, $(nproc) cores, .NET SDK $(dotnet --version)."

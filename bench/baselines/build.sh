#!/usr/bin/env bash
# AOT-publishes the CliWrap baseline watchdog to artifacts/baselines/cliwrap-watchdog (a static
# linux-x64 executable, built like artifacts/fwatchdog). Intermediate files go under
# artifacts/baselines/build, so nothing lands in the source tree and no binary is committed.
#
# usage: bash bench/baselines/build.sh
# then:  FWATCHDOG_COMPARE_BINARY=artifacts/baselines/cliwrap-watchdog bash bench/run.sh [seconds]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/artifacts/baselines

mkdir -p "$out"
dotnet publish "$here/CliWrapWatchdog/CliWrapWatchdog.csproj" --nologo -c Release -p:PublishAot=true \
  --artifacts-path "$out/build" -o "$out/build/publish-cliwrap"
install -m 755 "$out/build/publish-cliwrap/cliwrap-watchdog" "$out/cliwrap-watchdog"
echo "built $out/cliwrap-watchdog ($(stat -c %s "$out/cliwrap-watchdog") bytes)"

#!/usr/bin/env bash
# Lays out the release assets in artifacts/release: fwatchdog-<arch> for every released
# architecture, the Go watchdogs' names, each with fwatchdog-<arch>.sha256 (`sha256sum -c` reads
# it). Each binary comes from artifacts/linux-<arch>/fwatchdog (./build.sh --target=Publish, and
# --arch=arm64) and must be an ELF executable for that architecture that reports this checkout's
# version: run natively or under qemu-user-static (scripts/prerequisites.sh installs it).
# Usage: scripts/release-assets.sh
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

version=$("$repo/scripts/version.sh")
out=$repo/artifacts/release
rm -rf "$out"
mkdir -p "$out"

# ELF e_machine (bytes 18-19, little-endian) and the name uname -m / qemu use, per Docker arch.
elf_machine() { case $1 in amd64) echo "3e 00" ;; arm64) echo "b7 00" ;; *) fail "no ELF machine known for $1" ;; esac; }
machine_name() { case $1 in amd64) echo x86_64 ;; arm64) echo aarch64 ;; *) fail "no machine name known for $1" ;; esac; }

for arch in "${release_architectures[@]}"; do
  binary=$repo/artifacts/linux-$arch/fwatchdog
  publish="./build.sh --target=Publish"; [[ $arch == amd64 ]] || publish+=" --arch=$arch"
  [[ -x $binary ]] || fail "no executable $binary: run $publish first"
  [[ $(head -c 4 "$binary" | od -An -c | tr -d ' ') == '177ELF' ]] || fail "$binary is not an ELF executable: run $publish again"
  machine=$(od -An -tx1 -j18 -N2 "$binary" | xargs)
  [[ $machine == "$(elf_machine "$arch")" ]] ||
    fail "$binary is built for another architecture (ELF machine $machine): run $publish again"

  runner=()
  if [[ $(uname -m) != "$(machine_name "$arch")" ]]; then
    runner=("qemu-$(machine_name "$arch")-static")
    command -v "${runner[0]}" >/dev/null || fail "${runner[0]} is missing to run the $arch binary: run scripts/prerequisites.sh"
  fi
  reported=$("${runner[@]}" "$binary" --version) || fail "$binary --version failed: $reported"
  [[ $reported == "Version: $version"$'\t'* ]] ||
    fail "$binary reports \"$reported\", not version $version: publish again from this checkout"

  cp "$binary" "$out/fwatchdog-$arch"
  chmod 0755 "$out/fwatchdog-$arch"
  (cd "$out" && sha256sum "fwatchdog-$arch" >"fwatchdog-$arch.sha256")
  echo "release-assets: fwatchdog-$arch $version ($(du -k "$binary" | cut -f1) KiB) $(cut -c1-16 "$out/fwatchdog-$arch.sha256")..."
done

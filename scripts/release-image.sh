#!/usr/bin/env bash
# Builds the multi-arch watchdog image from the release assets (artifacts/release, made by
# scripts/release-assets.sh) with docker/release.Dockerfile: `docker buildx build --platform
# linux/amd64,linux/arm64`, tagged <release_image>:X.Y.Z, and :latest unless a newer release tag
# exists. The image holds exactly the bytes of the released binaries: their checksums are verified
# first. No compiler runs here. Multi-platform builds need a docker-container buildx builder
# (`docker buildx create --use`; the release workflow's setup-buildx-action makes one).
#   scripts/release-image.sh          build both platforms into the builder's cache (a dry run)
#   scripts/release-image.sh --push   build and push (after `docker login ghcr.io`); release versions only
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

push=false
if [[ ${1:-} == --push ]]; then push=true; shift; fi
(($# == 0)) || fail "usage: scripts/release-image.sh [--push]"
version=$("$repo/scripts/version.sh")
if $push && [[ ! $version =~ $release_version_pattern ]]; then
  fail "version $version is not a release: push images from a vX.Y.Z tag (README \"Releases\")"
fi
docker buildx version >/dev/null 2>&1 || fail "docker buildx is missing: install the buildx plugin (the release workflow sets it up)"

assets=$repo/artifacts/release
context=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-release-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
platforms=()
for arch in "${release_architectures[@]}"; do
  [[ -f $assets/fwatchdog-$arch.sha256 ]] || fail "no $assets/fwatchdog-$arch.sha256: run scripts/release-assets.sh first"
  (cd "$assets" && sha256sum --check --quiet "fwatchdog-$arch.sha256") || fail "$assets/fwatchdog-$arch does not match its checksum"
  mkdir -p "$context/artifacts/linux-$arch"
  cp "$assets/fwatchdog-$arch" "$context/artifacts/linux-$arch/fwatchdog"
  chmod 0755 "$context/artifacts/linux-$arch/fwatchdog" # artifact downloads lose the mode
  platforms+=("linux/$arch")
done

names=("$release_image:$version")
newest=$(git -C "$repo" tag --list 'v[0-9]*' --sort=-version:refname | sed -n 's/^v//p' | grep -E "$release_version_pattern" | head -n 1 || true)
if [[ $version == "$newest" ]]; then names+=("$release_image:latest"); fi
tags=()
for name in "${names[@]}"; do tags+=(-t "$name"); done
output=()
if $push; then output=(--push); fi
(
  IFS=,
  set -x
  docker buildx build --platform "${platforms[*]}" -f "$repo/docker/release.Dockerfile" \
    --build-arg VERSION="$version" --build-arg REVISION="$(git -C "$repo" rev-parse HEAD)" --build-arg SOURCE="$release_source" \
    "${tags[@]}" "${output[@]}" "$context"
)
echo "release-image: ${names[*]} for ${platforms[*]}$($push && echo ", pushed" || echo ", not pushed")"

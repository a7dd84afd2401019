#!/usr/bin/env bash
# Builds the fwatchdog:dev image from the locally published binary (artifacts/fwatchdog, or
# $FWATCHDOG_BINARY) through docker/Dockerfile's `prebuilt` stage, pulling no image. The build
# context is a temporary folder holding only that binary, so nothing else is sent to the engine.
# Called by `./build.sh --target=DockerImage` after Publish. Usage: docker/build-image.sh [TAG]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
docker_cli=${DOCKER_CLI:-/usr/bin/docker}
tag=${1:-fwatchdog:dev}
binary=${FWATCHDOG_BINARY:-$repo/artifacts/fwatchdog}
[[ -x "$binary" ]] || { echo "build-image: no executable at $binary; run ./build.sh --target=Publish first" >&2; exit 1; }

context=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
# The host's architecture, as Docker names it: fwatchdog:dev is always the host's image.
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) echo "build-image: unsupported machine $(uname -m)" >&2; exit 1 ;; esac
mkdir -p "$context/artifacts/linux-$arch"
cp "$binary" "$context/artifacts/linux-$arch/fwatchdog"
chmod 0755 "$context/artifacts/linux-$arch/fwatchdog"

previous=$("$docker_cli" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
# The classic builder keeps the build to the stages up to --target, the only way to skip the SDK.
# Labelled with this checkout's version and commit, as the binary Publish stamped them.
DOCKER_BUILDKIT=0 "$docker_cli" build --quiet --target prebuilt -f "$repo/docker/Dockerfile" \
  --build-arg TARGETARCH="$arch" \
  --build-arg VERSION="$("$repo/scripts/version.sh")" --build-arg REVISION="$(git -C "$repo" rev-parse HEAD)" \
  -t "$tag" "$context" >/dev/null
# The image this tag named before (an older binary) is left untagged: remove it unless in use.
current=$("$docker_cli" image inspect --format '{{.Id}}' "$tag")
if [[ -n "$previous" && "$previous" != "$current" ]]; then "$docker_cli" rmi "$previous" >/dev/null 2>&1 || true; fi
echo "build-image: $tag ($(du -k "$binary" | cut -f1) KiB binary)"

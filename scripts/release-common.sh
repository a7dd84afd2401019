# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file
# Sourced by the release scripts (not run): what a release publishes, under which names, and one
# way to fail. Everything else about a release comes from the git tag through scripts/version.sh.

# The image every template and README example copies /fwatchdog from (scripts/pin-version.sh).
release_image=ghcr.io/fwatchdog/fwatchdog
# Where the image's org.opencontainers.image.source label points (GitHub links the package to it).
release_source=https://github.com/fwatchdog/fwatchdog
# Docker's architecture names (TARGETARCH). Each binary comes from artifacts/linux-<arch>/fwatchdog
# (./build.sh --target=Publish, and --arch=arm64) and is released as fwatchdog-<arch>, the Go
# watchdogs' asset names.
release_architectures=(amd64 arm64)
# A release version: SemVer MAJOR.MINOR.PATCH; its tag is v<version>.
release_version_pattern='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

fail() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

#!/usr/bin/env bash
# Creates the GitHub release for tag vX.Y.Z with the assets of artifacts/release (the binaries and
# their .sha256 files) and the tag's CHANGELOG.md section as its text. Needs the gh CLI and
# GH_TOKEN (the release workflow gives both). Usage: scripts/github-release.sh vX.Y.Z
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

(($# == 1)) || fail "usage: scripts/github-release.sh vX.Y.Z"
tag=$1
version=${tag#v}
[[ $tag == v* && $version =~ $release_version_pattern ]] || fail "tag $tag is not vMAJOR.MINOR.PATCH"
command -v gh >/dev/null || fail "the gh CLI is missing (GitHub's runners have it)"
notes=$("$repo/scripts/release-notes.sh" "$version")
assets=()
for arch in "${release_architectures[@]}"; do
  assets+=("$repo/artifacts/release/fwatchdog-$arch" "$repo/artifacts/release/fwatchdog-$arch.sha256")
done
for asset in "${assets[@]}"; do [[ -f $asset ]] || fail "no $asset: run scripts/release-assets.sh first"; done

notes+=$'\n\n'"Image: \`$release_image:$version\` (linux/amd64, linux/arm64)."
gh release create "$tag" --verify-tag --title "fwatchdog $version" --notes "$notes" "${assets[@]}"

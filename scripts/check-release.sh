#!/usr/bin/env bash
# Before anything is built or published for tag vX.Y.Z: the tag is a release version, it is the
# version of this checkout, CHANGELOG.md describes it, and every template and example already
# points at the image this release pushes. Each failure says what to fix before tagging again.
# Usage: scripts/check-release.sh vX.Y.Z   (the release workflow passes $GITHUB_REF_NAME)
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

(($# == 1)) || fail "usage: scripts/check-release.sh vX.Y.Z"
tag=$1
version=${tag#v}
[[ $tag == v* && $version =~ $release_version_pattern ]] ||
  fail "tag $tag is not a release tag vMAJOR.MINOR.PATCH (e.g. v0.2.0); delete it and tag again"
described=$("$repo/scripts/version.sh")
[[ $described == "$version" ]] ||
  fail "this checkout is version $described, not $version: check out the tag itself with its history (actions/checkout fetch-depth: 0)"
"$repo/scripts/release-notes.sh" "$version" >/dev/null
"$repo/scripts/pin-version.sh" --check "$version" >/dev/null ||
  fail "templates and examples do not point at $release_image:$version: run scripts/pin-version.sh $version, commit, and move the tag"
echo "check-release: $tag is ready to publish"

#!/usr/bin/env bash
# Prints the CHANGELOG.md section of release X.Y.Z (the lines under "## [X.Y.Z] - YYYY-MM-DD"), the
# text of its GitHub release. Fails when the section is missing, undated or empty, so a tag cannot
# publish a release the CHANGELOG does not describe. Usage: scripts/release-notes.sh X.Y.Z
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

(($# == 1)) || fail "usage: scripts/release-notes.sh X.Y.Z"
version=$1
[[ $version =~ $release_version_pattern ]] || fail "$version is not MAJOR.MINOR.PATCH (no leading v), e.g. 0.2.0"
changelog=$repo/CHANGELOG.md
[[ -f $changelog ]] || fail "no CHANGELOG.md in $repo"

heading=$(grep -E "^## \[${version//./\\.}\]" "$changelog" || true)
[[ -n $heading ]] || fail "CHANGELOG.md has no section for $version: move the [Unreleased] entries under \"## [$version] - $(date -u +%F)\""
[[ $heading =~ ^'## ['"$version"'] - '[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] ||
  fail "CHANGELOG.md heading \"$heading\" has no release date: write \"## [$version] - $(date -u +%F)\""

notes=$(awk -v heading="$heading" '
  $0 == heading { inside = 1; next }
  inside && /^## / { exit }
  inside { print }
' "$changelog" | sed -e '/./,$!d') # drop the blank lines after the heading
[[ -n ${notes//[[:space:]]/} ]] || fail "CHANGELOG.md section $version is empty: list what changed"
printf '%s\n' "$notes"

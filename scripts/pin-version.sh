#!/usr/bin/env bash
# Points every template and example at one released watchdog image, <release_image>:X.Y.Z
# (release-common.sh): the `ARG WATCHDOG_IMAGE=` default and every tagged mention of the image in
# the repository's Dockerfiles, Markdown and YAML files, wherever they are (templates come and go;
# none is named here). CHANGELOG.md keeps the versions its history names.
# Run at release time, before tagging vX.Y.Z (README "Releases").
#   scripts/pin-version.sh X.Y.Z           rewrite the files
#   scripts/pin-version.sh --check X.Y.Z   list every line that does not point at X.Y.Z; exit 1 if any
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

check=false
if [[ ${1:-} == --check ]]; then check=true; shift; fi
(($# == 1)) || fail "usage: scripts/pin-version.sh [--check] X.Y.Z"
version=$1
[[ $version =~ $release_version_pattern ]] || fail "$version is not MAJOR.MINOR.PATCH (no leading v), e.g. 0.2.0"
pinned=$release_image:$version

image_pattern="${release_image//./\\.}:[A-Za-z0-9_][A-Za-z0-9._-]*"
arg_pattern='^[[:space:]]*ARG[[:space:]]+WATCHDOG_IMAGE='

# Tracked files and new ones git does not ignore: never build outputs.
candidates() {
  git -C "$repo" ls-files -z --cached --others --exclude-standard -- \
    '*Dockerfile*' '*.md' '*.yml' '*.yaml' ':!:CHANGELOG.md' ':!:**/CHANGELOG.md'
}

if $check; then
  offending=0
  while IFS= read -r -d '' file; do
    [[ -f $repo/$file && ! -L $repo/$file ]] || continue # deleted in the work tree, or a link (its target is listed)
    while IFS= read -r hit; do
      line=${hit#*:}
      others=$(grep -oE "$image_pattern" <<<"$line" | grep -vxF "$pinned" || true)
      default=""
      if [[ $line =~ $arg_pattern(.*)$ ]]; then default=${BASH_REMATCH[1]%%[[:space:]]*}; fi
      if [[ -n $others || (-n $default && $default != "$pinned") ]]; then
        echo "$file:$hit"
        offending=$((offending + 1))
      fi
    done < <(grep -nE "$image_pattern|$arg_pattern" "$repo/$file" || true)
  done < <(candidates)
  ((offending == 0)) || fail "$offending line(s) above do not point at $pinned: run scripts/pin-version.sh $version"
  echo "pin-version: everything points at $pinned"
  exit 0
fi

changed=0
while IFS= read -r -d '' file; do
  path=$repo/$file
  [[ -f $path && ! -L $path ]] || continue
  before=$(sha256sum <"$path")
  sed -E -i \
    -e "s#($arg_pattern).*#\\1$pinned#" \
    -e "s#$image_pattern#$pinned#g" \
    "$path"
  if [[ $(sha256sum <"$path") != "$before" ]]; then
    echo "pin-version: $file"
    changed=$((changed + 1))
  fi
done < <(candidates)
echo "pin-version: $changed file(s) now point at $pinned"

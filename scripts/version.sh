#!/usr/bin/env bash
# The version of this checkout: the one source for `fwatchdog --version`, the image labels and the
# release names. The git tag decides it:
#   HEAD tagged vX.Y.Z            X.Y.Z
#   N commits past vX.Y.Z         X.Y.(Z+1)-dev.N  (a pre-release of the next patch: it sorts after
#                                                   X.Y.Z and before X.Y.Z+1, as Go's pseudo-versions do)
#   no vX.Y.Z tag in the history  0.0.0-dev        (also a shallow clone without tags)
# Only vMAJOR.MINOR.PATCH tags count. The commit itself is stamped separately (SourceRevisionId).
# Usage: scripts/version.sh
set -euo pipefail
# shellcheck source=release-common.sh
source "$(dirname "$0")/release-common.sh"

# Tags with anything but digits and dots after the v (v1.0.0-rc1, vnext) are not releases.
if ! described=$(git -C "$repo" describe --tags --long --match 'v[0-9]*' --exclude 'v*[!0-9.]*' 2>/dev/null); then
  echo 0.0.0-dev
  exit 0
fi
# vX.Y.Z-N-gSHA
tag=${described%-*-g*}
distance=${described#"$tag"-}
distance=${distance%%-*}
version=${tag#v}
[[ $version =~ $release_version_pattern ]] ||
  fail "tag $tag is not vMAJOR.MINOR.PATCH; delete it (git tag -d $tag) or tag the release as v$version.0"
if ((distance == 0)); then
  echo "$version"
else
  echo "${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.$((BASH_REMATCH[3] + 1))-dev.$distance"
fi

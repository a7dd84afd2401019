#!/usr/bin/env bash
# Bootstrapper: restore the pinned Cake tool, then hand every argument to build.cake.
set -euo pipefail
cd "$(dirname "$0")"
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"

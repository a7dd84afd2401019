#!/usr/bin/env bash
# seed-nuget.sh TEMPLATE_DIR PACKAGES_DIR
# Fills PACKAGES_DIR (a NuGet global packages folder) with exactly what the csharp template's
# Native AOT publish restores, so the SDK image builds handlers without any package source.
# Packages come from the host's own global packages folder when it has them (no network), else
# from the host's configured sources. The template is restored from a copy so that no
# Directory.Build.props of this repository leaks into it.
set -euo pipefail
template=$1 packages=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-seed.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$template/." "$work/"
# An empty props file stops MSBuild searching parent folders for one.
echo '<Project />' >"$work/Directory.Build.props"

host_packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
restore() { dotnet restore "$work/App.csproj" -r linux-x64 --packages "$packages" -p:NuGetAudit=false "$@" >"$work/restore.log" 2>&1; }
if ! restore --source "${host_packages%/}"; then
  echo "seed-nuget: host package cache incomplete, restoring from the configured sources"
  restore || { cat "$work/restore.log" >&2; exit 1; }
fi

#!/usr/bin/env bash
# seed-nuget.sh PACKAGES_DIR PROJECT_DIR...   (SEED_AOT=false: restore without -p:PublishAot=true)
# Fills PACKAGES_DIR (a NuGet global packages folder) with exactly what a Native AOT publish of
# each project restores (the csharp template, the watchdog itself), so the SDK image builds them
# without any package source. Packages come from the host's own global packages folder when it
# has them (no network), else from the host's configured sources. Each project is restored from a
# copy, so no obj/ appears in the working tree and no Directory.Build.props of this repository
# leaks in.
set -euo pipefail
packages=$1; shift
work=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-seed.XXXXXX")
trap 'rm -rf "$work"' EXIT
# PublishAot as a global property reaches referenced projects too, and a netstandard2.0 one then
# fails (NETSDK1207): projects that set PublishAot themselves are seeded with SEED_AOT=false.
aot=(-p:PublishAot=true)
[[ ${SEED_AOT:-true} == false ]] && aot=()
host_packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')

for project_dir in "$@"; do
  copy=$work/$(basename "$project_dir")
  cp -r "$project_dir/." "$copy/"
  rm -rf "${copy:?}/bin" "${copy:?}/obj"
  echo '<Project />' >"$copy/Directory.Build.props" # an empty one stops MSBuild looking further up
  for project in "$copy"/*.csproj; do
    restore() { dotnet restore "$project" -r linux-x64 "${aot[@]}" -p:NuGetAudit=false --packages "$packages" "$@" >"$work/restore.log" 2>&1; }
    if ! restore --source "${host_packages%/}"; then
      echo "seed-nuget: $(basename "$project"): host package cache incomplete, restoring from the configured sources"
      restore || { cat "$work/restore.log" >&2; exit 1; }
    fi
  done
done

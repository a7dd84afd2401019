#!/usr/bin/env bash
# Builds local stand-ins for the registry images the templates start FROM, because neither this
# machine nor CI can pull from a registry. All come from Debian packages:
#   fwatchdog-local/busybox        busybox-static only               (stands in for busybox)
#   fwatchdog-local/debian-slim    debootstrap --variant=minbase     (debian:bookworm-slim)
#   fwatchdog-local/python3        minbase + python3                 (python:3-slim)
#   fwatchdog-local/nodejs         minbase + nodejs (Debian's 18.x)  (node:20-slim)
#   fwatchdog-local/dotnet-sdk     minbase + clang + the host's .NET SDK + the NuGet packages the
#                                  csharp templates and the watchdog restore for a Native AOT
#                                  publish, so all build offline    (mcr.microsoft.com/dotnet/sdk)
# Each is tagged :<key> and :latest, the key hashing this folder's scripts (and, for the SDK, its
# version and the project files whose packages it holds); an image whose key tag exists is not rebuilt, so a
# warm run costs a few `docker image inspect` calls. Needs root (debootstrap, chroot).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

csharp_template=$repo/classic-templates/template/csharp-fwatchdog
csharp_http_template=$repo/classic-templates/template/csharp-http-fwatchdog
# A handler written for OpenFaaS's csharp template (netstandard2.0), which the integration tests
# build in our template unchanged: its packages are seeded too.
openfaas_csharp=$repo/integration-tests/openfaas-handlers/csharp
watchdog_project=$repo/watchdog/src/Fwatchdog
cache=${FWATCHDOG_IMAGE_CACHE:-/var/cache/fwatchdog-images}
key=$(cat "$here/build.sh" "$here/lib.sh" | sha256sum | cut -c1-12)
sdk_key=$( { echo "$key"; dotnet --version; cat "$csharp_template"/*.csproj "$csharp_template"/function/*.csproj "$openfaas_csharp"/*.csproj \
  "$csharp_http_template"/*.csproj "$csharp_http_template"/function/*.csproj "$here/seed-nuget.sh" "$watchdog_project"/*.csproj; } \
  | sha256sum | cut -c1-12)

wanted=(busybox debian-slim python3 nodejs dotnet-sdk)
missing=()
for name in "${wanted[@]}"; do
  k=$key; [[ $name == dotnet-sdk ]] && k=$sdk_key
  image_exists "fwatchdog-local/$name:$k" && "$docker_cli" tag "fwatchdog-local/$name:$k" "fwatchdog-local/$name:latest" \
    || missing+=("$name")
done
if ((${#missing[@]} == 0)); then echo "base images: all present (key $key)"; exit 0; fi
echo "base images: building ${missing[*]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/fwatchdog-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
wants() { [[ " ${missing[*]} " == *" $1 "* ]]; }

if wants busybox; then
  make_busybox_rootfs "$work/busybox"
  import_rootfs fwatchdog-local/busybox "$key" "$work/busybox" -- --change 'CMD ["/bin/sh"]'
fi

# Everything else derives from one debootstrap run; the copies install their extras in parallel.
if ((${#missing[@]} > 1)) || ! wants busybox; then
  debootstrap_minbase "$work/minbase" "$cache/debs"
fi

build_debian_slim() {
  cp -a "$work/minbase" "$work/debian-slim"
  slim_rootfs "$work/debian-slim"
  import_rootfs fwatchdog-local/debian-slim "$key" "$work/debian-slim" -- --change 'CMD ["/bin/bash"]'
}
build_python3() {
  cp -a "$work/minbase" "$work/python3"
  add_packages "$work/python3" python3
  slim_rootfs "$work/python3"
  import_rootfs fwatchdog-local/python3 "$key" "$work/python3" -- --change 'CMD ["/usr/bin/python3"]'
}
build_nodejs() {
  cp -a "$work/minbase" "$work/nodejs"
  add_packages "$work/nodejs" nodejs
  slim_rootfs "$work/nodejs"
  import_rootfs fwatchdog-local/nodejs "$key" "$work/nodejs" -- --change 'CMD ["/usr/bin/node"]'
}
build_dotnet_sdk() {
  local rootfs=$work/dotnet-sdk
  cp -a "$work/minbase" "$rootfs"
  # What the csharp template and docker/Dockerfile install into an SDK image that lacks clang.
  add_packages "$rootfs" clang zlib1g-dev ca-certificates
  slim_rootfs "$rootfs"
  # The template once as it ships and once with the OpenFaaS handler as its function/.
  local with_openfaas=$work/csharp-openfaas
  cp -r "$csharp_template" "$with_openfaas"
  rm -rf "$with_openfaas/function" && cp -r "$openfaas_csharp" "$with_openfaas/function"
  bash "$here/seed-nuget.sh" "$rootfs/root/.nuget/packages" "$csharp_template" "$csharp_http_template" "$watchdog_project"
  SEED_AOT=false bash "$here/seed-nuget.sh" "$rootfs/root/.nuget/packages" "$with_openfaas"
  # No package source inside: a restore finds everything in the seeded global packages folder.
  mkdir -p "$rootfs/root/.nuget/NuGet"
  printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n' \
    >"$rootfs/root/.nuget/NuGet/NuGet.Config"
  ln -s /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
  local sdk_root
  sdk_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  import_rootfs fwatchdog-local/dotnet-sdk "$sdk_key" "$rootfs" \
    --transform "s,^${sdk_root#/},usr/share/dotnet," -C / "${sdk_root#/}" -- \
    --change 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 NUGET_CERT_REVOCATION_MODE=offline' \
    --change 'CMD ["/bin/bash"]'
}

pids=()
for name in debian-slim python3 nodejs dotnet-sdk; do
  if wants "$name"; then "build_${name//-/_}" & pids+=($!); fi
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
((status == 0)) || { echo "base images: a build failed" >&2; exit 1; }
echo "base images: built ${missing[*]} (key $key, sdk key $sdk_key)"

#!/usr/bin/env bash
# Installs the Debian packages the build, tests and benchmark need and starts the Docker engine.
# Idempotent: a machine that already has everything costs one dpkg query and one `docker info`.
set -euo pipefail

packages=(
  build-essential clang zlib1g-dev                          # Native AOT compiles and links with clang
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static  # linux-arm64 cross-link, run under qemu
  wrk nginx-light prometheus                                # bench load, proxy reference, promtool
  golang-go                                                 # the bench's Go echo upstream (mode=http)
  docker.io busybox-static debootstrap                      # container tests and their base images
  shellcheck curl procps util-linux iproute2               # iproute2: ss, the listen backlog test
  libicu72                                                  # the .NET SDK's globalization (bare Debian 12 images lack it)
  python3                                                   # bench report/chart, mode=http test and bench upstreams
  openssl                                                   # the bench's jwt_auth keys (genpkey)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "prerequisites: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian `prometheus` package starts a server on :9090 through its service scripts where an
# init system runs; nothing here needs that instance, and tests start their own on loopback.

docker_cli=/usr/bin/docker
if ! "$docker_cli" info >/dev/null 2>&1; then
  echo "prerequisites: starting dockerd (no bridge, host networking only)"
  mkdir -p /var/log
  nohup dockerd --bridge=none --iptables=false --ip-forward=false >/var/log/fwatchdog-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    "$docker_cli" info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! "$docker_cli" info >/dev/null 2>&1; then
    echo "prerequisites: the Docker engine did not start; its log follows" >&2
    tail -n 40 /var/log/fwatchdog-dockerd.log >&2 || true
    exit 1
  fi
fi

# Helpers for build.sh: make root filesystems from Debian packages and import them as images.
# Sourced, not run. Every function takes explicit paths so build.sh can run them in parallel.

docker_cli=${DOCKER_CLI:-/usr/bin/docker}

# The Debian archive apt already uses (deb822 or one-line format), so images come from the same
# mirror as the host's packages; DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then echo "$DEBIAN_MIRROR"; return; fi
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE '(^deb +|^URIs: *)[a-z]+://[^ ]*/debian/?( |$)' | grep -oE '[a-z]+://[^ ]*' | head -n 1 || true)
  echo "${found:-http://deb.debian.org/debian}"
}

image_exists() { "$docker_cli" image inspect "$1" >/dev/null 2>&1; }

# A static busybox with every applet linked, a root and an unprivileged passwd entry, and a /tmp
# anyone can write (the watchdog's lock file lives there).
make_busybox_rootfs() {
  local rootfs=$1 applet
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  while read -r applet; do
    [[ -e "$rootfs/$applet" ]] || ln -s /bin/busybox "$rootfs/$applet"
  done < <(/bin/busybox --list-full)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
}

debootstrap_minbase() {
  local rootfs=$1 cache=$2
  mkdir -p "$cache"
  debootstrap --variant=minbase --cache-dir="$cache" bookworm "$rootfs" "$(debian_mirror)" >"$rootfs.log" 2>&1 \
    || { tail -n 30 "$rootfs.log" >&2; return 1; }
}

# Installs packages into a copy of the minbase tree with the chroot's own apt (same mirror).
add_packages() {
  local rootfs=$1; shift
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends "$@" >"$rootfs.log" 2>&1 \
    || { tail -n 30 "$rootfs.log" >&2; return 1; }
}

# What slim images drop: package lists, downloaded .debs, documentation and translations.
slim_rootfs() {
  local rootfs=$1
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/doc/* \
         "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
}

# import_rootfs NAME KEY ROOTFS [extra tar arguments...] [-- docker import --change arguments...]
# Streams the tree (plus any extra paths) straight into `docker import`; tags NAME:KEY and NAME:latest.
import_rootfs() {
  local name=$1 key=$2 rootfs=$3; shift 3
  local tar_extra=() changes=()
  while (($#)) && [[ $1 != -- ]]; do tar_extra+=("$1"); shift; done
  (($#)) && shift
  changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
           --change "LABEL fwatchdog.base-images.key=$key" "$@")
  tar --numeric-owner -c -C "$rootfs" . "${tar_extra[@]}" \
    | "$docker_cli" import "${changes[@]}" - "$name:$key" >/dev/null
  "$docker_cli" tag "$name:$key" "$name:latest"
  remove_other_keys "$name" "$key"
}

# An image made by an older version of these scripts is never used again; the SDK one is 1.5 GB.
remove_other_keys() {
  local name=$1 key=$2 tag
  for tag in $("$docker_cli" image ls "$name" --format '{{.Tag}}'); do
    [[ $tag == "$key" || $tag == latest ]] || "$docker_cli" rmi "$name:$tag" >/dev/null || true
  done
}

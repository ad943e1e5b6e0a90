#!/usr/bin/env bash
# Builds the lectern session image with Debian's podman without any container registry (BASE=local of
# image/Containerfile):
#   1. base: a Debian bookworm root filesystem from Debian's packages (debootstrap --variant=minbase
#      with image/base-packages.txt, user eduk8s uid 1001), imported as localhost/lectern-base:bookworm.
#      Cached: target/image/base-<hash>.tar, rebuilt only when the package list or this recipe changes.
#   2. lectern's release binary (cargo build --release, or LECTERN_BIN) and code-server
#      (tests/support/install-code-server.sh, cached in target/test-deps) with the node that installed
#      it, staged in image/.stage/ (hard links; git-ignored).
#   3. podman build --format docker (HEALTHCHECK needs the docker format) with COPY-style steps only.
#
# Usage: bash image/build.sh [TAG]          (default TAG: localhost/lectern:dev)
# Env:   LECTERN_BIN=path          use this binary instead of building the release one
#        LECTERN_IMAGE_EDITOR=0    no code-server in the image
#        DEBIAN_MIRROR=url         debootstrap's mirror (default: debootstrap's own)
# Needs root (debootstrap, chroot) and the Debian packages podman and debootstrap.
# With a container registry, `podman build --format docker -f image/Containerfile .` needs none of this.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TAG=${1:-localhost/lectern:dev}
CACHE="${CARGO_TARGET_DIR:-$ROOT/target}/image"
STAGE="$ROOT/image/.stage"
SUITE=bookworm
# Bump when the base recipe below changes (the cache key also covers the package list).
RECIPE=1
log() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] error: %s\n' "$*" >&2; exit 1; }

command -v podman >/dev/null || die "podman is not installed (apt-get install podman)"
mkdir -p "$CACHE"

# ---- 1. the base image from Debian's packages ----
packages=$(grep -v '^#' image/base-packages.txt | grep -v '^$' | sort | paste -sd, -)
key=$(printf '%s %s %s\n' "$SUITE" "$RECIPE" "$packages" | sha256sum | cut -c1-12)
base_tar="$CACHE/base-$key.tar"
base_image="localhost/lectern-base:$SUITE"
if [ ! -s "$base_tar" ]; then
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  rootfs="$CACHE/rootfs-$key"
  rm -rf "$rootfs"
  log "debootstrap $SUITE with: $packages (a few minutes; cached afterwards in $base_tar)"
  # shellcheck disable=SC2086  # the mirror is optional
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$rootfs" ${DEBIAN_MIRROR:-} \
    >"$CACHE/debootstrap.log" 2>&1 || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
  chroot "$rootfs" useradd --create-home --uid 1001 --user-group --shell /bin/bash eduk8s
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$base_tar.tmp" .
  mv "$base_tar.tmp" "$base_tar"
  rm -rf "$rootfs"
fi
if [ "$(podman image inspect --format '{{index .Labels "lectern.base"}}' "$base_image" 2>/dev/null)" != "$key" ]; then
  log "importing $base_tar as $base_image"
  podman import --change "LABEL lectern.base=$key" --change 'CMD ["/bin/bash"]' "$base_tar" "$base_image" >/dev/null
fi

# ---- 2. lectern and code-server, staged for COPY ----
rm -rf "$STAGE"
mkdir -p "$STAGE/code-server/lib"
if [ -n "${LECTERN_BIN:-}" ]; then
  bin=$LECTERN_BIN
else
  log "cargo build --release"
  cargo build --release --locked >&2
  bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/lectern"
fi
[ -x "$bin" ] || die "no lectern binary at $bin"
cp -l "$bin" "$STAGE/lectern" 2>/dev/null || cp "$bin" "$STAGE/lectern"
if [ "${LECTERN_IMAGE_EDITOR:-1}" != 0 ]; then
  code_server=$(tests/support/install-code-server.sh) || die "code-server could not be installed"
  modules=$(cd "$(dirname "$code_server")/.." && pwd)
  node=$(command -v node) || die "node is not installed (code-server needs it)"
  log "staging code-server ($modules) with node $("$node" --version)"
  cp -al "$modules" "$STAGE/code-server/node_modules" 2>/dev/null || cp -a "$modules" "$STAGE/code-server/node_modules"
  cp -l "$node" "$STAGE/code-server/lib/node" 2>/dev/null || cp "$node" "$STAGE/code-server/lib/node"
fi

# ---- 3. the image ----
log "podman build $TAG"
previous=$(podman image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)
podman build --format docker --build-arg BASE=local --build-arg "LOCAL_BASE=$base_image" \
  -f image/Containerfile -t "$TAG" . >&2
rm -rf "$STAGE"
# The image this tag named before is now unnamed: remove it (and its layers no other image uses).
current=$(podman image inspect --format '{{.Id}}' "$TAG")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  podman rmi "$previous" >/dev/null 2>&1 || true
fi
# Earlier builds' binary stages (a new one per binary; the code-server stage stays cached).
podman image prune -f --filter label=lectern.stage=binary >/dev/null 2>&1 || true
echo "$TAG"

#!/usr/bin/env bash
# Builds ttyd, the benchmark suite's terminal peer, into DEST (default target/bench-deps/ttyd/ttyd).
# Debian 12 ships no ttyd package, so this takes ttyd's upstream source release (the `orig` tarball of
# Debian's ttyd source package in unstable, fetched with apt-get and checked against the signed index)
# and builds it against Debian 12's libwebsockets, json-c and libuv — the build the figures in README
# "Benchmarks" use. The suite runs this on first use when `TTYD=` is not set; set `TTYD=/path/to/ttyd` to
# use another build.
#   bash benches/install-ttyd.sh [DEST]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-${CARGO_TARGET_DIR:-$root/target}/bench-deps/ttyd/ttyd}"
if [ -x "$dest" ] && "$dest" --version >/dev/null 2>&1; then
  echo "$dest"
  exit 0
fi

say() { echo "install-ttyd: $*" >&2; }

missing=()
for pkg in cmake make gcc xz-utils pkg-config libwebsockets-dev libjson-c-dev libuv1-dev zlib1g-dev libssl-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/install-ttyd.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
echo "deb-src http://deb.debian.org/debian sid main" >"$work/sources.list"
# A private source list and list directory: the machine's own apt configuration is left as it was.
apt=(apt-get -qq -o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
say "fetching ttyd's source release"
"${apt[@]}" update >&2
# Only the upstream tarball is needed (Debian's packaging is not used); apt checks its hash against the
# signed index and reports the packaging files it could not fetch, which is not an error here.
(cd "$work" && "${apt[@]}" source --download-only ttyd >&2) || true
tarball="$(ls "$work"/ttyd_*.orig.tar.* 2>/dev/null | head -1)"
[ -n "$tarball" ] || { say "no ttyd source release could be fetched"; exit 1; }
tar -xf "$tarball" -C "$work"
src="$(ls -d "$work"/ttyd-*/ | head -1)"
say "building $(basename "$src")"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 \
  || { tail -20 "$work/cmake.log" >&2; exit 1; }
make -C "$work/build" -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -20 "$work/make.log" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
install -m 755 "$work/build/ttyd" "$dest"
"$dest" --version >&2
echo "$dest"

#!/usr/bin/env bash
# Installs real code-server (npm package) into target/test-deps/code-server for the /editor/ proxy tests.
# Idempotent: does nothing when already installed. Exit 0 = installed, 1 = could not install (reason printed).
# See ../shared/notes/code-server.md for why each step is needed on a machine without internet access.
set -uo pipefail
cd "$(dirname "$0")/../.."
DEST="${LECTERN_TEST_DEPS:-$(pwd)/target/test-deps}/code-server"
BIN="$DEST/node_modules/.bin/code-server"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
command -v npm >/dev/null || { echo "code-server: npm is not installed" >&2; exit 1; }
mkdir -p "$DEST"
LOG="$DEST/install.log"
# Native build prerequisites (node-pty, kerberos, native-keymap, keytar) and ripgrep for the offline cache.
need=()
for pkg in build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >>"$LOG" 2>&1 \
    || { echo "code-server: apt-get install ${need[*]} failed (see $LOG)" >&2; exit 1; }
fi
# @vscode/ripgrep downloads rg from the internet unless its cache holds the archive: pre-seed the cache
# for the versions seen so far (the install log names them when they differ).
TMP="${TMPDIR:-/tmp}"
for pkgver in 1.15.11 1.15.10 1.15.9 1.15.14; do
  for rel in v13.0.0-13 v13.0.0-10 v13.0.0-4; do
    cache="$TMP/vscode-ripgrep-cache-$pkgver"
    mkdir -p "$cache"
    archive="$cache/ripgrep-$rel-x86_64-unknown-linux-musl.tar.gz"
    [ -f "$archive" ] || tar -czf "$archive" -C /usr/bin rg
  done
done
cd "$DEST" || exit 1
[ -f package.json ] || echo '{"name":"lectern-test-code-server","private":true}' >package.json
if ! npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm code-server@4 >>"$LOG" 2>&1; then
  echo "code-server: npm install failed (last lines of $LOG):" >&2
  tail -15 "$LOG" >&2
  exit 1
fi
[ -x "$BIN" ] || { echo "code-server: installed but $BIN is missing" >&2; exit 1; }
echo "$BIN"

#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, then runs format, lint and every test.
# Prints a final "N passed, N failed" line summing every suite.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export CARGO_TERM_COLOR=never INSTA_UPDATE=no
PASSED=0; FAILED=0; STATUS=0
log() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAILED: $*"; STATUS=1; }

# count_cargo FILE: add the "test result:" lines of a cargo test log to the totals.
count_cargo() {
  local p f
  p=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1/' | paste -sd+ - | bc 2>/dev/null || echo 0)
  f=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\2/' | paste -sd+ - | bc 2>/dev/null || echo 0)
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
}

# ---- system packages the tests use (installed only when missing) ----
need_apt=()
command -v bc >/dev/null || need_apt+=(bc)
for extra in ${LECTERN_TEST_APT:-}; do need_apt+=("$extra"); done
if [ -f tests/apt-packages.txt ]; then
  while read -r pkg bin; do
    [ -z "$pkg" ] && continue
    case "$pkg" in \#*) continue;; esac
    command -v "${bin:-$pkg}" >/dev/null || need_apt+=("$pkg")
  done < tests/apt-packages.txt
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >/tmp/lectern-apt.log 2>&1 \
    || { tail -20 /tmp/lectern-apt.log; fail "apt-get install ${need_apt[*]}"; }
fi

log "cargo fmt --check"
cargo fmt --all -- --check || fail "cargo fmt"

log "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings || fail "clippy"

# ---- real code-server for the /editor/ proxy tests (the tests skip with a reason when this fails) ----
log "code-server for the proxy tests"
if CODE_SERVER_BIN=$(tests/support/install-code-server.sh 2>/tmp/lectern-code-server.log); then
  export LECTERN_CODE_SERVER="$CODE_SERVER_BIN"
else
  echo "code-server not installed, its tests will be skipped: $(tail -5 /tmp/lectern-code-server.log)"
fi

log "cargo test"
cargo test --locked --all-targets 2>&1 | tee /tmp/lectern-cargo-test.log
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "cargo test"
count_cargo /tmp/lectern-cargo-test.log

# ---- afl: a few seconds per fuzz target, when the instrumented binary was built here ----
# (`cargo test` already replayed every target's corpus and 2,000 mutations; fuzz/README.md)
log "fuzz targets under afl"
bash fuzz/run.sh brief 5 || fail "fuzz brief"

# ---- frontend: unit tests, bundle freshness, browser end-to-end ----
if [ -f frontend/package.json ] && [ -x tests/frontend.sh ]; then
  log "frontend"
  if tests/frontend.sh > >(tee /tmp/lectern-frontend.log) 2>&1; then :; else fail "frontend"; fi
  p=$(grep -E '^frontend: [0-9]+ passed, [0-9]+ failed' /tmp/lectern-frontend.log | sed -E 's/frontend: ([0-9]+) passed, ([0-9]+) failed.*/\1/' | paste -sd+ - | bc 2>/dev/null || echo 0)
  f=$(grep -E '^frontend: [0-9]+ passed, [0-9]+ failed' /tmp/lectern-frontend.log | sed -E 's/frontend: ([0-9]+) passed, ([0-9]+) failed.*/\2/' | paste -sd+ - | bc 2>/dev/null || echo 0)
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
fi

# count_line NAME FILE: add the "NAME: N passed, N failed" line of a script's log to the totals.
count_line() {
  local line
  line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -1)
  [ -n "$line" ] || return 0
  PASSED=$((PASSED + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
  FAILED=$((FAILED + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
}

# ---- Kubernetes manifests: schemas (kubernetes-validate --strict) and the workload's rules ----
log "kubernetes manifests (image/k8s)"
if tests/k8s.sh > >(tee /tmp/lectern-k8s.log) 2>&1; then :; else fail "kubernetes manifests"; fi
count_line k8s /tmp/lectern-k8s.log

# ---- the session image: release build, podman build (base cached under target/image), run as the pod ----
if [ "${LECTERN_TEST_IMAGE:-1}" = 0 ]; then
  echo "image: skipped (LECTERN_TEST_IMAGE=0)"
else
  log "session image (image/build.sh, tests/image.sh)"
  if cargo build --release --locked; then
    if tests/image.sh > >(tee /tmp/lectern-image.log) 2>&1; then :; else fail "session image"; fi
    count_line image /tmp/lectern-image.log
  else
    fail "cargo build --release"
  fi
fi

if [ "$STATUS" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=1; fi
echo
echo "$PASSED passed, $FAILED failed"
exit $STATUS

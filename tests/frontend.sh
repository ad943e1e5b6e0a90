#!/usr/bin/env bash
# Frontend checks: npm ci, unit tests of the action dispatcher (Vitest), freshness of the committed bundle
# in assets/dashboard, then browser end-to-end tests (playwright-core + Debian chromium) against a real
# `lectern serve`. Screenshots go to target/e2e/. Prints one line: "frontend: N passed, N failed".
set -uo pipefail
export NO_COLOR=1 FORCE_COLOR=0
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PASSED=0; FAILED=0
add() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); }
finish() { echo "frontend: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

echo "==> npm ci"
if ! (cd frontend && npm ci --no-audit --no-fund --loglevel=error); then
  add 0 1; finish
fi

echo "==> unit tests (vitest)"
REPORT=$(mktemp)
(cd frontend && npx vitest run --reporter=default --reporter=json --outputFile="$REPORT")
counts=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const broken=r.success===false&&r.numFailedTests===0?1:0;console.log(r.numPassedTests+" "+(r.numFailedTests+broken))' "$REPORT" 2>/dev/null || echo "0 1")
add $counts
rm -f "$REPORT"

echo "==> type check"
if (cd frontend && npx tsc --noEmit && npx tsc -p vscode-extension --noEmit); then add 1 0; else add 0 1; fi

echo "==> committed bundle is fresh"
FRESH=$(mktemp -d)
if (cd frontend && LECTERN_OUT="$FRESH" node build.mjs >/dev/null) && diff -r "$FRESH" assets/dashboard >/dev/null; then
  add 1 0
else
  echo "assets/dashboard differs from a fresh build: run (cd frontend && npm run build) and commit"
  diff -rq "$FRESH" assets/dashboard || true
  add 0 1
fi
rm -rf "$FRESH"
echo "bundle (gzip -9 bytes):"
for f in assets/dashboard/*; do printf '  %-32s %8d %8d\n' "$(basename "$f")" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"; done

echo "==> build lectern"
if ! cargo build --locked --bin lectern --example fake_portal; then add 0 1; finish; fi

echo "==> browser end-to-end"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "chromium missing (tests/apt-packages.txt installs it)"; add 0 1; finish
fi
mkdir -p target/e2e
E2E_LOG=$(mktemp)
LECTERN_BIN="$ROOT/target/debug/lectern" node frontend/e2e/run.mjs 2>&1 | tee "$E2E_LOG"
line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$E2E_LOG" | tail -1)
if [ -n "$line" ]; then
  add "$(echo "$line" | sed -E 's/e2e: ([0-9]+) passed.*/\1/')" "$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')"
else
  add 0 1
fi
rm -f "$E2E_LOG"
finish

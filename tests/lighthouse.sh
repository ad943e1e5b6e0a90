#!/usr/bin/env bash
# Lighthouse audits of the learner's pages (issue 21, "Done when"): npm `lighthouse` 12 driving Debian's
# Chromium against a real `lectern serve` of the demo workshop. Audits the dashboard and an instructions page,
# mobile and desktop, light and dark theme (`?theme=`), and checks the targets:
#   accessibility 100 and best practices 100 everywhere, performance >= 90 on mobile (and on desktop).
# Reports go to target/lighthouse/reports/. Prints one line per audit and "lighthouse: N passed, N failed".
#   bash tests/lighthouse.sh                  # builds target/release/lectern unless LECTERN_BIN is set
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LH_DIR="$ROOT/target/lighthouse"
REPORTS="$LH_DIR/reports"
CHROME_PATH="${CHROMIUM:-/usr/bin/chromium}"
export CHROME_PATH
mkdir -p "$REPORTS"

if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
  echo "==> installing lighthouse 12 into target/lighthouse"
  (cd "$LH_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --loglevel=error lighthouse@12) || { echo "lighthouse: 0 passed, 1 failed"; exit 1; }
fi

BIN="${LECTERN_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --locked --bin lectern || { echo "lighthouse: 0 passed, 1 failed"; exit 1; }
  BIN="$ROOT/target/release/lectern"
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HOME_DIR=$(mktemp -d)
HOME="$HOME_DIR" LECTERN_AUTH=none "$BIN" serve --bind 127.0.0.1 --port "$PORT" >"$LH_DIR/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

PASSED=0; FAILED=0
audit() { # name url form theme
  local name=$1 url=$2 form=$3 theme=$4 out="$REPORTS/$1-$3-$4.json" preset=()
  [ "$form" = desktop ] && preset=(--preset=desktop)
  "$LH_DIR/node_modules/.bin/lighthouse" "$url?theme=$theme" "${preset[@]}" --quiet --output=json --output-path="$out" \
    --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" >/dev/null 2>"$out.log"
  node -e '
    const [file, name, form, theme] = process.argv.slice(1);
    let r; try { r = JSON.parse(require("fs").readFileSync(file, "utf8")); } catch { console.log(`FAIL ${name} ${form} ${theme}: no report`); process.exit(1); }
    const s = (k) => Math.round((r.categories[k]?.score ?? 0) * 100);
    const perf = s("performance"), a11y = s("accessibility"), bp = s("best-practices");
    const ok = a11y === 100 && bp === 100 && perf >= 90;
    const misses = Object.values(r.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary").map((a) => a.id);
    console.log(`${ok ? "ok  " : "FAIL"} ${name.padEnd(12)} ${form.padEnd(7)} ${theme.padEnd(5)} performance ${perf} accessibility ${a11y} best-practices ${bp}` +
      ` (TBT ${Math.round(r.audits["total-blocking-time"].numericValue)} ms, LCP ${Math.round(r.audits["largest-contentful-paint"].numericValue)} ms)` +
      (ok ? "" : ` — failing: ${misses.join(", ")}`));
    process.exit(ok ? 0 : 1);
  ' "$out" "$name" "$form" "$theme"
}
for form in mobile desktop; do
  for theme in light dark; do
    for page in "dashboard /dashboard/" "instructions /workshop/content/01-welcome/"; do
      set -- $page
      if audit "$1" "http://127.0.0.1:$PORT$2" "$form" "$theme"; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    done
  done
done
echo "lighthouse: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

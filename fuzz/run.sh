#!/usr/bin/env bash
# Fuzzing lectern with cargo-afl (crates.io) and AFL++ on the stable toolchain. See fuzz/README.md.
#
#   bash fuzz/run.sh setup                      install cargo-afl and build its AFL++ (once per machine)
#   bash fuzz/run.sh build                      build the instrumented fuzz-target binary
#   bash fuzz/run.sh brief [SECONDS]            every target for SECONDS (default 10) each, if built
#   bash fuzz/run.sh campaign TARGET [EXECS]    one afl instance at nice 19 until EXECS executions
#                                               (default 10000000); resumes a previous campaign
#   bash fuzz/run.sh stats                      executions, crashes and hangs per campaign
#   bash fuzz/run.sh crashes TARGET             replay each crash found and print the panic
#
# Campaigns write to target/fuzz/<TARGET>/ (afl's fuzzer_stats, queue, crashes, hangs). A crash, once
# fixed, is minimised (`cargo afl tmin`) and copied into fuzz/corpus/<TARGET>/ as a regression seed.
set -uo pipefail
cd "$(dirname "$0")"
FUZZ=$(pwd)
ROOT=$(cd .. && pwd)
export CARGO_TARGET_DIR="${LECTERN_FUZZ_TARGET_DIR:-$ROOT/target/afl}"
BIN="$CARGO_TARGET_DIR/release/fuzz-target"
OUT="$ROOT/target/fuzz"
TARGETS="content protocol auth ingress upload"
# Shared machines: no core pinning, no UI, no complaints about the core pattern or CPU governor.
export AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_AUTORESUME=1 AFL_SUPPRESS_ENV_WARNINGS=1
# Panics lectern catches (the AsciiDoc parser's guard) print through the default hook: with backtraces
# on, each symbolises one (~0.7 s for the first in every forked child). Crashes still print the panic.
export RUST_BACKTRACE=0

have_afl() { cargo afl --version >/dev/null 2>&1; }

dict_args() { [ -f "$FUZZ/dict/$1.dict" ] && echo "-x $FUZZ/dict/$1.dict"; }

case "${1:-}" in
  setup)
    have_afl || cargo install --locked cargo-afl
    # Builds the AFL++ that cargo-afl bundles; says "already built" (and fails) when it is.
    cargo afl config --build 2>/dev/null || true
    ;;
  build)
    have_afl || { echo "cargo-afl is not installed: bash fuzz/run.sh setup"; exit 1; }
    cargo afl build --release --features afl --bin fuzz-target
    ;;
  brief)
    seconds=${2:-10}
    if ! have_afl || [ ! -x "$BIN" ]; then
      echo "fuzz brief: skipped (no instrumented binary; bash fuzz/run.sh setup && bash fuzz/run.sh build)"
      exit 0
    fi
    status=0
    for target in $TARGETS; do
      out=$(mktemp -d)
      # shellcheck disable=SC2046
      cargo afl fuzz -V "$seconds" -t 5000 -i "$FUZZ/corpus/$target" -o "$out" $(dict_args "$target") \
        -- "$BIN" "$target" >"$out/log" 2>&1
      execs=$(awk -F': *' '/^execs_done/ {print $2}' "$out/default/fuzzer_stats" 2>/dev/null)
      crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
      echo "fuzz brief $target: ${execs:-0} executions, $crashes crashes"
      if [ -z "$execs" ]; then tail -20 "$out/log"; status=1; fi
      [ "$crashes" -eq 0 ] || { echo "crashes kept in $out/default/crashes"; status=1; continue; }
      rm -rf "$out"
    done
    exit $status
    ;;
  campaign)
    target=${2:?target}
    execs=${3:-10000000}
    [ -x "$BIN" ] || { echo "build first: bash fuzz/run.sh build"; exit 1; }
    mkdir -p "$OUT"
    # shellcheck disable=SC2046
    exec nice -n 19 cargo afl fuzz -E "$execs" -t 5000 -i "$FUZZ/corpus/$target" -o "$OUT/$target" \
      $(dict_args "$target") -- "$BIN" "$target"
    ;;
  stats)
    for target in $TARGETS; do
      stats="$OUT/$target/default/fuzzer_stats"
      [ -f "$stats" ] || { echo "$target: no campaign"; continue; }
      get() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
      crashes=$(find "$OUT/$target/default/crashes" -type f -name 'id:*' | wc -l)
      hangs=$(find "$OUT/$target/default/hangs" -type f -name 'id:*' | wc -l)
      echo "$target: $(get execs_done) executions, $crashes crashes, $hangs hangs, $(get corpus_count) paths, $(get execs_per_sec) exec/s, stability $(get stability)"
    done
    ;;
  crashes)
    target=${2:?target}
    for crash in "$OUT/$target"/default/crashes/id:*; do
      [ -f "$crash" ] || continue
      echo "== $crash"
      AFL_FUZZER_LOOPCOUNT=1 "$BIN" "$target" <"$crash" 2>&1 | grep -A3 panicked | head -8
    done
    ;;
  *)
    sed -n '2,13p' "$0"
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Builds the Educates overlay image (image/educates/Containerfile) with podman: stages the release binary
# and the two start scripts in image/educates/.stage/, then builds FROM $EDUCATES_BASE.
# Usage: EDUCATES_BASE=<educates base-environment image> bash image/educates/build.sh [TAG]
# Env:   LECTERN_BIN=path   use this binary instead of target/release/lectern (cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/../.."
TAG=${1:-localhost/lectern-educates:dev}
: "${EDUCATES_BASE:?set EDUCATES_BASE to the Educates base-environment image of your Educates release}"
BIN=${LECTERN_BIN:-${CARGO_TARGET_DIR:-target}/release/lectern}
[ -x "$BIN" ] || cargo build --release --locked --bin lectern
STAGE=image/educates/.stage
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp "$BIN" "$STAGE/lectern"
cp image/educates/start-gateway image/educates/start-renderer "$STAGE/"
podman build --format docker --build-arg "EDUCATES_BASE=$EDUCATES_BASE" -t "$TAG" \
    -f image/educates/Containerfile "$STAGE"
echo "built $TAG"

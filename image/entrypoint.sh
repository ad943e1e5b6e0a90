#!/bin/bash
# Entrypoint of the session image (run by tini): starts code-server on loopback when the editor is
# enabled (lectern proxies /editor/ to it and does the authentication), then becomes lectern.
set -euo pipefail
if [[ "${ENABLE_EDITOR:-false}" == true && -z "${LECTERN_EDITOR_UPSTREAM:-}" ]]; then
  # code-server's terminals belong to the learner: it must not inherit lectern's secrets. They are the
  # variables whose values `lectern serve --help` hides (`[env: NAME]`, the same list as
  # config::SECRET_ENV, which lectern removes from its own children).
  unset_secrets=()
  while read -r name; do unset_secrets+=(-u "$name"); done \
    < <(/usr/local/bin/lectern serve --help | sed -n 's/^ *\[env: \([A-Z0-9_]*\)\]$/\1/p')
  # code-server writes its extensions manifest into the extensions folder, so it must be writable:
  # the image's pre-installed extensions are copied into HOME (once; learners may add their own).
  extensions="$HOME/.local/share/code-server/extensions"
  mkdir -p "$extensions"
  for extension in /opt/code-server/extensions/*/; do
    [ -d "$extension" ] && [ ! -e "$extensions/$(basename "$extension")" ] && cp -r "$extension" "$extensions/"
  done
  # In a subshell, so code-server is reparented to tini, which reaps it; tini -g signals it on stop.
  (env "${unset_secrets[@]}" code-server --auth none --bind-addr "127.0.0.1:${EDITOR_PORT:-10085}" \
     --disable-telemetry --disable-update-check "${EDITOR_HOME:-$HOME}" \
     >"$HOME/.local/share/code-server/log" 2>&1 &)
fi
exec /usr/local/bin/lectern "$@"

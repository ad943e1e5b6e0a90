#!/bin/bash
# Entrypoint of the session image (run by tini): seeds code-server's extensions when the editor is enabled
# (lectern starts code-server on loopback, proxies /editor/ to it and does the authentication), then
# becomes lectern.
set -euo pipefail
if [[ "${ENABLE_EDITOR:-false}" == true && -z "${LECTERN_EDITOR_UPSTREAM:-}" ]]; then
  # lectern starts code-server itself (supervised, restarted, without lectern's secrets, with its editor
  # extension installed and the channel's address and secret: src/editor/supervisor.rs). code-server writes
  # its extensions manifest into the extensions folder, so it must be writable: the image's pre-installed
  # extensions are copied into HOME (once; learners may add their own).
  extensions="$HOME/.local/share/code-server/extensions"
  mkdir -p "$extensions"
  for extension in /opt/code-server/extensions/*/; do
    [ -d "$extension" ] && [ ! -e "$extensions/$(basename "$extension")" ] && cp -r "$extension" "$extensions/"
  done
fi
exec /usr/local/bin/lectern "$@"

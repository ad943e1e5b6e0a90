#!/bin/bash
# code-server with the node it was installed with (/opt/code-server/lib/node) and the image's
# pre-installed extensions; user settings live in the writable HOME.
exec /opt/code-server/lib/node /opt/code-server/node_modules/code-server/out/node/entry.js \
  --extensions-dir /opt/code-server/extensions \
  --user-data-dir "${HOME:-/home/eduk8s}/.local/share/code-server" \
  "$@"

#!/bin/bash
# code-server with the node it was installed with (/opt/code-server/lib/node). Settings and extensions live
# in the writable HOME; lectern-entrypoint seeds the extensions from the image's /opt/code-server/extensions.
data="${HOME:-/home/eduk8s}/.local/share/code-server"
exec /opt/code-server/lib/node /opt/code-server/node_modules/code-server/out/node/entry.js \
  --extensions-dir "$data/extensions" \
  --user-data-dir "$data" \
  "$@"

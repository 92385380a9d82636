#!/usr/bin/env bash
# Runs the .NET gateway in the foreground.
#   gateway/Federated.Gateway/run.sh [supergraph-path]
# Settings (environment or --supergraph/--host/--port): FEDERATED_SUPERGRAPH,
# FEDERATED_GATEWAY_HOST, FEDERATED_GATEWAY_PORT, FEDERATED_SUBGRAPH_URL_<NAME>,
# FEDERATED_GATEWAY_SUBGRAPH_TIMEOUT_MS, FEDERATED_GATEWAY_IDE_PATH.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../eng/services.env
source "$REPO/eng/services.env"

supergraph="${1:-${FEDERATED_SUPERGRAPH:-$REPO/schema/supergraph.graphql}}"
[ -f "$supergraph" ] || { echo "gateway: ERROR: supergraph not found: $supergraph (run eng/compose.sh)" >&2; exit 1; }
configuration="${FEDERATED_CONFIGURATION:-Release}"

"$REPO/eng/npm-ci-if-needed.sh" "$HERE/ide"
echo "gateway: building ($configuration)"
dotnet build "$HERE" -c "$configuration" --nologo -v quiet -clp:ErrorsOnly

export FEDERATED_SUPERGRAPH="$(realpath "$supergraph")"
export FEDERATED_GATEWAY_HOST="${FEDERATED_GATEWAY_HOST:-$FEDERATED_HOST}" FEDERATED_GATEWAY_PORT
# Tokens are verified as the reference gateway does, with the users service's public key.
export FEDERATED_IDENTITY_ISSUER FEDERATED_IDENTITY_AUDIENCE FEDERATED_IDENTITY_PUBLIC_KEY_FILE
echo "gateway: serving $FEDERATED_SUPERGRAPH on http://$FEDERATED_GATEWAY_HOST:$FEDERATED_GATEWAY_PORT/graphql"
exec dotnet "$HERE/bin/$configuration/net10.0/Federated.Gateway.dll"

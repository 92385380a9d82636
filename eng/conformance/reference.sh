#!/bin/sh
# The audit's run script for the reference gateway (Hive Gateway, gateway/reference), as the
# peer figure: `CONFORMANCE_GATEWAY=reference eng/conformance/audit.sh`.
set -eu
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
supergraph="$(mktemp -d)/supergraph.graphql"
echo "conformance: fetching the supergraph of $1"
curl -fsS "http://localhost:${CONFORMANCE_AUDIT_PORT:-4200}/$1/supergraph" -o "$supergraph"
# Hive Gateway waits for the test runner's keep-alive connections on SIGTERM, and the audit
# waits for the gateway to exit: stop it outright.
FEDERATED_GATEWAY_PORT="${CONFORMANCE_GATEWAY_PORT:-4891}" FEDERATED_GATEWAY_FORK=0 \
  bash "$REPO/gateway/reference/run.sh" "$supergraph" &
gateway=$!
trap 'kill -KILL $gateway 2>/dev/null; exit 0' TERM INT
wait $gateway

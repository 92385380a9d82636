#!/bin/sh
# The audit's run script (it runs `sh gateway.sh <test-case-id>`, so POSIX sh): starts this
# gateway's Release build (see audit.sh) on the supergraph of one test case.
# CONFORMANCE_AUDIT_PORT: where the audit serves its subgraphs; CONFORMANCE_GATEWAY_PORT: ours.
set -eu
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
test_case="$1"
supergraph="$(mktemp -d)/supergraph.graphql"
echo "conformance: fetching the supergraph of $test_case"
curl -fsS "http://localhost:${CONFORMANCE_AUDIT_PORT:-4200}/$test_case/supergraph" -o "$supergraph"
exec dotnet "$REPO/gateway/Federated.Gateway/bin/Release/net10.0/Federated.Gateway.dll" \
  --supergraph "$supergraph" --host 127.0.0.1 --port "${CONFORMANCE_GATEWAY_PORT:-4891}"

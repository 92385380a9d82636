#!/usr/bin/env bash
# Regenerates the orders service's Wolverine message handlers (subgraphs/Federated.Orders/
# Internal/Generated). Wolverine runs them in static mode, so a new or changed handler needs
# this run and a commit; the service refuses to start when a handler has no generated class.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$REPO/subgraphs/Federated.Orders"
dotnet build "$project" -c Debug --nologo -v quiet -clp:ErrorsOnly
rm -rf "$project/Internal/Generated"
cd "$project"
# Writing the code builds the service's container but starts nothing and touches no store.
dotnet bin/Debug/net10.0/Federated.Orders.dll codegen write | grep -E '^Wrote' || true
git -C "$REPO" status --short -- "$project/Internal/Generated"

#!/usr/bin/env bash
# Exports the feature subgraphs' SDL to Schema/<name>.graphql and composes Schema/supergraph.graphql
# with the same composition as the product's (schema/compose.mjs, @theguild/federation-composition).
#   tests/Federated.Gateway.FeatureGraphs/compose.sh            build, export and compose; commit the result
#   tests/Federated.Gateway.FeatureGraphs/compose.sh --check    no build: exit 1 if the committed files are out of date
# FEATURE_GRAPHS_CONFIGURATION: the build to export from (default Debug).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
configuration="${FEATURE_GRAPHS_CONFIGURATION:-Debug}"
dll="$HERE/bin/$configuration/net10.0/Federated.Gateway.FeatureGraphs.dll"
# The URLs composed into the supergraph; the tests replace them with the ports they started on.
export FEDERATED_HOST=127.0.0.1
export FEDERATED_SUBGRAPHS="accounts=5201 products=5202 inventory=5203 reviews=5204"

check=false
[ "${1:-}" = "--check" ] && check=true
"$REPO/eng/npm-ci-if-needed.sh" "$REPO/schema"

if ! $check; then
  echo "feature graphs: building"
  dotnet build "$HERE" -c "$configuration" --nologo -v quiet -clp:ErrorsOnly
fi
[ -f "$dll" ] || { echo "feature graphs: $dll does not exist: build tests/Federated.Gateway.FeatureGraphs" >&2; exit 1; }

exported="$(mktemp -d)"
trap 'rm -rf "$exported"' EXIT
dotnet "$dll" --export-schema "$exported"

if $check; then
  for name in ${FEDERATED_SUBGRAPHS}; do
    name="${name%%=*}"
    if ! diff -u "$HERE/Schema/$name.graphql" "$exported/$name.graphql"; then
      echo "feature graphs: Schema/$name.graphql differs from what the $name subgraph serves; run $0 and commit it" >&2
      exit 1
    fi
  done
  exec node "$REPO/schema/compose.mjs" --check --sdl-dir "$HERE/Schema" --out "$HERE/Schema/supergraph.graphql"
fi

cp "$exported"/*.graphql "$HERE/Schema/"
exec node "$REPO/schema/compose.mjs" --sdl-dir "$HERE/Schema" --out "$HERE/Schema/supergraph.graphql"

#!/usr/bin/env bash
# Builds the subgraphs, writes each one's SDL to schema/<name>.graphql and recomposes
# schema/supergraph.graphql. Run it after any schema change and commit the result.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=services.env
source "$REPO/eng/services.env"

echo "export-schema: building the subgraphs"
dotnet build "$REPO/Federated.sln" --nologo -v quiet -clp:ErrorsOnly

for entry in $FEDERATED_SUBGRAPHS; do
  name="${entry%%=*}"
  project="Federated.${name^}"
  echo "export-schema: $name -> schema/$name.graphql"
  dotnet "$REPO/subgraphs/$project/bin/Debug/net10.0/$project.dll" --export-schema "$REPO/schema/$name.graphql" >/dev/null
done

"$REPO/eng/compose.sh"

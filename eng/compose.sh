#!/usr/bin/env bash
# Composes schema/<subgraph>.graphql (every subgraph in FEDERATED_SUBGRAPHS) into
# schema/supergraph.graphql.
#   eng/compose.sh            write the supergraph (only if it changed)
#   eng/compose.sh --check    exit 1 if the committed supergraph is out of date
# FEDERATED_SDL_DIR / --sdl-dir DIR read the SDL files from elsewhere;
# FEDERATED_SUPERGRAPH / --out FILE write elsewhere.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=services.env
source "$REPO/eng/services.env"
export FEDERATED_HOST FEDERATED_SUBGRAPHS
"$REPO/eng/npm-ci-if-needed.sh" "$REPO/schema"
exec node "$REPO/schema/compose.mjs" "$@"

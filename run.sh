#!/usr/bin/env bash
# Runs the whole system in the foreground on its embedded defaults: PostgreSQL and Redis
# on loopback (data in .data/), every subgraph (seeded with demo data on first start) and
# the gateway on http://127.0.0.1:4000/graphql. Ctrl+C or SIGTERM stops all of it.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=eng/services.env
source "$REPO/eng/services.env"
configuration="${FEDERATED_CONFIGURATION:-Release}"

pids=()
stack_started=false
stopping=false
stop() {
  $stopping && return
  stopping=true
  trap - INT TERM
  echo "run: stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if $stack_started; then "$REPO/eng/stack.sh" stop; fi
  echo "run: stopped"
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Prefixes a process's output with its name, keeping $! the process itself.
start() {
  local name="$1"; shift
  "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=("$!")
}

wait_ready() {
  local name="$1" url="$2" deadline=$((SECONDS + 180))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "run: $name did not become ready at $url" >&2; exit 1; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "run: a process exited during start-up" >&2; exit 1; }
    done
    sleep 0.5
  done
}

"$REPO/eng/stack.sh" status >/dev/null 2>&1 || stack_started=true
"$REPO/eng/stack.sh" start

echo "run: building ($configuration)"
dotnet build "$REPO/Federated.sln" -c "$configuration" --nologo -v quiet -clp:ErrorsOnly

# Every subgraph learns every subgraph's URL (orders calls the catalog's internal operations).
for entry in $FEDERATED_SUBGRAPHS; do
  export "Subgraphs__${entry%%=*}__Url=http://$FEDERATED_HOST:${entry##*=}/graphql"
done
for entry in $FEDERATED_SUBGRAPHS; do
  name="${entry%%=*}" port="${entry##*=}"
  project="Federated.${name^}"
  echo "run: starting $name on http://$FEDERATED_HOST:$port/graphql"
  # Every subgraph verifies tokens; only the users service signs them.
  signing_key=""
  service_signing_key=""
  webhook_secret=""
  if [ "$name" = users ]; then signing_key="$(cat "$FEDERATED_IDENTITY_SIGNING_KEY_FILE")"; fi
  if [ "$name" = orders ]; then
    service_signing_key="$(cat "$FEDERATED_SERVICE_SIGNING_KEY_FILE")"
    webhook_secret="$FEDERATED_PAYMENT_WEBHOOK_SECRET"
  fi
  Identity__Issuer="$FEDERATED_IDENTITY_ISSUER" \
  Identity__Audience="$FEDERATED_IDENTITY_AUDIENCE" \
  Identity__PublicKey="$(cat "$FEDERATED_IDENTITY_PUBLIC_KEY_FILE")" \
  Identity__ServicePublicKey="$(cat "$FEDERATED_SERVICE_PUBLIC_KEY_FILE")" \
  Identity__SigningKey="$signing_key" \
  Identity__ServiceSigningKey="$service_signing_key" \
  Payments__Webhooks__Secret="$webhook_secret" \
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
  ASPNETCORE_URLS="http://$FEDERATED_HOST:$port" \
  ConnectionStrings__Postgres="Host=$FEDERATED_HOST;Port=$FEDERATED_PG_PORT;Username=$FEDERATED_PG_USER;Database=$name" \
  ConnectionStrings__Redis="$FEDERATED_HOST:$FEDERATED_REDIS_PORT" \
    start "$name" dotnet "$REPO/subgraphs/$project/bin/$configuration/net10.0/$project.dll"
done
for entry in $FEDERATED_SUBGRAPHS; do
  wait_ready "${entry%%=*}" "http://$FEDERATED_HOST:${entry##*=}/health/ready"
done

# The .NET gateway (gateway/Federated.Gateway); the reference gateway (gateway/reference)
# serves the tests and benchmarks only.
start gateway "$REPO/gateway/Federated.Gateway/run.sh" "$REPO/schema/supergraph.graphql"
wait_ready gateway "http://$FEDERATED_HOST:$FEDERATED_GATEWAY_PORT/health"
echo "run: the graph is ready at http://$FEDERATED_HOST:$FEDERATED_GATEWAY_PORT/graphql (Ctrl+C stops everything)"

# Run until a process exits or a signal arrives.
wait -n "${pids[@]}" || true
echo "run: a process exited; stopping the rest" >&2
exit 1

// Hive Gateway: the reference federation gateway that tests and benchmarks compare
// the .NET gateway against. This file is the one place it is configured; start it
// with gateway/reference/run.sh.
//
// Environment (all optional):
//   FEDERATED_SUPERGRAPH             supergraph file (default <repo>/schema/supergraph.graphql)
//   FEDERATED_GATEWAY_HOST           listen host (default $FEDERATED_HOST or 127.0.0.1)
//   FEDERATED_GATEWAY_PORT           listen port (default 4000)
//   FEDERATED_SUBGRAPH_URL_<NAME>    replaces the URL of subgraph <name> taken from the
//                                    supergraph, e.g. FEDERATED_SUBGRAPH_URL_CATALOG
//   FEDERATED_GATEWAY_RUNTIME        "router" (default: Rust query planner) or "js"
//   FEDERATED_GATEWAY_LOG_LEVEL      debug | info | warn | error (default info)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@graphql-hive/gateway';

const env = process.env;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PREFIX = 'FEDERATED_SUBGRAPH_URL_';

const envKey = (name) => PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');

// Per-subgraph URL overrides. Names known from FEDERATED_SUBGRAPHS keep their exact
// spelling; any other FEDERATED_SUBGRAPH_URL_<X> applies to subgraph "<x>" (lowercased).
function subgraphUrlOverrides() {
  const entries = {};
  const known = (env.FEDERATED_SUBGRAPHS || '').split(/\s+/).filter(Boolean).map((e) => e.split('=')[0]);
  const claimed = new Set();
  for (const name of known) {
    const url = env[envKey(name)];
    claimed.add(envKey(name));
    if (url) entries[name] = { location: url };
  }
  for (const [key, url] of Object.entries(env)) {
    if (key.startsWith(PREFIX) && !claimed.has(key) && url) {
      entries[key.slice(PREFIX.length).toLowerCase()] = { location: url };
    }
  }
  return entries;
}

const overrides = subgraphUrlOverrides();
for (const [name, { location }] of Object.entries(overrides)) {
  console.error(`gateway: subgraph ${name} -> ${location} (override)`);
}

let unifiedGraphHandler;
if ((env.FEDERATED_GATEWAY_RUNTIME || 'router') === 'router') {
  ({ unifiedGraphHandler } = await import('@graphql-hive/router-runtime'));
}

export const gatewayConfig = defineConfig({
  supergraph: env.FEDERATED_SUPERGRAPH || join(repo, 'schema', 'supergraph.graphql'),
  host: env.FEDERATED_GATEWAY_HOST || env.FEDERATED_HOST || '127.0.0.1',
  port: Number(env.FEDERATED_GATEWAY_PORT || 4000),
  graphqlEndpoint: '/graphql',
  logging: env.FEDERATED_GATEWAY_LOG_LEVEL || 'info',
  ...(unifiedGraphHandler ? { unifiedGraphHandler } : {}),
  transportEntries: {
    // Identical in-flight subgraph requests are sent, not merged: merging flatters benchmarks.
    '*.http': { options: { deduplicateInflightRequests: false } },
    ...overrides,
  },
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },
});

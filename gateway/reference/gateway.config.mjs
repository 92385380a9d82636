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
//   FEDERATED_IDENTITY_PUBLIC_KEY_FILE, FEDERATED_IDENTITY_ISSUER, FEDERATED_IDENTITY_AUDIENCE
//                                    how access tokens are verified (from eng/services.env)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInlineSigningKeyProvider, defineConfig, useJWT } from '@graphql-hive/gateway';

const env = process.env;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PREFIX = 'FEDERATED_SUBGRAPH_URL_';

function requireEnv(name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (gateway/reference/run.sh sets it from eng/services.env)`);
  return value;
}

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
  // A request with a bearer token is refused (401) unless the token is an ES256 JWT signed by
  // the users service, for this audience, not expired; without one it goes on anonymously.
  // The subgraphs verify the forwarded token again: they trust no header but Authorization.
  // The plugin is added here rather than through the `jwt` option so that its refusals can
  // carry extensions.code UNAUTHENTICATED (see withUnauthenticatedCode).
  plugins: () => [
    withUnauthenticatedCode(useJWT({
      signingKeyProviders: [createInlineSigningKeyProvider(readFileSync(requireEnv('FEDERATED_IDENTITY_PUBLIC_KEY_FILE'), 'utf8'))],
      tokenVerification: {
        algorithms: ['ES256'],
        issuer: requireEnv('FEDERATED_IDENTITY_ISSUER'),
        audience: requireEnv('FEDERATED_IDENTITY_AUDIENCE'),
        clockTolerance: 30,
      },
      reject: { missingToken: false, invalidToken: true },
      forward: { payload: false, token: false },
    })),
  ],
  propagateHeaders: {
    fromClientToSubgraphs({ request, context }) {
      const headers = {};
      const authorization = request.headers.get('authorization');
      if (authorization) headers.authorization = authorization;
      // A guest's cart (API.md): the orders subgraph reads it, nobody else.
      const cartId = request.headers.get('x-cart-id');
      if (cartId) headers['x-cart-id'] = cartId;
      // The client's own address, for sign-in throttling; whatever the client sent is dropped.
      const address = context?.req?.socket?.remoteAddress;
      if (address) headers['x-forwarded-for'] = address;
      return headers;
    },
  },
});

// The JWT plugin (@graphql-yoga/plugin-jwt 3.x, under @graphql-mesh/plugin-jwt-auth) refuses a
// bad token by throwing a GraphQLError from its onRequestParse/onContextBuilding hooks, with
// only extensions.http.status set: 401 for a token that fails verification, 400 for one that
// does not decode or has another scheme than Bearer. It has no option for the error's code, so
// this wraps those hooks: any GraphQLError they throw becomes a 401 with
// extensions.code UNAUTHENTICATED, as the subgraphs answer. Other errors (a signing key that
// cannot be read) pass through and are masked as internal errors.
function withUnauthenticatedCode(plugin) {
  const refuse = (error) => {
    if (error?.name !== 'GraphQLError') throw error;
    throw new error.constructor(error.message, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
    });
  };
  const guard = (hook) => hook && ((...args) => {
    try {
      const result = hook(...args);
      return typeof result?.then === 'function' ? result.then(undefined, refuse) : result;
    } catch (error) {
      return refuse(error);
    }
  });
  return {
    ...plugin,
    onPluginInit(init) {
      plugin.onPluginInit?.({
        ...init,
        addPlugin: (added) => init.addPlugin({
          ...added,
          onRequestParse: guard(added.onRequestParse),
          onContextBuilding: guard(added.onContextBuilding),
        }),
      });
    },
  };
}

/** `GET /.well-known/jwks.json` (public: other nodes verify this node's messages with it) and key rotation. */
import type { NodeIdentity } from '../identity/node-identity.ts';
import type { FederationContext } from '../federation-context.ts';
import { federationRoute, type AnyFederationRoute } from './route-contract.ts';

export function wellKnownRoutes(identity: NodeIdentity): AnyFederationRoute[] {
  return [federationRoute({
    method: 'GET', path: '/.well-known/jwks.json', summary: '本节点公钥 (this node\'s public keys, JWKS)',
    handler: (ctx) => {
      ctx.set('Cache-Control', 'public, max-age=60');
      ctx.body = identity.jwks();
    },
  })];
}

/** `POST /api/v1/federation/keys/rotate` (behind the API's authentication; takes no body). */
export function keyAdminRoutes(identity: NodeIdentity, nodeCode: string, now: () => Date, unit: Pick<FederationContext, 'transaction' | 'afterCommit'>): AnyFederationRoute[] {
  return [federationRoute({
    method: 'POST', path: '/federation/keys/rotate', summary: '轮换节点密钥 (rotate the node key, announcing the new one)', body: 'none',
    handler: async (ctx) => {
      // Written with the request's audit entry; the new key signs once both committed.
      const ring = await unit.transaction((sql) => identity.rotate(now(), nodeCode, { sql, afterCommit: unit.afterCommit }));
      ctx.body = { currentKid: ring.currentKid, keys: ring.toJSON().keys };
    },
  })];
}

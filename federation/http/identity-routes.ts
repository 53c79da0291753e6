/** `GET /.well-known/jwks.json` (public: other nodes verify this node's messages with it). */
import Router from '@koa/router';
import type { NodeIdentity } from '../identity/node-identity.ts';
import type { FederationContext } from '../federation-context.ts';

export function wellKnownRouter(identity: NodeIdentity): Router {
  const router = new Router();
  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = identity.jwks();
  });
  return router;
}

/** `POST /api/v1/federation/keys/rotate` (behind the API's authentication; takes no body, which `validate` checks). */
export function keyAdminRouter(
  identity: NodeIdentity, nodeCode: string, now: () => Date, validate: (schemaFile: string, data: unknown) => void,
  unit: Pick<FederationContext, 'transaction' | 'afterCommit'>,
): Router {
  const router = new Router();
  router.post('/federation/keys/rotate', async (ctx) => {
    validate('no-body.schema.json', ctx.request.body ?? {});
    // Written with the request's audit entry; the new key signs once both committed.
    const ring = await unit.transaction((sql) => identity.rotate(now(), nodeCode, { sql, afterCommit: unit.afterCommit }));
    ctx.body = { currentKid: ring.currentKid, keys: ring.toJSON().keys };
  });
  return router;
}

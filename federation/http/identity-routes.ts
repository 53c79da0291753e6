/** `GET /.well-known/jwks.json` (public: other nodes verify this node's messages with it). */
import Router from '@koa/router';
import type { NodeIdentity } from '../identity/node-identity.ts';

export function wellKnownRouter(identity: NodeIdentity): Router {
  const router = new Router();
  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = identity.jwks();
  });
  return router;
}

/** `POST /api/v1/federation/keys/rotate` (behind the API's authentication; takes no body, which `validate` checks). */
export function keyAdminRouter(identity: NodeIdentity, nodeCode: string, now: () => Date, validate: (schemaFile: string, data: unknown) => void): Router {
  const router = new Router();
  router.post('/federation/keys/rotate', async (ctx) => {
    validate('no-body.schema.json', ctx.request.body ?? {});
    const ring = await identity.rotate(now(), nodeCode);
    ctx.body = { currentKid: ring.currentKid, keys: ring.toJSON().keys };
  });
  return router;
}

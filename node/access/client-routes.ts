/** `/api/v1/clients`: department business systems and their secrets (each shown once). */
import Router from '@koa/router';
import type { RequestState } from '../http/state.ts';
import { noBody } from '../http/validation.ts';
import { decodeCursor, encodeCursor, parseLimit } from '../http/query-params.ts';
import { ApiClient } from './api-client.entity.ts';
import { presentClient } from './access-presenters.ts';
import { createClient, rotateClientSecret, updateClient } from './client-service.ts';

export function clientRouter(deps: { now: () => Date }): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/clients', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const after = decodeCursor(ctx.query.cursor);
    const rows = await ctx.state.em.find(ApiClient, after ? { id: { $gt: after } } : {}, { orderBy: { id: 'asc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    ctx.body = { items: page.map(presentClient), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null };
  });

  router.post('/clients', async (ctx) => {
    const { client, clientSecret } = await createClient(ctx.state.em, ctx.request.body, deps.now());
    ctx.state.audit = { record: `client:${client.id}`, details: { name: client.name, departments: client.departments } };
    ctx.status = 201;
    ctx.body = { ...presentClient(client), clientSecret };
  });

  router.patch('/clients/:id', async (ctx) => {
    const client = await updateClient(ctx.state.em, ctx.params.id ?? '', ctx.request.body);
    ctx.state.audit = { record: `client:${client.id}`, details: { changed: Object.keys(ctx.request.body as object), departments: client.departments, disabled: client.disabled } };
    ctx.body = presentClient(client);
  });

  router.post('/clients/:id/secret', noBody, async (ctx) => {
    const { client, clientSecret } = await rotateClientSecret(ctx.state.em, ctx.params.id ?? '');
    ctx.state.audit = { record: `client:${client.id}`, details: { secretVersion: client.secretVersion } };
    ctx.body = { ...presentClient(client), clientSecret };
  });

  return router;
}

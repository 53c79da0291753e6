/** `/api/v1/users`: the node administrator's list of people, and changes to their accounts. */
import Router from '@koa/router';
import type { RequestState } from '../http/state.ts';
import { noBody } from '../http/validation.ts';
import { decodeCursor, encodeCursor, parseLimit } from '../http/query-params.ts';
import { User } from './user.entity.ts';
import { presentUser } from './access-presenters.ts';
import { createUser, findUser, updateUser } from './user-service.ts';
import { revokeUserSessions } from './sessions.ts';

export function userRouter(deps: { now: () => Date }): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/users', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const after = decodeCursor(ctx.query.cursor);
    const rows = await ctx.state.em.find(User, after ? { login: { $gt: after } } : {}, { orderBy: { login: 'asc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    ctx.body = { items: page.map(presentUser), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.login) : null };
  });

  router.post('/users', async (ctx) => {
    const user = await createUser(ctx.state.em, ctx.request.body, deps.now());
    ctx.state.audit = { record: `user:${user.id}`, details: { login: user.login, role: user.role, departments: user.departments } };
    ctx.status = 201;
    ctx.body = presentUser(user);
  });

  router.get('/users/:id', async (ctx) => {
    ctx.body = presentUser(await findUser(ctx.state.em, ctx.params.id ?? ''));
  });

  router.patch('/users/:id', async (ctx) => {
    const user = await updateUser(ctx.state.em, ctx.params.id ?? '', ctx.request.body, deps.now());
    // Which fields changed, never the new password itself.
    const changed = Object.keys(ctx.request.body as object);
    ctx.state.audit = { record: `user:${user.id}`, details: { changed, role: user.role, departments: user.departments, disabled: user.disabled } };
    ctx.body = presentUser(user);
  });

  router.delete('/users/:id/sessions', noBody, async (ctx) => {
    const user = await findUser(ctx.state.em, ctx.params.id ?? '');
    const revoked = await revokeUserSessions(ctx.state.em, user.id, deps.now(), 'revokedByAdmin');
    ctx.state.audit = { record: `user:${user.id}`, details: { revokedSessions: revoked } };
    ctx.status = 204;
  });

  return router;
}

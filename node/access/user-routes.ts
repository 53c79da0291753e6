/** `/api/v1/users`: the node administrator's list of people, and changes to their accounts (route contracts). */
import Type from 'typebox';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, textKey } from '../core/pagination.ts';
import { presentUser } from './access-presenters.ts';
import { countUsers, listUsers } from './access-lists.ts';
import { createUser, findUser, updateUser } from './user-service.ts';
import { revokeUserSessions } from './sessions.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function userRoutes(deps: { throttle: SignInThrottle; now: () => Date }): RouteShape[] {
  return [
    defineRoute({
      method: 'GET', path: '/users', summary: '用户列表, 按登录名 (users, by login)', query: listQuery({}),
      handler: async (ctx) => {
        ctx.body = await keysetPage(ctx.input.query, {
          parseKey: textKey, rows: (after, take) => listUsers(ctx.state.em, after, take), keyOf: (user) => user.login, count: () => countUsers(ctx.state.em),
        }, presentUser);
      },
    }),
    defineRoute({
      method: 'POST', path: '/users', summary: '新建用户 (create a user)', body: publishedBody<unknown>('access/user-create.schema.json'), response: { status: 201 },
      handler: async (ctx) => {
        const user = await createUser(ctx.state.em, ctx.input.body, deps.now());
        ctx.state.audit = { record: `user:${user.id}`, details: { login: user.login, role: user.role, departments: user.departments } };
        ctx.status = 201;
        ctx.body = presentUser(user);
      },
    }),
    defineRoute({
      method: 'GET', path: '/users/:id', summary: '一个用户 (one user)', params: UserParams,
      handler: async (ctx) => {
        ctx.body = presentUser(await findUser(ctx.state.em, ctx.input.params.id));
      },
    }),
    defineRoute({
      method: 'PATCH', path: '/users/:id', summary: '修改用户 (change a user)', params: UserParams, body: publishedBody<Record<string, unknown>>('access/user-update.schema.json'),
      handler: async (ctx) => {
        const user = await updateUser(ctx.state.em, ctx.input.params.id, ctx.input.body, deps.now());
        // Before the commit: an unlock that could not reach Redis fails the request instead of claiming success.
        if (ctx.input.body.unlock === true) await deps.throttle.clear(user.login);
        // Which fields changed, never the new password itself.
        ctx.state.audit = { record: `user:${user.id}`, details: { changed: Object.keys(ctx.input.body), role: user.role, departments: user.departments, disabled: user.disabled } };
        ctx.body = presentUser(user);
      },
    }),
    defineRoute({
      method: 'DELETE', path: '/users/:id/sessions', summary: '注销用户的全部会话 (end every session of a user)', params: UserParams, body: 'none', response: { status: 204 },
      handler: async (ctx) => {
        const user = await findUser(ctx.state.em, ctx.input.params.id);
        const revoked = await revokeUserSessions(ctx.state.em, user.id, deps.now(), 'revokedByAdmin');
        ctx.state.audit = { record: `user:${user.id}`, details: { revokedSessions: revoked } };
        ctx.status = 204;
      },
    }),
  ];
}

/** `/api/v1/clients`: department business systems and their secrets (each shown once): route contracts. */
import Type from 'typebox';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, textKey } from '../core/pagination.ts';
import { presentClient } from './access-presenters.ts';
import { countClients, listClients } from './access-lists.ts';
import { createClient, rotateClientSecret, updateClient } from './client-service.ts';

const ClientParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function clientRoutes(deps: { now: () => Date }): RouteShape[] {
  return [
    defineRoute({
      method: 'GET', path: '/clients', summary: '接入系统列表 (API clients)', query: listQuery({}),
      handler: async (ctx) => {
        ctx.body = await keysetPage(ctx.input.query, {
          parseKey: textKey, rows: (after, take) => listClients(ctx.state.em, after, take), keyOf: (client) => client.id, count: () => countClients(ctx.state.em),
        }, presentClient);
      },
    }),
    defineRoute({
      method: 'POST', path: '/clients', summary: '新建接入系统, 密钥只显示一次 (create an API client; its secret is shown once)',
      body: publishedBody<unknown>('access/client-create.schema.json'), response: { status: 201 },
      handler: async (ctx) => {
        const { client, clientSecret } = await createClient(ctx.state.em, ctx.input.body, deps.now());
        ctx.state.audit = { record: `client:${client.id}`, details: { name: client.name, departments: client.departments } };
        ctx.status = 201;
        ctx.body = { ...presentClient(client), clientSecret };
      },
    }),
    defineRoute({
      method: 'PATCH', path: '/clients/:id', summary: '修改接入系统 (change an API client)', params: ClientParams,
      body: publishedBody<Record<string, unknown>>('access/client-update.schema.json'),
      handler: async (ctx) => {
        const client = await updateClient(ctx.state.em, ctx.input.params.id, ctx.input.body);
        ctx.state.audit = { record: `client:${client.id}`, details: { changed: Object.keys(ctx.input.body), departments: client.departments, disabled: client.disabled } };
        ctx.body = presentClient(client);
      },
    }),
    defineRoute({
      method: 'POST', path: '/clients/:id/secret', summary: '更换密钥 (rotate the client secret)', params: ClientParams, body: 'none',
      handler: async (ctx) => {
        const { client, clientSecret } = await rotateClientSecret(ctx.state.em, ctx.input.params.id);
        ctx.state.audit = { record: `client:${client.id}`, details: { secretVersion: client.secretVersion } };
        ctx.body = { ...presentClient(client), clientSecret };
      },
    }),
  ];
}

/** `/api/v1/departments` and `/api/v1/items`: PUT (create or replace), GET one, keyset-paginated lists. */
import Router from '@koa/router';
import { AppError } from '../core/errors.ts';
import { assertSchema } from '../http/validation.ts';
import { decodeCursor, encodeCursor, parseCode, parseLimit } from '../http/query-params.ts';
import type { RequestState } from '../http/state.ts';
import { Department } from './department.entity.ts';
import { Item } from './item.entity.ts';
import { upsertDepartment, upsertItem, type ItemInput } from './catalog-service.ts';
import { presentDepartment, presentItem } from './catalog-presenters.ts';

function pathCode(raw: string, field: string): string {
  const code = parseCode(raw, field);
  if (!code) throw new AppError('INVALID_PARAMETER', { field, problem: 'required' });
  return code;
}

export function catalogRouter(): Router<RequestState> {
  const router = new Router<RequestState>();

  router.put('/departments/:code', async (ctx) => {
    const code = pathCode(ctx.params.code ?? '', 'code');
    assertSchema('department.schema.json', ctx.request.body);
    const { name } = ctx.request.body as { name: string };
    const { department, created } = await upsertDepartment(ctx.state.em, code, name);
    ctx.status = created ? 201 : 200;
    ctx.body = presentDepartment(department);
  });

  router.get('/departments/:code', async (ctx) => {
    const department = await ctx.state.em.findOne(Department, { code: pathCode(ctx.params.code ?? '', 'code') });
    if (!department) throw new AppError('NOT_FOUND', { department: ctx.params.code });
    ctx.body = presentDepartment(department);
  });

  router.get('/departments', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const after = decodeCursor(ctx.query.cursor);
    const rows = await ctx.state.em.find(Department, after ? { code: { $gt: after } } : {}, { orderBy: { code: 'asc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    ctx.body = { items: page.map(presentDepartment), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.code) : null };
  });

  router.put('/items/:itemCode', async (ctx) => {
    const itemCode = pathCode(ctx.params.itemCode ?? '', 'itemCode');
    assertSchema('item.schema.json', ctx.request.body); // fills defaults: limitUnit, fees, promisedVisits
    const { item, created } = await upsertItem(ctx.state.em, itemCode, ctx.request.body as ItemInput);
    ctx.status = created ? 201 : 200;
    ctx.body = presentItem(item);
  });

  router.get('/items/:itemCode', async (ctx) => {
    const item = await ctx.state.em.findOne(Item, { itemCode: pathCode(ctx.params.itemCode ?? '', 'itemCode') });
    if (!item) throw new AppError('NOT_FOUND', { item: ctx.params.itemCode });
    ctx.body = presentItem(item);
  });

  router.get('/items', async (ctx) => {
    const limit = parseLimit(ctx.query.limit);
    const after = decodeCursor(ctx.query.cursor);
    const departmentCode = parseCode(ctx.query.departmentCode, 'departmentCode');
    const where = {
      ...(after ? { itemCode: { $gt: after } } : {}),
      ...(departmentCode ? { departmentCode } : {}),
    };
    const rows = await ctx.state.em.find(Item, where, { orderBy: { itemCode: 'asc' }, limit: limit + 1 });
    const page = rows.slice(0, limit);
    ctx.body = { items: page.map(presentItem), nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.itemCode) : null };
  });

  return router;
}

/** `/api/v1/departments` and `/api/v1/items`: PUT (create or replace), GET one, keyset-paginated lists. */
import Type from 'typebox';
import { AppError } from '../core/errors.ts';
import { defineRoute, publishedBody, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, textKey } from '../core/pagination.ts';
import { Code } from '../core/schema-types.ts';
import { upsertDepartment, upsertItem, type ItemInput } from './catalog-service.ts';
import { presentDepartment, presentItem } from './catalog-presenters.ts';
import { countDepartments, countItems, findDepartment, findItem, listDepartments, listItems } from './catalog-store.ts';

const DepartmentParams = Type.Object({ code: Code('部门代码 (department code)') });
const ItemParams = Type.Object({ itemCode: Code('事项代码 (item code)') });

export function catalogRoutes(): RouteShape[] {
  return [
    defineRoute({
      method: 'PUT', path: '/departments/:code', summary: '新建或替换部门 (create or replace a department)',
      params: DepartmentParams, body: publishedBody<{ name: string }>('department.schema.json'), response: { status: 200, description: '201 when created' },
      handler: async (ctx) => {
        const { department, created } = await upsertDepartment(ctx.state.em, ctx.input.params.code, ctx.input.body.name);
        ctx.status = created ? 201 : 200;
        ctx.body = presentDepartment(department);
      },
    }),
    defineRoute({
      method: 'GET', path: '/departments/:code', summary: '一个部门 (one department)', params: DepartmentParams,
      handler: async (ctx) => {
        const department = await findDepartment(ctx.state.em, ctx.input.params.code);
        if (!department) throw new AppError('NOT_FOUND', { department: ctx.input.params.code });
        ctx.body = presentDepartment(department);
      },
    }),
    defineRoute({
      method: 'GET', path: '/departments', summary: '部门列表, 按代码 (departments, by code)', query: listQuery({}),
      handler: async (ctx) => {
        ctx.body = await keysetPage(ctx.input.query, {
          parseKey: textKey, rows: (after, take) => listDepartments(ctx.state.em, after, take), keyOf: (row) => row.code, count: () => countDepartments(ctx.state.em),
        }, presentDepartment);
      },
    }),
    defineRoute({
      method: 'PUT', path: '/items/:itemCode', summary: '新建或替换事项 (create or replace an item)',
      // The schema fills defaults: limitUnit, fees, promisedVisits.
      params: ItemParams, body: publishedBody<ItemInput>('item.schema.json'), response: { status: 200, description: '201 when created' },
      handler: async (ctx) => {
        const { item, created } = await upsertItem(ctx.state.em, ctx.input.params.itemCode, ctx.input.body);
        ctx.status = created ? 201 : 200;
        ctx.body = presentItem(item);
      },
    }),
    defineRoute({
      method: 'GET', path: '/items/:itemCode', summary: '一个事项 (one item)', params: ItemParams,
      handler: async (ctx) => {
        const item = await findItem(ctx.state.em, ctx.input.params.itemCode);
        if (!item) throw new AppError('NOT_FOUND', { item: ctx.input.params.itemCode });
        ctx.body = presentItem(item);
      },
    }),
    defineRoute({
      method: 'GET', path: '/items', summary: '事项列表, 按代码 (items, by code)', query: listQuery({ departmentCode: Type.Optional(Code()) }),
      handler: async (ctx) => {
        const departmentCode = ctx.input.query.departmentCode ?? null;
        ctx.body = await keysetPage(ctx.input.query, {
          parseKey: textKey, rows: (after, take) => listItems(ctx.state.em, departmentCode, after, take), keyOf: (row) => row.itemCode, count: () => countItems(ctx.state.em, departmentCode),
        }, presentItem);
      },
    }),
  ];
}

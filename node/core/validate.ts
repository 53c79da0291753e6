/**
 * The one `validate()` middleware: checks a route's path parameters, query and body against its
 * contract and leaves the checked input in `ctx.input` for the handler. Query and path values are
 * coerced to the schema's types (`?limit=20` is the integer 20, `?count=true` the boolean). A query
 * parameter the contract does not declare is refused naming it, so a misspelt filter never looks
 * like one that worked; an empty one (`?at=`) counts as absent.
 */
import type { Middleware } from 'koa';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Type from 'typebox';
import { AppError } from './errors.ts';
import { bilingual, schemaProblem } from './schema-problems.ts';
import { bodyProblem, compileParameters, noBody, problemOf, validatorFor } from '../http/validation.ts';
import type { RequestState } from '../http/state.ts';
import type { PublishedBody, RouteShape } from './route-contract.ts';

/** The query of a route that declares none: no parameter at all. */
const NO_QUERY = Type.Object({}, { additionalProperties: false });

/** The names a query or path schema accepts (for the message of an unknown one). */
function namesOf(schema: object): string[] {
  return Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
}

/**
 * INVALID_PARAMETER naming the query or path parameter (by its name, as the caller wrote it). On a
 * write, `at` gets its own words: a write is dated by the node's clock, never by its caller.
 */
function parameterProblem(errors: readonly ErrorObject[] | null | undefined, where: 'query' | 'path', accepted: string[], write: boolean): AppError {
  const error = errors?.[0];
  const field = problemOf(errors).field.replace(/^\//, '').split('/')[0] || where;
  if (error?.keyword === 'additionalProperties' && write && field === 'at') {
    const zh = '写入以节点时钟为准, at 只用于查询';
    const en = 'a write takes the node\'s clock; at is only for reads';
    return new AppError('INVALID_PARAMETER', { field, in: where, problem: `${zh} (${en})`, keyword: error.keyword }, `参数 at 不适用于写入: ${zh} (parameter at is refused on a write: ${en})`);
  }
  if (error?.keyword === 'additionalProperties') {
    const zh = `不是本接口的${where === 'query' ? '查询' : '路径'}参数, 可用参数: ${accepted.join(', ') || '无'}`;
    const en = `is not a ${where} parameter of this route; accepted: ${accepted.join(', ') || 'none'}`;
    return new AppError('INVALID_PARAMETER', { field, in: where, problem: `${zh} (${en})`, keyword: error.keyword }, `参数 ${field} ${zh} (parameter ${field} ${en})`);
  }
  const text = error ? schemaProblem(error) : { zh: '无效', en: 'invalid' };
  return new AppError('INVALID_PARAMETER', { field, in: where, problem: bilingual(text), ...(error ? { keyword: error.keyword } : {}) }, `参数 ${field} 无效: ${text.zh} (invalid parameter ${field}: ${text.en})`);
}

function withoutEmpty(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '' && value !== undefined));
}

function check(validator: ValidateFunction, values: Record<string, unknown>, where: 'query' | 'path', schema: object, write: boolean): Record<string, unknown> {
  if (!validator(values)) throw parameterProblem(validator.errors, where, namesOf(schema), write);
  return values;
}

/** Every published schema a route's body may be checked against. */
export function publishedBodiesOf(route: RouteShape): PublishedBody<unknown>[] {
  const body = route.body;
  if (typeof body !== 'object') return [];
  return 'schemaFile' in body ? [body] : [...Object.values(body.cases), body.otherwise];
}

/** The middleware checking `route`'s input; compiles its schemas once, when the route is mounted. */
export function validate(route: RouteShape): Middleware<RequestState> {
  const paramsSchema = route.params;
  const querySchema = route.query ?? NO_QUERY;
  const params = paramsSchema ? compileParameters(paramsSchema) : null;
  const query = compileParameters(querySchema);
  const body = route.body;
  const write = route.method !== 'GET';
  // Resolved now, so a contract naming a schema file that does not exist stops the node at start.
  for (const published of publishedBodiesOf(route)) validatorFor(published.schemaFile);
  return async (ctx, next) => {
    const routed = ctx as typeof ctx & { params?: Record<string, string>; input?: unknown };
    const input: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown } = { params: {}, query: {}, body: undefined };
    if (params && paramsSchema) input.params = check(params, { ...(routed.params ?? {}) }, 'path', paramsSchema, write);
    input.query = check(query, withoutEmpty({ ...ctx.query }), 'query', querySchema, write);
    if (body === 'none') {
      await noBody(ctx, async () => {});
    } else if (body === 'json' || body === 'jsonOrForm') {
      input.body = ctx.request.body;
    } else if (typeof body === 'object') {
      // Own keys only: a path parameter such as `__proto__` or `constructor` is no case of the table.
      const chosen = 'schemaFile' in body ? '' : String(input.params[body.byParam] ?? '');
      const published = 'schemaFile' in body ? body : (Object.hasOwn(body.cases, chosen) ? body.cases[chosen]! : body.otherwise);
      const value: unknown = ctx.request.body ?? (body === published ? undefined : {});
      const validator = validatorFor(published.schemaFile);
      if (!validator(value)) throw bodyProblem(problemOf(validator.errors));
      input.body = value;
    }
    routed.input = input;
    await next();
  };
}


/**
 * `GET /api/v1/openapi.json`: an OpenAPI 3.1 description of every route the node serves,
 * generated from the route contracts themselves (paths, path and query parameters from their
 * schemas, bodies by their published schemas under schemas/, the success answer, bearer security
 * and the one error shape), so it cannot drift from what `validate()` checks.
 */
import Type from 'typebox';
import type { TSchema } from 'typebox';
import { ERRORS } from './errors.ts';
import { defineRoute, type PublishedBody, type RouteShape } from './route-contract.ts';
import { publishedBodiesOf } from './validate.ts';
import { publishedSchemas } from '../http/validation.ts';

export interface OpenApiSource {
  /** Routes at the root (probes, node-to-node messages). */
  public: readonly RouteShape[];
  /** Routes under `apiPrefix`. */
  api: readonly RouteShape[];
  apiPrefix: string;
  title: string;
  /** The permission a route needs, by `METHOD /full/path` (`public`: no credentials). */
  permissionOf(routeKey: string): string;
}

type Json = Record<string, unknown>;

/** `schemas/access/login.schema.json` → `access.login`: the name of a published schema in components. */
export function componentName(schemaFile: string): string {
  return schemaFile.replace(/\.schema\.json$/, '').replaceAll('/', '.');
}

const ref = (body: PublishedBody<unknown>): Json => ({ $ref: `#/components/schemas/${componentName(body.schemaFile)}` });

/** A TypeBox schema as plain JSON (its non-enumerable markers left out). */
const plain = (schema: TSchema): Json => JSON.parse(JSON.stringify(schema)) as Json;

function parametersOf(schema: TSchema | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const object = plain(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) };
  });
}

function requestBodyOf(route: RouteShape): Json | undefined {
  const body = route.body;
  if (body === undefined || body === 'none') return undefined;
  if (body === 'raw') {
    return { required: true, content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } } };
  }
  if (body === 'json') return { required: true, content: { 'application/json': { schema: {} } } };
  if (body === 'jsonOrForm') return { required: true, content: { 'application/json': { schema: {} }, 'application/x-www-form-urlencoded': { schema: {} } } };
  const schemas = publishedBodiesOf(route).map(ref);
  return { required: true, content: { 'application/json': { schema: schemas.length === 1 ? schemas[0] : { oneOf: schemas } } } };
}

function responsesOf(route: RouteShape): Json {
  const response = route.response ?? {};
  const status = String(response.status ?? 200);
  const schema = response.schema === undefined ? undefined : 'schemaFile' in response.schema ? ref(response.schema as PublishedBody<unknown>) : plain(response.schema as TSchema);
  const content = status === '204' ? undefined : { [response.contentType ?? 'application/json']: { schema: schema ?? {} } };
  return {
    [status]: { description: response.description ?? route.summary, ...(content ? { content } : {}) },
    default: { description: '错误 (an error: {error: {code, message, details}})', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  };
}

/** `/alerts/:id/:action` → `/alerts/{id}/{action}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of `source`. */
export function openApiDocument(source: OpenApiSource): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const add = (route: RouteShape, prefix: string): void => {
    const fullPath = `${prefix}${route.path}`;
    const permission = source.permissionOf(`${route.method} ${fullPath}`);
    const operation: Json = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: `${route.method.toLowerCase()}${fullPath.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase())}`,
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      responses: responsesOf(route),
      security: permission === 'public' ? [] : [{ bearer: [] }],
      'x-permission': permission,
    };
    const body = requestBodyOf(route);
    if (body) operation.requestBody = body;
    (paths[openApiPath(fullPath)] ??= {})[route.method.toLowerCase()] = operation;
  };
  for (const route of source.public) add(route, '');
  for (const route of source.api) add(route, source.apiPrefix);

  const schemas: Record<string, Json> = Object.fromEntries(publishedSchemas().map(({ file, schema }) => [componentName(file), schema]));
  schemas.Error = {
    type: 'object', required: ['error'], additionalProperties: false,
    properties: {
      error: {
        type: 'object', required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', description: 'a code of the one error catalogue', examples: Object.keys(ERRORS) },
          message: { type: 'string', description: '中文 (English)' },
          details: { type: 'object', description: 'field (a JSON pointer for a body, the name for a parameter), problem (Chinese and English), keyword ...' },
        },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: `${source.title} API`, version: '1' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}

/** The route answering the description; it is part of what it describes. */
export function openApiRoutes(source: Omit<OpenApiSource, 'api'> & { api: RouteShape[] }): RouteShape[] {
  let document: Json | undefined;
  return [defineRoute({
    method: 'GET', path: '/openapi.json', summary: 'OpenAPI 3.1 接口说明, 由路由契约生成 (the OpenAPI 3.1 description, generated from the route contracts)',
    query: Type.Object({}, { additionalProperties: false }),
    handler: (ctx) => {
      // Built on first use: by then `api` holds this route too.
      document ??= openApiDocument(source);
      ctx.body = document;
    },
  })];
}

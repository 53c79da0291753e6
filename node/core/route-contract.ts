/**
 * A route is a contract: its method and path, a summary, the schemas of its path parameters,
 * query and body declared beside its handler, and what it answers. `defineRoute` types the
 * handler's `ctx.input` from those schemas (TypeBox for params and query; a published schema
 * under schemas/ for a body, typed by its hand-written interface); `routerOf` mounts contracts on
 * a Koa router behind one `validate()` middleware; node/core/openapi.ts describes them.
 *
 * Federation's routes are plain objects of the same shape (federation/http/route-contract.ts),
 * since federation imports nothing from node/; `routerOf` takes both.
 */
import Router, { type RouterContext } from '@koa/router';
import type { Static, TSchema } from 'typebox';
import type { RequestState } from '../http/state.ts';
import { validate } from './validate.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON body checked against `schemas/<schemaFile>`; `T` is its hand-written interface. */
export interface PublishedBody<T> {
  readonly schemaFile: string;
  /** Type only: never set. */
  readonly __body?: T;
}

/** A body whose published schema depends on a path parameter (e.g. the alert action). */
export interface SelectedBody<T> {
  readonly byParam: string;
  readonly cases: Readonly<Record<string, PublishedBody<unknown>>>;
  readonly otherwise: PublishedBody<unknown>;
  /** Type only: never set. */
  readonly __body?: T;
}

/**
 * The body of a route: a published schema (or one chosen by a path parameter), `none` (nothing or
 * `{}`), `json` (any JSON, read by the handler's own rules), `jsonOrForm` (the same, or a
 * form-encoded body read as an object of strings: the OAuth token request, node/http/form-body.ts),
 * or `raw` (the handler reads the stream itself).
 */
export type BodySpec = PublishedBody<unknown> | SelectedBody<unknown> | 'none' | 'json' | 'jsonOrForm' | 'raw';

/** What a route answers when it succeeds. */
export interface ResponseSpec {
  status?: number;
  description?: string;
  /** The answer's media type, when not JSON (e.g. Prometheus text). */
  contentType?: string;
  /** Its schema: inline (TypeBox), or a published file. */
  schema?: TSchema | PublishedBody<unknown>;
}

/** `schemas/<schemaFile>` as a route body typed `T`. */
export function publishedBody<T>(schemaFile: string): PublishedBody<T> {
  return { schemaFile };
}

type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback;
type BodyOf<B> = B extends PublishedBody<infer T> ? T : B extends SelectedBody<infer T> ? T : B extends 'json' | 'jsonOrForm' ? unknown : undefined;

/** The checked input a handler reads: params and query coerced to their schemas' types, the body as published. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** The Koa context of a contract's handler, with its checked input. */
export type RouteContext<I> = RouterContext<RequestState> & { input: I };

/** The contract as the node mounts and describes it; the handler's input type is erased here. */
export interface RouteShape {
  method: HttpMethod;
  /** Koa-router path, e.g. `/alerts/:id`. */
  path: string;
  summary: string;
  description?: string;
  params?: TSchema;
  query?: TSchema;
  body?: BodySpec;
  response?: ResponseSpec;
  /** The router calls it with a RouteContext whose input conforms to the schemas above. */
  handler: (ctx: never) => unknown;
}

export interface RouteContract<P extends TSchema | undefined, Q extends TSchema | undefined, B extends BodySpec | undefined> extends RouteShape {
  params?: P;
  query?: Q;
  body?: B;
  handler: (ctx: RouteContext<RouteInput<StaticOr<P, Record<string, never>>, StaticOr<Q, Record<string, never>>, BodyOf<B>>>) => unknown;
}

/** Declares a route; the types of `ctx.input` follow from its schemas. */
export function defineRoute<P extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, B extends BodySpec | undefined = undefined>(
  contract: RouteContract<P, Q, B>,
): RouteContract<P, Q, B> {
  return contract;
}

/** A body checked against the schema `cases[params[byParam]]`, else `otherwise`; typed `T`. */
export function selectedBody<T>(byParam: string, cases: Record<string, PublishedBody<unknown>>, otherwise: PublishedBody<unknown>): SelectedBody<T> {
  return { byParam, cases, otherwise };
}

/** A router holding `routes`, each behind `validate()`; `prefix` is the router's own (e.g. `/api/v1`). */
export function routerOf(routes: readonly RouteShape[], prefix?: string): Router<RequestState> {
  const router = new Router<RequestState>(prefix ? { prefix } : {});
  for (const route of routes) {
    const run = route.handler as (ctx: RouteContext<RouteInput<unknown, unknown, unknown>>) => unknown;
    const chain = [validate(route), async (ctx: RouterContext<RequestState>) => {
      await run(ctx as RouteContext<RouteInput<unknown, unknown, unknown>>);
    }] as const;
    // The method helpers, not register(): GET also answers HEAD, as before.
    if (route.method === 'GET') router.get(route.path, ...chain);
    else if (route.method === 'POST') router.post(route.path, ...chain);
    else if (route.method === 'PUT') router.put(route.path, ...chain);
    else if (route.method === 'PATCH') router.patch(route.path, ...chain);
    else router.delete(route.path, ...chain);
  }
  return router;
}

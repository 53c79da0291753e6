/**
 * Federation's routes as plain contract objects: method, path, summary, the schemas of params,
 * query and body, and a handler reading a checked `ctx.input`. Federation imports nothing from
 * node/, so this is its own small type; it has the shape of the node's route contracts
 * (node/core/route-contract.ts), which mount, validate and describe these objects at wiring time.
 */
import type { Static, TSchema } from 'typebox';

export type FederationMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON body checked against `schemas/<schemaFile>`; `T` is its hand-written interface. */
export interface FederationBody<T> {
  readonly schemaFile: string;
  /** Type only: never set. */
  readonly __body?: T;
}

/** `schemas/<schemaFile>` as a route body typed `T`. */
export function federationBody<T>(schemaFile: string): FederationBody<T> {
  return { schemaFile };
}

/** What a federation handler may use of the request context: its checked input and the answer. */
export interface FederationRouteContext<I> {
  input: I;
  status: number;
  body: unknown;
  set(field: string, value: string): void;
}

type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback;
type BodyOf<B> = B extends FederationBody<infer T> ? T : undefined;

export interface FederationRoute<P extends TSchema | undefined, Q extends TSchema | undefined, B extends FederationBody<unknown> | 'none' | undefined> {
  method: FederationMethod;
  path: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  response?: { status?: number; description?: string };
  handler: (ctx: FederationRouteContext<{ params: StaticOr<P, Record<string, never>>; query: StaticOr<Q, Record<string, never>>; body: BodyOf<B> }>) => unknown;
}

/** Any federation route, its input type erased (what a router factory takes). */
export type AnyFederationRoute = Omit<FederationRoute<TSchema | undefined, TSchema | undefined, FederationBody<unknown> | 'none' | undefined>, 'handler'> & { handler: (ctx: never) => unknown };

/** Declares a federation route; the types of `ctx.input` follow from its schemas. */
export function federationRoute<P extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, B extends FederationBody<unknown> | 'none' | undefined = undefined>(
  route: FederationRoute<P, Q, B>,
): FederationRoute<P, Q, B> {
  return route;
}

/** What a caller asked of a keyset page (`?limit=&cursor=&count=`). */
export interface PageRequest {
  limit?: number;
  cursor?: string;
  count?: boolean;
}

/** How one list reads its rows (the node's one pagination helper drives it). */
export interface KeysetSource<Row, K> {
  parseKey(text: string): K | null;
  rows(after: K | null, take: number): Promise<Row[]>;
  keyOf(row: Row): string;
  count(): Promise<number>;
}

/** The node's keyset pagination, handed to federation at wiring time (node/core/pagination.ts). */
export type KeysetPager = <Row, K, Out>(request: PageRequest, source: KeysetSource<Row, K>, present: (row: Row) => Out) => Promise<{ items: Out[]; nextCursor: string | null; total?: number }>;

/**
 * Fastens the route policy onto routers: each route's own middleware chain starts with a check of
 * the caller's permission for that route, which also leaves the caller's scope in `ctx.state.access`.
 * A route that the policy table does not name stops the node from starting.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { AppError } from '../core/errors.ts';
import type { RequestState } from '../http/state.ts';
import { accessOf } from './access-scope.ts';
import { hasPermission } from './permissions.ts';
import { ROUTE_POLICY, type RouteRule } from './route-policy.ts';

/** `METHOD /path` of every route a router holds (HEAD, added by the router for GET, left out). */
export function routeKeys(router: Router<RequestState>): string[] {
  return router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${String(layer.path)}`));
}

function guard(rule: RouteRule): Middleware<RequestState> {
  return async (ctx, next) => {
    if (rule === 'public') return next();
    const principal = ctx.state.principal;
    if (!principal) throw new AppError('UNAUTHORIZED');
    const permission = typeof rule === 'function' ? rule((ctx as unknown as { params: Record<string, string | undefined> }).params) : rule;
    if (!hasPermission(principal.role, permission)) throw new AppError('FORBIDDEN', { permission, role: principal.role });
    ctx.state.access = accessOf(principal);
    return next();
  };
}

/** What `METHOD /path` needs, for the API description: `public`, a permission, or the permissions a parameter chooses between. */
export function permissionName(routeKey: string): string {
  const rule = ROUTE_POLICY[routeKey];
  if (rule === undefined) return 'unknown';
  if (typeof rule !== 'function') return rule;
  return 'depends on the path parameters (alerts:respond for explain and appeal, else alerts:decide)';
}

/** Puts the guard first on every route of `router`; throws naming any route the policy does not cover. */
export function guardRoutes(router: Router<RequestState>): Router<RequestState> {
  const missing: string[] = [];
  for (const layer of router.stack) {
    const methods = layer.methods.filter((method) => method !== 'HEAD');
    if (methods.length === 0) continue; // router.use() middleware, not a route
    const rules = methods.map((method) => ROUTE_POLICY[`${method} ${String(layer.path)}`]);
    if (rules.some((rule) => rule === undefined) || new Set(rules).size !== 1) {
      missing.push(...methods.map((method) => `${method} ${String(layer.path)}`));
      continue;
    }
    layer.stack.unshift(guard(rules[0]!) as (typeof layer.stack)[number]);
  }
  if (missing.length > 0) throw new Error(`routes without an access rule in node/access/route-policy.ts: ${missing.join(', ')}`);
  return router;
}

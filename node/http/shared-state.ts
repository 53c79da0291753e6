/**
 * Several processes may serve one node. What each holds in memory from the database, the
 * calendar and policy (TimeRules) and the signing keys (NodeIdentity), is compared with the database
 * before each request, in one small read: a rule change or key rotation committed through another
 * process is in force here from the next request on, not eventually.
 */
import type { Middleware } from 'koa';
import type { TimeRules } from '../timelimits/time-rules.ts';
import type { NodeIdentity } from '../../federation/index.ts';
import { query } from '../core/db.ts';
import type { RequestState } from './state.ts';

export interface SharedStateDeps {
  rules: TimeRules;
  identity: NodeIdentity;
}

/** Mounted after the request context (it reads through `ctx.state.em`) and before authentication. */
export function sharedState(deps: SharedStateDeps): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      const [row] = await query<{ rules: string | null; kid: string | null }>(ctx.state.em,
        'SELECT (SELECT version FROM rules_version) AS rules, (SELECT kid FROM node_keys WHERE retired_at IS NULL LIMIT 1) AS kid');
      if (Number(row?.rules ?? 0) > deps.rules.current.version) await deps.rules.reload(ctx.state.em);
      await deps.identity.refresh(row?.kid ?? null);
    } catch (error) {
      // The health probe must answer (503) when the database is away; every other request fails here.
      if (ctx.path !== '/health') throw error;
    }
    return next();
  };
}

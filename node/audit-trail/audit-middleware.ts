/**
 * Records every change a caller makes in the audit trail: each request that is not a read and
 * that carries a principal (or that a sign-in handler described in `ctx.state.audit`), once its
 * handler finished or threw, so refused attempts by authenticated callers are there too with
 * their status. Accepted node-to-node messages are recorded as actor `node`.
 *
 * An entry holds who, role, what (`METHOD <route pattern>`), which record, when (the node's
 * clock), from which address, the request id and the status answered; never the request body,
 * which carries passwords and ID numbers. A change that succeeded but whose entry could not be
 * stored does not answer success: the caller gets 503 AUDIT_UNAVAILABLE (the change may have been
 * applied) and the whole entry goes to the error log, so no change is silently left unaudited.
 */
import canonicalize from 'canonicalize';
import type { Middleware, ParameterizedContext } from 'koa';
import { actorName } from '../access/principal.ts';
import { AppError } from '../core/errors.ts';
import type { RequestState } from '../http/state.ts';
import type { AuditFacts } from './audit-chain.ts';
import { appendAudit, type AuditDatabase } from './audit-store.ts';
import { federationSender, isAuditedFederationRoute } from './federation-sender.ts';

export interface AuditTrailDeps {
  db: AuditDatabase;
  now: () => Date;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

type RoutedContext = ParameterizedContext<RequestState> & { _matchedRoute?: string; params?: Record<string, string> };

/** The status the error renderer will answer for `error` (as it does: a 4xx kept, anything unknown 500). */
function statusOf(error: unknown): number {
  if (error instanceof AppError) return error.status;
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** The entry of this request, or null when it is not one the trail records. */
function factsOf(ctx: RoutedContext, status: number, at: Date): AuditFacts | null {
  const action = `${ctx.method} ${ctx._matchedRoute ?? ctx.path}`;
  const principal = ctx.state.principal;
  const described = ctx.state.audit;
  let actor: string;
  let details = described?.details ?? {};
  if (principal) actor = actorName(principal);
  else if (described?.actor) actor = described.actor;
  else if (status < 400 && ctx._matchedRoute && isAuditedFederationRoute(action)) {
    actor = 'node';
    details = { node: federationSender(action, ctx.request.body), ...details };
  } else return null;
  const params = ctx.params && Object.keys(ctx.params).length > 0 ? canonicalize(ctx.params) ?? null : null;
  return {
    at, actor, role: principal?.role ?? null, action, record: described?.record ?? params, details,
    address: ctx.ip || null, requestId: ctx.state.requestId, status,
  };
}

/** Mounted right after authentication, around routing. */
export function auditTrail(deps: AuditTrailDeps): Middleware<RequestState> {
  return async (ctx, next) => {
    if (READS.has(ctx.method)) return next();
    let failure: { error: unknown } | null = null;
    try {
      await next();
    } catch (error) {
      failure = { error };
    }
    const facts = factsOf(ctx as RoutedContext, failure ? statusOf(failure.error) : ctx.status, deps.now());
    if (facts !== null) {
      try {
        await appendAudit(deps.db, facts);
      } catch (error) {
        ctx.state.log.error({ err: error, audit: facts }, '审计日志写入失败 (could not store the audit entry)');
        // A refused request changed nothing: it keeps its own answer. A change must not look done.
        if (!failure && facts.status < 400) throw new AppError('AUDIT_UNAVAILABLE', { requestId: ctx.state.requestId });
      }
    }
    if (failure) throw failure.error;
  };
}

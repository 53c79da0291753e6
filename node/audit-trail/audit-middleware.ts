/**
 * What the audit trail records of a request: each request that is not a read and that carries a
 * principal (or that a sign-in handler described in `ctx.state.audit`), once its handler finished
 * or threw, so refused attempts by authenticated callers are there too with their status.
 * Accepted node-to-node messages are recorded as actor `node`.
 *
 * An entry holds who, role, what (`METHOD <route pattern>`), which record, when (the node's
 * clock), from which address, the request id and the status answered; never the request body,
 * which carries passwords and ID numbers. The write transaction appends a change's entry as its
 * last statement, so the change and its entry commit together or not at all.
 */
import canonicalize from 'canonicalize';
import type { ParameterizedContext } from 'koa';
import { actorName } from '../access/principal.ts';
import { AppError } from '../core/errors.ts';
import type { RequestState } from '../http/state.ts';
import type { WriteAudit } from '../http/write-transaction.ts';
import type { AuditFacts } from './audit-chain.ts';
import { appendAudit, appendAuditIn, type AuditDatabase } from './audit-store.ts';
import { federationSender, isAuditedFederationRoute } from './federation-sender.ts';

export interface AuditTrailDeps {
  db: AuditDatabase;
  now: () => Date;
}

type RoutedContext = ParameterizedContext<RequestState> & { _matchedRoute?: string; params?: Record<string, string> };

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

/**
 * The audit trail as the write transaction (node/http/write-transaction.ts) uses it: the entry of a
 * request, appended inside the request's transaction or, for a refusal, in one of its own.
 */
export function requestAudit(deps: AuditTrailDeps): WriteAudit<AuditFacts> {
  return {
    entryOf: (ctx, status) => factsOf(ctx as RoutedContext, status, deps.now()),
    appendIn: async (sql, facts) => {
      await appendAuditIn(sql, facts);
    },
    appendAlone: async (facts) => {
      await appendAudit(deps.db, facts);
    },
  };
}

/**
 * Builds the FederationContext from the node's parts: the one place where node/ meets federation/.
 * Also the node's side of the small interfaces federation code is handed: summary rows, batch
 * application, and the sweep re-supervision runs before answering.
 */
import { IsolationLevel, type MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import { poolRunner, transactionRunner } from './core/db.ts';
import { inTransaction, outsideUnit, whenCommitted } from './core/unit-of-work.ts';
import type { AuditSweep } from './supervision/audit-host.ts';
import { runSweep, type SweepDeps } from './supervision/sweep.ts';
import { changedOwnSummariesIn } from './summaries/own-summaries.ts';
import {
  type BatchApplier, type SummarySource, applySummaries, type SummaryRow, type FederationContext,
  type NodeIdentity, upsertSelf, type PolicyHost,
} from '../federation/index.ts';
import { assertSchema } from './http/validation.ts';

/** `policy`: the node's calendars and time policy for downward policy (node/timelimits/issued-policies.ts). */
export async function createFederationContext(settings: Settings, orm: MikroORM, identity: NodeIdentity, logger: Logger, now: () => Date, policy?: PolicyHost): Promise<FederationContext> {
  const context: FederationContext = {
    self: { code: settings.nodeCode, level: settings.nodeLevel, name: settings.nodeName, publicUrl: settings.publicUrl },
    parentUrl: settings.parentUrl,
    identity,
    sql: poolRunner(orm),
    // Inside a write request, a savepoint of the request's transaction: it commits with the audit entry.
    transaction: (work) => inTransaction(orm.em, (tx) => work(transactionRunner(tx))),
    afterCommit: (hook) => whenCommitted(hook),
    snapshot: (work) => orm.em.fork().transactional((tx) => work(transactionRunner(tx)), { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true }),
    validate: (schemaFile, data) => assertSchema(schemaFile, data),
    now,
    fetch: globalThis.fetch,
    log: logger.child({ component: 'federation' }),
    ...(policy ? { policy } : {}),
  };
  await upsertSelf(context.sql, { ...context.self, jwks: identity.jwks() });
  return context;
}

/** This node's own summary rows that changed, computed in the outbox's transaction. */
export function ownSummarySource(nodeCode: string): SummarySource {
  return {
    changedSummaries: async (sql, asOf) => (await changedOwnSummariesIn(sql, nodeCode, asOf)) as unknown as Record<string, unknown>[],
  };
}

/** Applies the content of a verified batch (its rows were checked against the batch schema). */
export function batchApplier(): BatchApplier {
  return {
    async applySummaries(sql, _node, rows, now) {
      await applySummaries(sql, rows as unknown as SummaryRow[], now);
    },
  };
}

/**
 * The sweep an audit answer runs first (node/supervision/audit-host.ts): the node's own `runSweep` with
 * the scheduled sweep's `deps`, restricted to the page's cases, at the node's clock (`now`). What it
 * raises is what the scheduled sweep would have raised (notices numbered and notified alike). The
 * audit instant the auditor signed is only read at: a sweep writes alerts, notices and escalations
 * for good, so it never runs at an instant another node chose (one in this node's future would
 * escalate notices not yet due). Alerts found by the audit instant are reported as found.
 */
export function auditSweep(orm: MikroORM, deps: SweepDeps, now: () => Date): AuditSweep {
  // The scheduled sweep's work done early, committed on its own before the answer's snapshot is
  // read: not a change of the request's (which runs in a transaction of its own).
  return async (caseNos) => {
    await outsideUnit(() => runSweep(orm.em.fork(), deps, now(), { caseNos }));
  };
}

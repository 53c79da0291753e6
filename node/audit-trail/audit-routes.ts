/**
 * `GET /api/v1/audit`: the audit trail, newest first, filtered by actor, action, record and time
 * (`from` inclusive, `to` exclusive, ISO instants with an offset), in keyset pages.
 * `GET /api/v1/audit/verify`: walks the whole chain and answers `{ok, checked, brokenAt, head}`;
 * with `headSeq` and `headHash` (a head recorded earlier) it also notices the newest entries gone.
 *
 * Each entry's `at` is shown in +08:00 with all six fraction digits; its hash is over the stored
 * UTC form (`storedInstantOf(at)`, audit-chain.ts), unchanged, so earlier chains still verify.
 */
import Type from 'typebox';
import { parseInstant } from '../calendar/local-date.ts';
import type { SqlRunner } from '../core/db.ts';
import { AppError } from '../core/errors.ts';
import { defineRoute, type RouteShape } from '../core/route-contract.ts';
import { keysetPage, listQuery, positiveIdKey } from '../core/pagination.ts';
import { Instant } from '../core/schema-types.ts';
import { presentedInstant, type AuditEntry } from './audit-chain.ts';
import { countAudit, listAudit, verifyAudit, type AuditFilter } from './audit-store.ts';

const invalid = (field: string, problem: string): AppError => new AppError('INVALID_PARAMETER', { field, problem });

/** An entry as the API shows it: every stored field, so anyone can recompute its hash (see above). */
function presentEntry(entry: AuditEntry) {
  return {
    seq: entry.seq, at: presentedInstant(entry.at), actor: entry.actor, role: entry.role, action: entry.action, record: entry.record,
    details: entry.details, address: entry.address, requestId: entry.requestId, status: entry.status,
    prevHash: entry.prevHash, hash: entry.hash,
  };
}

const instant = (raw: string | undefined): Date | null => (raw === undefined ? null : new Date(parseInstant(raw)));

export function auditTrailRoutes(deps: { sql: SqlRunner }): RouteShape[] {
  const list = defineRoute({
    method: 'GET', path: '/audit', summary: '审计日志, 最新在前 (the audit trail, newest first)',
    query: listQuery({
      actor: Type.Optional(Type.String({ maxLength: 200 })),
      action: Type.Optional(Type.String({ maxLength: 300 })),
      record: Type.Optional(Type.String({ maxLength: 2000 })),
      from: Type.Optional(Instant('起 (inclusive)')),
      to: Type.Optional(Instant('止 (exclusive)')),
    }),
    handler: async (ctx) => {
      const { query } = ctx.input;
      const from = instant(query.from);
      const to = instant(query.to);
      if (from !== null && to !== null && to <= from) throw invalid('to', '必须晚于 from (must be after from)');
      const filter = (beforeSeq: number | null, limit: number): AuditFilter => ({
        actor: query.actor ?? null, action: query.action ?? null, record: query.record ?? null, from, to, beforeSeq, limit,
      });
      ctx.body = await keysetPage(query, {
        parseKey: positiveIdKey,
        rows: (before, take) => listAudit(deps.sql, filter(before, take)),
        keyOf: (entry) => String(entry.seq),
        count: () => countAudit(deps.sql, filter(null, 0)),
      }, presentEntry);
    },
  });

  const verify = defineRoute({
    method: 'GET', path: '/audit/verify', summary: '校验审计日志哈希链 (verify the whole hash chain)',
    query: Type.Object({
      headSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
      headHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    }, { additionalProperties: false }),
    handler: async (ctx) => {
      const { headSeq, headHash } = ctx.input.query;
      if ((headSeq === undefined) !== (headHash === undefined)) throw invalid(headSeq === undefined ? 'headSeq' : 'headHash', 'headSeq 与 headHash 须同时提供 (headSeq and headHash go together)');
      ctx.body = await verifyAudit(deps.sql, headSeq !== undefined && headHash !== undefined ? { pinned: { seq: headSeq, hash: headHash } } : {});
    },
  });

  return [list, verify];
}

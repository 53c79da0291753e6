/**
 * `GET /api/v1/audit`: the audit trail, newest first, filtered by actor, action, record and time
 * (`from` inclusive, `to` exclusive, ISO instants with an offset), in keyset pages.
 * `GET /api/v1/audit/verify`: walks the whole chain and answers `{ok, checked, brokenAt, head}`;
 * with `headSeq` and `headHash` (a head recorded earlier) it also notices the newest entries gone.
 */
import Router from '@koa/router';
import { parseInstant } from '../calendar/local-date.ts';
import type { SqlRunner } from '../db/sql-runner.ts';
import { AppError } from '../core/errors.ts';
import { decodeCursor, encodeCursor, parseLimit } from '../http/query-params.ts';
import type { RequestState } from '../http/state.ts';
import type { AuditEntry } from './audit-chain.ts';
import { listAudit, verifyAudit } from './audit-store.ts';

const invalid = (field: string, problem: string): AppError => new AppError('INVALID_PARAMETER', { field, problem });

function text(raw: unknown, field: string, longest: number): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw invalid(field, 'must be given once');
  if (raw.length > longest) throw invalid(field, `must be at most ${longest} characters`);
  return raw;
}

function instant(raw: unknown, field: string): Date | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw invalid(field, 'must be given once');
  try {
    return new Date(parseInstant(raw));
  } catch {
    throw invalid(field, 'must be an ISO 8601 instant with an offset, e.g. 2026-03-02T10:00:00+08:00');
  }
}

function positiveInteger(raw: string | null, field: string, problem: string): number | null {
  if (raw === null) return null;
  const value = Number(raw);
  if (!/^[1-9]\d{0,15}$/.test(raw) || !Number.isSafeInteger(value)) throw invalid(field, problem);
  return value;
}

/** An entry as the API shows it: every stored field, so anyone can recompute its hash. */
function presentEntry(entry: AuditEntry) {
  return {
    seq: entry.seq, at: entry.at, actor: entry.actor, role: entry.role, action: entry.action, record: entry.record,
    details: entry.details, address: entry.address, requestId: entry.requestId, status: entry.status,
    prevHash: entry.prevHash, hash: entry.hash,
  };
}

export function auditTrailRouter(deps: { sql: SqlRunner }): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/audit', async (ctx) => {
    const from = instant(ctx.query.from, 'from');
    const to = instant(ctx.query.to, 'to');
    if (from !== null && to !== null && to <= from) throw invalid('to', 'must be after from');
    const page = await listAudit(deps.sql, {
      actor: text(ctx.query.actor, 'actor', 200),
      action: text(ctx.query.action, 'action', 300),
      record: text(ctx.query.record, 'record', 2000),
      from, to,
      beforeSeq: positiveInteger(decodeCursor(ctx.query.cursor), 'cursor', 'not a cursor this API returned'),
      limit: parseLimit(ctx.query.limit, 50, 500),
    });
    ctx.body = { items: page.items.map(presentEntry), nextCursor: page.nextSeq === null ? null : encodeCursor(String(page.nextSeq)) };
  });

  router.get('/audit/verify', async (ctx) => {
    const seq = positiveInteger(text(ctx.query.headSeq, 'headSeq', 16), 'headSeq', 'must be a positive integer');
    const hash = text(ctx.query.headHash, 'headHash', 64);
    if (hash !== null && !/^[0-9a-f]{64}$/.test(hash)) throw invalid('headHash', 'must be 64 lowercase hex digits');
    if ((seq === null) !== (hash === null)) throw invalid(seq === null ? 'headSeq' : 'headHash', 'headSeq and headHash go together');
    const verdict = await verifyAudit(deps.sql, seq !== null && hash !== null ? { pinned: { seq, hash } } : {});
    ctx.body = verdict;
  });

  return router;
}

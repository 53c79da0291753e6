/**
 * The audit trail in PostgreSQL (`audit_log`): appending one entry under a single-writer lock (in
 * a request's own transaction, or in a short one of its own), the filtered newest-first list, and
 * the check of the whole chain, streamed in seq order a chunk at a time. Entries carry the node's clock (`AuditFacts.at`), never the database's now().
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { poolRunner, transactionRunner, type SqlRunner } from '../core/db.ts';
import { ChainVerifier, chainEntry, type AuditEntry, type AuditFacts, type ChainVerdict } from './audit-chain.ts';

/** What the store needs of the database: statements on their own, and a short transaction. */
export interface AuditDatabase {
  sql: SqlRunner;
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
}

/** The node's database as an {@link AuditDatabase}: each transaction on a fresh fork, apart from any request's. */
export function auditDatabaseOf(orm: MikroORM): AuditDatabase {
  return { sql: poolRunner(orm), transaction: (work) => orm.em.fork().transactional((tx) => work(transactionRunner(tx))) };
}

// One writer at a time: seq is last + 1 and prev_hash the last hash, so two appends must not interleave.
const AUDIT_LOCK = "hashtext('supervision.audit-trail')";
const LONGEST_TEXT = 2000;

// Output names shadow the columns in ORDER BY: order by audit_log."seq" (a number), never the text seq.
const COLUMNS = `"seq"::text AS seq, to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor, role, action, record,
  details::text AS details, address, request_id, status, prev_hash, hash`;

interface EntryRow {
  seq: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  record: string | null;
  details: string;
  address: string | null;
  request_id: string;
  status: number;
  prev_hash: string;
  hash: string;
}

function entryOf(row: EntryRow): AuditEntry {
  return {
    seq: Number(row.seq), at: row.at, actor: row.actor, role: row.role, action: row.action, record: row.record,
    details: JSON.parse(row.details) as Record<string, unknown>, address: row.address, requestId: row.request_id,
    status: Number(row.status), prevHash: row.prev_hash, hash: row.hash,
  };
}

/**
 * A string PostgreSQL stores as given: text columns refuse NUL and jsonb refuses lone surrogates,
 * and either would lose the entry; a sign-in name can be anything a caller typed.
 */
function storable(text: string): string {
  const short = text.length > LONGEST_TEXT ? `${text.slice(0, LONGEST_TEXT)}…` : text;
  return short.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

/** `value` as jsonb will store it: storable strings, and only what JSON keeps (no undefined, dates as strings). */
function storableJson(value: unknown): unknown {
  const plain: unknown = JSON.parse(JSON.stringify(value ?? null));
  const clean = (node: unknown): unknown => {
    if (typeof node === 'string') return storable(node);
    if (Array.isArray(node)) return node.map(clean);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, item]) => [storable(key), clean(item)]));
    return node;
  };
  return clean(plain);
}

function storableFacts(facts: AuditFacts): AuditFacts {
  const details = storableJson(facts.details);
  const optional = (text: string | null): string | null => (text === null ? null : storable(text));
  return {
    at: facts.at, actor: storable(facts.actor), role: optional(facts.role), action: storable(facts.action), record: optional(facts.record),
    details: details !== null && typeof details === 'object' && !Array.isArray(details) ? details as Record<string, unknown> : {},
    address: optional(facts.address), requestId: storable(facts.requestId), status: facts.status,
  };
}

/**
 * Appends one entry inside the open transaction `sql` belongs to, and answers it as stored. The
 * single-writer lock is taken here, so a request holds it only from its last statement to its
 * commit: concurrent writes wait for each other only for the append.
 */
export async function appendAuditIn(sql: SqlRunner, facts: AuditFacts): Promise<AuditEntry> {
  const stored = storableFacts(facts);
  await sql.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const [last] = await sql.query<{ seq: string; hash: string }>('SELECT "seq"::text AS seq, hash FROM audit_log ORDER BY audit_log."seq" DESC LIMIT 1');
  const entry = chainEntry(last ? { seq: Number(last.seq), hash: last.hash } : null, stored);
  await sql.query(
    `INSERT INTO audit_log ("seq", "at", actor, role, action, record, details, address, request_id, status, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)`,
    [entry.seq, entry.at, entry.actor, entry.role, entry.action, entry.record, JSON.stringify(entry.details), entry.address, entry.requestId, entry.status, entry.prevHash, entry.hash],
  );
  return entry;
}

/** Appends one entry in its own short transaction (a refused request, whose own work rolled back) and answers it as stored. */
export async function appendAudit(db: AuditDatabase, facts: AuditFacts): Promise<AuditEntry> {
  return db.transaction((sql) => appendAuditIn(sql, facts));
}

export interface AuditFilter {
  actor?: string | null;
  action?: string | null;
  record?: string | null;
  /** Entries at or after this instant. */
  from?: Date | null;
  /** Entries before this instant. */
  to?: Date | null;
  /** Entries older (lower seq) than this one: the cursor of the previous page. */
  beforeSeq?: number | null;
  limit: number;
}

/** The WHERE of `filter` (cursor included when `withCursor`), with its parameters. */
function auditWhere(filter: AuditFilter, withCursor: boolean): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    if (value === null || value === undefined) return;
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  add((p) => `actor = ${p}`, filter.actor);
  add((p) => `action = ${p}`, filter.action);
  add((p) => `record = ${p}`, filter.record);
  add((p) => `"at" >= ${p}`, filter.from?.toISOString());
  add((p) => `"at" < ${p}`, filter.to?.toISOString());
  if (withCursor) add((p) => `"seq" < ${p}`, filter.beforeSeq);
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** Up to `filter.limit` entries, newest first, below `beforeSeq` when set. */
export async function listAudit(sql: SqlRunner, filter: AuditFilter): Promise<AuditEntry[]> {
  const { sql: where, params } = auditWhere(filter, true);
  params.push(filter.limit);
  const rows = await sql.query<EntryRow>(`SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY audit_log."seq" DESC LIMIT $${params.length}`, params);
  return rows.map(entryOf);
}

/** How many entries `filter` selects (its cursor and limit left out). */
export async function countAudit(sql: SqlRunner, filter: AuditFilter): Promise<number> {
  const { sql: where, params } = auditWhere(filter, false);
  const [row] = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit_log ${where}`, params);
  return Number(row?.n ?? 0);
}

/** A verdict on the whole trail, and the last entry that checked out (null: none), for an operator to pin. */
export interface AuditVerdict extends ChainVerdict {
  head: { seq: number; hash: string } | null;
}

/**
 * Walks the whole trail in seq order, `chunk` entries per statement, so memory stays flat however
 * long it is. With `pinned` (a head recorded earlier), an intact chain that no longer holds that
 * entry with that hash (the newest entries removed, or the whole chain rewritten) is broken at it:
 * the chain alone cannot show that its end was cut off.
 */
export async function verifyAudit(sql: SqlRunner, options: { chunk?: number; pinned?: { seq: number; hash: string } } = {}): Promise<AuditVerdict> {
  const chunk = options.chunk ?? 5000;
  const verifier = new ChainVerifier();
  let pinnedFound = false;
  let after = 0;
  for (;;) {
    const rows = await sql.query<EntryRow>(`SELECT ${COLUMNS} FROM audit_log WHERE "seq" > $1 ORDER BY audit_log."seq" LIMIT $2`, [after, chunk]);
    const entries = rows.map(entryOf);
    const intact = verifier.push(entries);
    if (options.pinned && entries.some((entry) => entry.seq === options.pinned!.seq && entry.hash === options.pinned!.hash)) pinnedFound = true;
    if (!intact || rows.length < chunk) break;
    after = entries[entries.length - 1]!.seq;
  }
  const verdict = verifier.verdict();
  const head = verifier.head.seq === 0 ? null : verifier.head;
  if (verdict.ok && options.pinned && !pinnedFound) return { ok: false, checked: verdict.checked, brokenAt: options.pinned.seq, head };
  return { ...verdict, head };
}

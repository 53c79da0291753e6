/**
 * The audits this node ran (`audits`): what was asked, where the run stands, and its findings.
 */
import { presentInstant } from '../protocol/present-instant.ts';
import type { SqlRunner } from '../sql-runner.ts';
import type { AuditCounts, AuditFindings, Discrepancy, ProofFailure, SkippedCase } from './audit-check.ts';

export type AuditStatus = 'queued' | 'running' | 'done' | 'failed';

export interface AuditOrder {
  id: string;
  nodeCode: string;
  requestedBy: string;
  from: string;
  to: string;
  departmentCode: string | null;
  pageSize: number;
  /** The instant verdicts are compared at: when the audit was asked for. */
  at: Date;
  createdAt: Date;
}

/** An audit as the API shows it. */
export interface AuditView {
  id: string;
  node: string;
  requestedBy: string;
  from: string;
  to: string;
  departmentCode: string | null;
  status: AuditStatus;
  at: string | null;
  witnessed: { treeSize: number; rootHash: string | null } | null;
  counts: Partial<AuditCounts>;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  discrepancies?: Discrepancy[];
  proofFailures?: ProofFailure[];
  skipped?: SkippedCase[];
}

interface AuditRow {
  id: string;
  node_code: string;
  requested_by: string;
  from_day: string;
  to_day: string;
  department_code: string | null;
  page_size: number;
  status: AuditStatus;
  audit_at: Date | string | null;
  witnessed_tree_size: string | number | null;
  witnessed_root_hash: string | null;
  counts: Partial<AuditCounts>;
  error: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  discrepancies?: Discrepancy[];
  proof_failures?: ProofFailure[];
  skipped?: SkippedCase[];
}

const iso = (value: Date | string | null): string | null => presentInstant(value);

const SUMMARY_COLUMNS = `id, node_code, requested_by, from_day::text AS from_day, to_day::text AS to_day, department_code, page_size, status,
  audit_at, witnessed_tree_size, witnessed_root_hash, counts, error, created_at, started_at, finished_at`;

function present(row: AuditRow): AuditView {
  const view: AuditView = {
    id: row.id, node: row.node_code, requestedBy: row.requested_by, from: row.from_day, to: row.to_day, departmentCode: row.department_code,
    status: row.status, at: iso(row.audit_at),
    witnessed: row.witnessed_tree_size === null ? null : { treeSize: Number(row.witnessed_tree_size), rootHash: row.witnessed_root_hash },
    counts: row.counts, error: row.error, createdAt: iso(row.created_at)!, startedAt: iso(row.started_at), finishedAt: iso(row.finished_at),
  };
  if (row.discrepancies !== undefined) view.discrepancies = row.discrepancies;
  if (row.proof_failures !== undefined) view.proofFailures = row.proof_failures;
  if (row.skipped !== undefined) view.skipped = row.skipped;
  return view;
}

export async function insertAudit(sql: SqlRunner, order: AuditOrder): Promise<void> {
  await sql.query(`INSERT INTO audits (id, node_code, requested_by, from_day, to_day, department_code, page_size, status, audit_at, created_at)
    VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, 'queued', $8, $9)`,
  [order.id, order.nodeCode, order.requestedBy, order.from, order.to, order.departmentCode, order.pageSize, order.at, order.createdAt]);
}

/** The order of an audit, to run it. */
export async function loadOrder(sql: SqlRunner, id: string): Promise<(AuditOrder & { status: AuditStatus }) | null> {
  const [row] = await sql.query<AuditRow>(`SELECT ${SUMMARY_COLUMNS} FROM audits WHERE id = $1`, [id]);
  if (!row) return null;
  return {
    id: row.id, nodeCode: row.node_code, requestedBy: row.requested_by, from: row.from_day, to: row.to_day, departmentCode: row.department_code,
    pageSize: row.page_size, at: new Date(row.audit_at ?? row.created_at), createdAt: new Date(row.created_at), status: row.status,
  };
}

/** Marks an audit running from scratch (a rerun after a crash starts over). */
export async function markRunning(sql: SqlRunner, id: string, witnessed: { treeSize: number; rootHash: string }, now: Date): Promise<void> {
  await sql.query(`UPDATE audits SET status = 'running', started_at = $2, finished_at = NULL, error = NULL, witnessed_tree_size = $3,
      witnessed_root_hash = $4, counts = '{}'::jsonb, discrepancies = '[]'::jsonb, proof_failures = '[]'::jsonb, skipped = '[]'::jsonb
    WHERE id = $1`, [id, now, witnessed.treeSize, witnessed.rootHash]);
}

export async function markDone(sql: SqlRunner, id: string, findings: AuditFindings, now: Date): Promise<void> {
  await sql.query(`UPDATE audits SET status = 'done', finished_at = $2, counts = $3::jsonb, discrepancies = $4::jsonb,
      proof_failures = $5::jsonb, skipped = $6::jsonb WHERE id = $1`,
  [id, now, JSON.stringify(findings.counts), JSON.stringify(findings.discrepancies), JSON.stringify(findings.proofFailures), JSON.stringify(findings.skipped)]);
}

/** Records why an audit could not run; findings of the pages checked so far are kept. */
export async function markFailed(sql: SqlRunner, id: string, error: string, findings: AuditFindings | null, now: Date): Promise<void> {
  await sql.query(`UPDATE audits SET status = 'failed', finished_at = $2, error = $3,
      counts = coalesce($4::jsonb, counts), discrepancies = coalesce($5::jsonb, discrepancies),
      proof_failures = coalesce($6::jsonb, proof_failures), skipped = coalesce($7::jsonb, skipped) WHERE id = $1`,
  [id, now, error.slice(0, 1000), findings && JSON.stringify(findings.counts), findings && JSON.stringify(findings.discrepancies),
    findings && JSON.stringify(findings.proofFailures), findings && JSON.stringify(findings.skipped)]);
}

/** One audit of `nodeCode` with every finding; null when there is none with that id. */
export async function findAudit(sql: SqlRunner, nodeCode: string, id: string): Promise<AuditView | null> {
  const [row] = await sql.query<AuditRow>(`SELECT ${SUMMARY_COLUMNS}, discrepancies, proof_failures, skipped
    FROM audits WHERE id = $1 AND node_code = $2`, [id, nodeCode]);
  return row ? present(row) : null;
}

/** The latest audits of `nodeCode`, newest first, without their findings. */
/** Where a page of audits continues: after this audit, newest first. */
export interface AuditListKey {
  /** created_at to the microsecond, UTC. */
  createdAt: string;
  id: string;
}

/** Up to `take` audits of `nodeCode` after `after` (from the newest when null), newest first, each with its key. */
export async function listAudits(sql: SqlRunner, nodeCode: string, after: AuditListKey | null, take: number): Promise<{ view: AuditView; key: AuditListKey }[]> {
  const rows = await sql.query<AuditRow & { key_at: string }>(`SELECT ${SUMMARY_COLUMNS},
      to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key_at
    FROM audits WHERE node_code = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
    ORDER BY created_at DESC, id DESC LIMIT $4`, [nodeCode, after?.createdAt ?? null, after?.id ?? null, take]);
  return rows.map((row) => ({ view: present(row), key: { createdAt: row.key_at, id: row.id } }));
}

/** How many audits of `nodeCode` there are. */
export async function countAudits(sql: SqlRunner, nodeCode: string): Promise<number> {
  const [row] = await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM audits WHERE node_code = $1', [nodeCode]);
  return Number(row?.n ?? 0);
}

const AUDIT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` has the form of an audit id (a UUID), so anything else is simply not found. */
export function isAuditId(id: string): boolean {
  return AUDIT_ID.test(id);
}

/** The key of a list cursor's text (`<createdAt>|<id>`), or null when it is not one. */
export function auditListKey(text: string): AuditListKey | null {
  const [createdAt, id, extra] = text.split('|');
  if (extra !== undefined || createdAt === undefined || id === undefined || !isAuditId(id) || Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, id };
}

/** Audits a crash left queued or running, oldest first, to enqueue again on start. */
export async function unfinishedAudits(sql: SqlRunner): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM audits WHERE status IN ('queued', 'running') ORDER BY created_at`);
  return rows.map((row) => row.id);
}

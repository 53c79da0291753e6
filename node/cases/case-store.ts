/**
 * Set-based SQL over `case_events`, `cases` and `rejections`: one statement per step for a whole
 * batch, rows passed as one array per column (node/core/row-arrays.ts), so a 5,000-event request
 * costs a handful of round trips.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../core/db.ts';
import { unnestRows, type RowColumn } from '../core/row-arrays.ts';
import type { StoredEvent } from './event-content.ts';
import type { CaseFacts } from '../timelimits/case-facts.ts';

/** An event to append, in the order of the batch. */
export interface NewEventRow {
  event_id: string;
  case_no: string;
  type: string;
  occurred_at: string;
  /** The stored event as JSON text: its canonical form, already made for the content hash. */
  payload_json: string;
  content_hash: string;
  /** Its leaf in the node's event log, or null for the log sequencer to assign. */
  log_index: number | null;
}

export interface CaseStateRow {
  case_no: string;
  status: string;
  item_code: string | null;
  department_code: string | null;
  limit_days: number | null;
  limit_unit: string | null;
  facts: unknown;
  first_occurred_at: string | null;
  last_occurred_at: string | null;
  accepted_day: string | null;
  concluded_day: string | null;
  deadline: string | null;
  yellow_from: string | null;
  yellow_card_on: string | null;
  red_card_on: string | null;
}

export interface RejectionRow {
  event_id: string | null;
  case_no: string | null;
  code: string;
  message: string;
  details: Record<string, unknown>;
  payload: unknown;
  line: number | null;
}

/** Content hashes of the eventIds the node already holds. */
export async function findEventHashes(em: EntityManager, eventIds: string[]): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const rows = await query<{ event_id: string; content_hash: string }>(em,
    'SELECT event_id, content_hash FROM case_events WHERE event_id = ANY($1::text[])', [eventIds]);
  return new Map(rows.map((row) => [row.event_id, row.content_hash]));
}

/** What a locked case row holds for ingest: its fixed limit and its cached fold. */
export interface LockedCase {
  limitDays: number | null;
  limitUnit: string | null;
  status: string;
  departmentCode: string | null;
  /** The fold of every held event ({} for a row made just now). */
  facts: CaseFacts | Record<string, never>;
  /** The earliest occurredAt held, ISO 8601; null with no events. */
  firstOccurredAt: string | null;
}

/**
 * Makes sure a row exists for every case and locks them all, in case-number order so that two
 * batches touching the same cases queue instead of deadlocking. Answers each case's row.
 */
export async function lockCases(em: EntityManager, caseNos: string[]): Promise<Map<string, LockedCase>> {
  const sorted = [...caseNos].sort();
  await execute(em, `INSERT INTO cases (case_no, status, facts, updated_at)
    SELECT c, 'pending', '{}'::jsonb, now() FROM unnest($1::text[]) AS c ORDER BY c
    ON CONFLICT (case_no) DO NOTHING`, [sorted]);
  const rows = await query<{ case_no: string; limit_days: number | null; limit_unit: string | null; status: string; department_code: string | null; facts: LockedCase['facts']; first_occurred_at: string | null }>(em,
    `SELECT case_no, limit_days, limit_unit, status, department_code, facts, ${isoSql('first_occurred_at')} AS first_occurred_at
    FROM cases WHERE case_no = ANY($1::text[]) ORDER BY case_no FOR UPDATE`, [sorted]);
  return new Map(rows.map((row) => [row.case_no, {
    limitDays: row.limit_days, limitUnit: row.limit_unit, status: row.status, departmentCode: row.department_code,
    facts: row.facts, firstOccurredAt: row.first_occurred_at,
  }]));
}

/**
 * Every stored event of the given cases. One index lookup per case: with `case_no = ANY(...)` and
 * no fresh statistics (a new or bulk-loaded table) the planner expects most of the table and
 * scans all of it; OFFSET 0 keeps the lateral subquery from being flattened into such a join.
 */
export async function loadCaseEvents(em: EntityManager, caseNos: string[]): Promise<Map<string, StoredEvent[]>> {
  const byCase = new Map<string, StoredEvent[]>();
  if (caseNos.length === 0) return byCase;
  const rows = await query<{ payload: StoredEvent }>(em, `SELECT e.payload FROM unnest($1::text[]) AS c(case_no)
    CROSS JOIN LATERAL (SELECT payload, seq FROM case_events WHERE case_no = c.case_no OFFSET 0) AS e
    ORDER BY e.seq`, [[...new Set(caseNos)]]);
  for (const { payload } of rows) {
    const list = byCase.get(payload.caseNo);
    if (list) list.push(payload);
    else byCase.set(payload.caseNo, [payload]);
  }
  return byCase;
}

const EVENT_COLUMNS: readonly RowColumn<NewEventRow>[] = [
  ['event_id', 'text'], ['case_no', 'text'], ['type', 'text'], ['occurred_at', 'timestamptz'],
  ['payload_json', 'jsonb'], ['content_hash', 'text'], ['log_index', 'bigint'],
];

/**
 * Appends events whose ids the node did not hold when the batch was judged. A plain INSERT (no ON
 * CONFLICT: cheaper, and ingest runs it under locks that keep out every concurrent send but a
 * conflicting one for another case); answers false when an id went in meanwhile: the statement
 * failed, so the caller's transaction must be rolled back and the batch judged again.
 */
export async function insertEvents(em: EntityManager, rows: NewEventRow[], source: string, receivedAt: Date): Promise<boolean> {
  if (rows.length === 0) return true;
  try {
    const r = unnestRows(rows, EVENT_COLUMNS, 3);
    await execute(em, `INSERT INTO case_events
        (event_id, case_no, type, occurred_at, payload, content_hash, source, received_at, log_index)
      SELECT r.event_id, r.case_no, r.type, r.occurred_at, r.payload_json, r.content_hash, $1, $2, r.log_index
      FROM ${r.from} ORDER BY r.ord`, [source, receivedAt, ...r.params]);
    return true;
  } catch (error) {
    if (isDuplicateEventId(error)) return false;
    throw error;
  }
}

function isDuplicateEventId(error: unknown): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'case_events_event_id_unique';
}

const CASE_STATE_COLUMNS: readonly RowColumn<CaseStateRow>[] = [
  ['case_no', 'text'], ['status', 'text'], ['item_code', 'text'], ['department_code', 'text'], ['limit_days', 'int'],
  ['limit_unit', 'text'], ['facts', 'jsonb'], ['first_occurred_at', 'timestamptz'], ['last_occurred_at', 'timestamptz'],
  ['accepted_day', 'date'], ['concluded_day', 'date'], ['deadline', 'date'], ['yellow_from', 'date'],
  ['yellow_card_on', 'date'], ['red_card_on', 'date'],
];

/** Writes the folded state and timeline of cases already locked by `lockCases`. */
export async function saveCaseStates(em: EntityManager, rows: CaseStateRow[]): Promise<void> {
  if (rows.length === 0) return;
  const r = unnestRows(rows.map((row) => ({ ...row, facts: JSON.stringify(row.facts) })), CASE_STATE_COLUMNS);
  await execute(em, `UPDATE cases AS c SET status = r.status, item_code = r.item_code,
      department_code = r.department_code, limit_days = r.limit_days, limit_unit = r.limit_unit,
      facts = r.facts, first_occurred_at = r.first_occurred_at, last_occurred_at = r.last_occurred_at,
      accepted_day = r.accepted_day, concluded_day = r.concluded_day, deadline = r.deadline,
      yellow_from = r.yellow_from, yellow_card_on = r.yellow_card_on, red_card_on = r.red_card_on,
      updated_at = now()
    FROM ${r.from} WHERE c.case_no = r.case_no`, r.params);
}

/** Keeps refused events with their reason and payload. */
export async function insertRejections(em: EntityManager, rows: RejectionRow[], source: string, receivedAt: Date): Promise<void> {
  if (rows.length === 0) return;
  await execute(em, `INSERT INTO rejections (event_id, case_no, code, message, details, payload, source, line, received_at)
    SELECT r.event_id, r.case_no, r.code, r.message, r.details, r.payload, $2, r.line, $3
    FROM json_to_recordset($1::json) AS r(event_id text, case_no text, code text, message text,
      details jsonb, payload jsonb, line int)`, [JSON.stringify(rows), source, receivedAt]);
}

/**
 * Marks earlier rejections of now-accepted eventIds as resolved: the sender fixed the cause and
 * sent again. A conflict is never resolved this way: its content was not the one accepted.
 */
export async function resolveRejections(em: EntityManager, eventIds: string[], at: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await execute(em, `UPDATE rejections SET resolved_at = $2
    WHERE event_id = ANY($1::text[]) AND resolved_at IS NULL AND code <> 'EVENT_CONFLICT'`, [eventIds, at]);
}

/** SQL rendering a timestamptz column as an ISO 8601 UTC string, for what is signed or computed on (the audit answer to a parent, the rules); answers to callers use isoLocalSql (node/core/instants.ts). */
export function isoSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

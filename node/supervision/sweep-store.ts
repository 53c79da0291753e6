/**
 * Set-based SQL of the sweep: due cases with what the rules need of them, their alerts, and the
 * writes (new alerts, transitions, revocations, the next due instants), one statement per step
 * for a whole chunk, rows passed as one JSON document.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../core/db.ts';
import { unnestRows, type RowColumn } from '../core/row-arrays.ts';
import type { StoredEvent } from '../cases/event-content.ts';
import type { ItemFee } from '../catalog/item.entity.ts';
import type { LimitUnit, Stage } from '../cases/case-event.ts';
import type { ReceivedEvent, RuleItem } from './rules/rule-types.ts';
import type { AlertStatus } from './alert-workflow.ts';

export interface HeldAlert {
  id: number;
  case_no: string;
  rule: string;
  status: AlertStatus;
  revoked_by: string | null;
  notice_no: string | null;
  /**
   * Revoked by a recomputation: the state it was in when revoked (its transition log's last
   * system revoke) and, when that state is closed, the instant it was closed then; null otherwise.
   */
  revoked_from: { status: AlertStatus; closed_at: string | null } | null;
}

/** A claimed case with what the rules need of it: its schedule reason, its cached row, its events and its alerts. */
export interface DueCase {
  case_no: string;
  /** Why it is due besides time ('events,calendar' ...), or null. */
  reason: string | null;
  status: string | null;
  item_code: string | null;
  department_code: string | null;
  limit_days: number | null;
  limit_unit: LimitUnit | null;
  /** Every event of the case with the instant it was received, in the order they were stored. */
  events: ReceivedEvent[];
  /** The case's alerts (locked), by id. */
  alerts: HeldAlert[];
}

interface DueCaseRow extends Omit<DueCase, 'events' | 'alerts'> {
  due_key: string;
  /** [payload, received_at as epoch ms] per event, or null. */
  events: [StoredEvent, number][] | null;
  /** [id, rule, status, revoked_by, notice_no, revoked_from_status, revoked_from_closed_at] per alert, or null. */
  alerts: [string, string, AlertStatus, string | null, string | null, AlertStatus | null, string | null][] | null;
}

/** Where a claim stopped in the schedule's (due_at, case_no) order; due_at as PostgreSQL writes it. */
export interface DueKey {
  due_at: string;
  case_no: string;
}

/**
 * Locks and answers up to `limit` cases due by `at` (only among `caseNos` when given), earliest
 * first, each with its events and its alerts (locked too), in one statement. Rows another sweep
 * holds are skipped, so two sweeps never evaluate a case at once. With `after`, only rows past
 * that key: the next chunk of one sweep starts where the chunk before it (still open, its rows
 * locked) stopped instead of stepping over its rows; anything due before the key that this run
 * does not reach stays due for the next sweep.
 *
 * The events come as one JSON document per case (json_agg of the stored payloads, which is the
 * text the payloads would be sent as anyway) and the received instants as epoch milliseconds,
 * formatted here: exactly what to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') gives, for less work.
 */
export async function claimDueCases(
  em: EntityManager, at: Date, limit: number, caseNos: readonly string[] | null, after: DueKey | null = null,
): Promise<{ cases: DueCase[]; last: DueKey | null }> {
  const params: unknown[] = [at, limit];
  const filters: string[] = [];
  if (caseNos) filters.push(`AND s.case_no = ANY($${params.push([...caseNos])}::text[])`);
  if (after) filters.push(`AND (s.due_at, s.case_no) > ($${params.push(after.due_at)}::timestamptz, $${params.push(after.case_no)}::text COLLATE "C")`);
  // The schedule rows are locked before the cases are read, so rows skipped cost no case lookup.
  // sweep_schedule.case_no is collated "C"; case_events.case_no is not, so its index needs the default collation.
  const rows = await query<DueCaseRow>(em, `WITH due AS MATERIALIZED (
      SELECT s.case_no, s.due_at, s.reason FROM sweep_schedule s
      WHERE s.due_at <= $1 ${filters.join(' ')}
      ORDER BY s.due_at, s.case_no LIMIT $2
      FOR UPDATE SKIP LOCKED),
    held AS MATERIALIZED (
      SELECT a.id, a.case_no, a.rule, a.status, a.revoked_by, a.notice_no, r.from_status AS revoked_from, r.closed_at AS revoked_closed_at
      FROM alerts a
      LEFT JOIN LATERAL (
        SELECT t.from_status, (SELECT c.at FROM alert_transitions c
            WHERE c.alert_id = a.id AND c.id < t.id AND c.to_status = t.from_status AND c.from_status IS DISTINCT FROM c.to_status AND c.action <> 'reinstate'
              AND t.from_status IN ('accepted', 'rejected')
            ORDER BY c.id DESC LIMIT 1) AS closed_at
        FROM alert_transitions t
        WHERE a.status = 'revoked' AND a.revoked_by = 'system' AND t.alert_id = a.id AND t.action = 'revoke' AND t.actor = 'system'
        ORDER BY t.id DESC LIMIT 1) r ON true
      WHERE a.case_no = ANY (ARRAY(SELECT case_no FROM due)) ORDER BY a.id FOR UPDATE OF a),
    held_by_case AS (
      SELECT case_no, json_agg(json_build_array(id::text, rule, status, revoked_by, notice_no, revoked_from,
        CASE WHEN revoked_closed_at IS NULL THEN NULL ELSE to_char(revoked_closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END) ORDER BY id) AS alerts
      FROM held GROUP BY case_no)
    SELECT d.case_no, d.due_at::text AS due_key, d.reason, c.status, c.item_code, c.department_code, c.limit_days, c.limit_unit,
      (SELECT json_agg(json_build_array(e.payload, floor(extract(epoch FROM e.received_at) * 1000)) ORDER BY e.seq)
        FROM case_events e WHERE e.case_no = d.case_no COLLATE "default") AS events,
      h.alerts
    FROM due d LEFT JOIN cases c ON c.case_no = d.case_no LEFT JOIN held_by_case h ON h.case_no = d.case_no
    ORDER BY d.due_at, d.case_no`, params);
  const cases = rows.map((row): DueCase => ({
    case_no: row.case_no,
    reason: row.reason,
    status: row.status,
    item_code: row.item_code,
    department_code: row.department_code,
    limit_days: row.limit_days,
    limit_unit: row.limit_unit,
    events: (row.events ?? []).map(([event, receivedMs]) => ({ event, receivedAt: new Date(receivedMs).toISOString() })),
    alerts: (row.alerts ?? []).map(([id, rule, status, revokedBy, noticeNo, revokedFrom, revokedFromClosedAt]) => ({
      id: Number(id), case_no: row.case_no, rule, status, revoked_by: revokedBy, notice_no: noticeNo,
      revoked_from: revokedFrom === null ? null : { status: revokedFrom, closed_at: revokedFromClosedAt },
    })),
  }));
  const lastRow = rows.at(-1);
  return { cases, last: lastRow ? { due_at: lastRow.due_key, case_no: lastRow.case_no } : null };
}

/** What the rules need of the items, by item code. */
export async function loadRuleItems(em: EntityManager, itemCodes: readonly string[]): Promise<Map<string, RuleItem>> {
  if (itemCodes.length === 0) return new Map();
  const rows = await query<{ item_code: string; department_code: string; fees: ItemFee[]; stages: Stage[] }>(em,
    'SELECT item_code, department_code, fees, stages FROM items WHERE item_code = ANY($1::text[])', [[...itemCodes]]);
  return new Map(rows.map((row) => [row.item_code, { itemCode: row.item_code, departmentCode: row.department_code, fees: row.fees, stages: row.stages }]));
}

export interface NewAlertRow {
  case_no: string;
  rule: string;
  rule_version: number;
  department_code: string;
  item_code: string | null;
  status: AlertStatus;
  found_at: string;
  message: string;
  details: Record<string, unknown>;
  appeal_due_on: string;
  notice_no: string | null;
  notice_demand: string | null;
  notice_due_on: string | null;
}

export interface TransitionRow {
  alert_id: number;
  from_status: AlertStatus | null;
  to_status: AlertStatus;
  action: string;
  actor: string;
  reason: string | null;
  data: Record<string, unknown> | null;
  request_id: string | null;
}

/** Appends workflow transitions at `at`. */
export async function insertTransitions(em: EntityManager, rows: readonly TransitionRow[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await execute(em, `INSERT INTO alert_transitions (alert_id, from_status, to_status, action, actor, reason, data, request_id, at)
    SELECT r.alert_id, r.from_status, r.to_status, r.action, r.actor, r.reason, r.data, r.request_id, $2
    FROM jsonb_to_recordset($1::jsonb) AS r(alert_id bigint, from_status text, to_status text, action text, actor text,
      reason text, data jsonb, request_id text)`, [JSON.stringify(rows), at]);
}

/**
 * A change of a held alert's status (a revocation, a reinstatement, an escalation) with its
 * revocation fields; `closed_at` is the closing instant a reinstated closed alert gets back
 * (otherwise a closed status is closed at the sweep's instant, and an open one has none).
 */
export interface StatusChange {
  id: number;
  status: AlertStatus;
  revoked_by: string | null;
  revoked_reason: string | null;
  closed_at?: string | null;
}

/** The SQL of closed_at for a status change `r` written at `$at`. */
const closedAtOf = (at: string): string => `CASE WHEN r.status IN ('accepted', 'rejected', 'revoked') THEN COALESCE(r.closed_at, ${at}::timestamptz) ELSE NULL END`;

/** Sets the status (and revocation fields) of alerts; closedAt follows the status. */
export async function updateAlertStatuses(em: EntityManager, rows: readonly StatusChange[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await execute(em, `UPDATE alerts AS a SET status = r.status, revoked_by = r.revoked_by, revoked_reason = r.revoked_reason,
      closed_at = ${closedAtOf('$2')}, updated_at = $2
    FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, status text, revoked_by text, revoked_reason text, closed_at timestamptz)
    WHERE a.id = r.id`, [JSON.stringify(rows), at]);
}

/** A new alert as its parameters carry it: the details as JSON text. */
type NewAlertParams = Omit<NewAlertRow, 'details'> & { details: string };

const NEW_ALERT_COLUMNS: readonly RowColumn<NewAlertParams>[] = [
  ['case_no', 'text'], ['rule', 'text'], ['rule_version', 'int'], ['department_code', 'text'], ['item_code', 'text'],
  ['status', 'text'], ['found_at', 'text'], ['message', 'text'], ['details', 'jsonb'], ['appeal_due_on', 'date'],
  ['notice_no', 'text'], ['notice_demand', 'text'], ['notice_due_on', 'text'],
];

/** What one chunk writes: its new alerts, the changes to alerts it held, and each case's next due instant. */
export interface ChunkWrites {
  /** In the order their ids are to be drawn; a card's notice fields are set. */
  raise: readonly NewAlertRow[];
  /** Status changes of held alerts (revocations, reinstatements). */
  statusChanges: readonly StatusChange[];
  /** Transitions of held alerts, in order; the new alerts' 'raise' (and 'notify') transitions follow them. */
  transitions: readonly TransitionRow[];
  /** Each swept case's next due instant; null drops it from the schedule. */
  next: readonly { case_no: string; due_at: string | null }[];
}

/**
 * Writes a chunk at `at` in one statement: inserts the new alerts (a case and rule that already
 * has one is left alone), appends the held alerts' transitions and then, per new alert, its
 * 'raise' transition ({ruleVersion, foundAt}) and for a card its 'notify' transition ({noticeNo,
 * demand, dueOn}), sets the held alerts' statuses (closedAt follows the status) and the next due
 * instants. Answers the new alerts' ids in the order of `raise`, with whether each carries a notice.
 */
export async function writeChunk(em: EntityManager, writes: ChunkWrites, at: Date): Promise<{ id: number; notice: boolean }[]> {
  const raise = unnestRows(writes.raise.map((row) => ({ ...row, details: JSON.stringify(row.details) })), NEW_ALERT_COLUMNS, 6);
  const later = writes.next.filter((row) => row.due_at !== null);
  const done = writes.next.filter((row) => row.due_at === null).map((row) => row.case_no);
  // The new alerts, the bulk of a chunk, as column arrays; the rest as json (not jsonb) parameters:
  // parsed once, by json_to_recordset, instead of twice.
  const rows = await query<{ id: string; notice: boolean }>(em, `WITH new_alert AS (SELECT * FROM ${raise.from}),
    inserted AS (
      INSERT INTO alerts (case_no, rule, rule_version, department_code, item_code, status, found_at, raised_at, message, details,
        appeal_due_on, notice_no, notice_demand, notice_issued_at, notice_due_on, updated_at)
      SELECT r.case_no, r.rule, r.rule_version, r.department_code, r.item_code, r.status, r.found_at::timestamptz, $4, r.message,
        r.details, r.appeal_due_on, r.notice_no, r.notice_demand, CASE WHEN r.notice_no IS NULL THEN NULL ELSE $4::timestamptz END,
        r.notice_due_on::date, $4
      FROM new_alert r ORDER BY r.ord
      ON CONFLICT (case_no, rule) DO NOTHING
      RETURNING id, case_no, rule),
    raised AS (SELECT i.id, r.* FROM inserted i JOIN new_alert r ON r.case_no = i.case_no AND r.rule = i.rule),
    changed AS (
      UPDATE alerts AS a SET status = r.status, revoked_by = r.revoked_by, revoked_reason = r.revoked_reason,
        closed_at = ${closedAtOf('$4')}, updated_at = $4
      FROM json_to_recordset($1::json) AS r(id bigint, status text, revoked_by text, revoked_reason text, closed_at timestamptz)
      WHERE a.id = r.id),
    transitions AS (
      INSERT INTO alert_transitions (alert_id, from_status, to_status, action, actor, reason, data, request_id, at)
      SELECT t.alert_id, t.from_status, t.to_status, t.action, t.actor, t.reason, t.data, t.request_id, $4 FROM (
        SELECT 0 AS part, r.ord, 0 AS step, r.alert_id, r.from_status, r.to_status, r.action, r.actor, r.reason, r.data, r.request_id
        FROM json_to_recordset($2::json) AS r(ord int, alert_id bigint, from_status text, to_status text, action text, actor text,
          reason text, data jsonb, request_id text)
        UNION ALL
        SELECT 1, ord, 0, id, NULL, 'open', 'raise', 'system', NULL, jsonb_build_object('ruleVersion', rule_version, 'foundAt', found_at), NULL
        FROM raised
        UNION ALL
        SELECT 1, ord, 1, id, 'open', 'notified', 'notify', 'system', NULL,
          jsonb_build_object('noticeNo', notice_no, 'demand', notice_demand, 'dueOn', notice_due_on), NULL
        FROM raised WHERE notice_no IS NOT NULL) AS t
      ORDER BY t.part, t.ord, t.step),
    rescheduled AS (
      UPDATE sweep_schedule AS s SET due_at = r.due_at, reason = NULL
      FROM json_to_recordset($3::json) AS r(case_no text, due_at timestamptz) WHERE s.case_no = r.case_no),
    unscheduled AS (DELETE FROM sweep_schedule WHERE case_no = ANY($5::text[]))
    SELECT id::text, notice_no IS NOT NULL AS notice FROM raised ORDER BY ord`,
  [JSON.stringify(writes.statusChanges), JSON.stringify(writes.transitions.map((row, ord) => ({ ord, ...row }))), JSON.stringify(later), at, done, ...raise.params]);
  return rows.map((row) => ({ id: Number(row.id), notice: row.notice }));
}

export interface DueNotice {
  id: number;
  case_no: string;
  rule: string;
  notice_no: string;
}

/** Locks and answers up to `limit` notified alerts whose notice was due before `day` (unanswered). */
export async function claimOverdueNotices(em: EntityManager, day: string, limit: number): Promise<DueNotice[]> {
  const rows = await query<DueNotice & { id: string }>(em, `SELECT id::text, case_no, rule, notice_no FROM alerts
    WHERE status = 'notified' AND notice_due_on < $1::date ORDER BY notice_due_on, id LIMIT $2 FOR UPDATE SKIP LOCKED`, [day, limit]);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/**
 * Set-based SQL of the sweep: due cases with what the rules need of them, their alerts, and the
 * writes (new alerts, transitions, revocations, the next due instants), one statement per step
 * for a whole chunk, rows passed as one JSON document.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../core/db.ts';
import { isoSql } from '../cases/case-store.ts';
import type { StoredEvent } from '../cases/event-content.ts';
import type { ItemFee } from '../catalog/item.entity.ts';
import type { LimitUnit, Stage } from '../cases/case-event.ts';
import type { ReceivedEvent, RuleItem } from './rules/rule-types.ts';
import type { AlertStatus } from './alert-workflow.ts';

export interface DueCase {
  case_no: string;
  /** Why it is due besides time ('events,calendar' ...), or null. */
  reason: string | null;
  status: string | null;
  item_code: string | null;
  department_code: string | null;
  limit_days: number | null;
  limit_unit: LimitUnit | null;
}

/**
 * Locks and answers up to `limit` cases due by `at` (only among `caseNos` when given), earliest
 * first. Rows another sweep holds are skipped, so two sweeps never evaluate a case at once.
 */
export async function claimDueCases(em: EntityManager, at: Date, limit: number, caseNos: readonly string[] | null): Promise<DueCase[]> {
  return query<DueCase>(em, `SELECT s.case_no, s.reason, c.status, c.item_code, c.department_code, c.limit_days, c.limit_unit
    FROM sweep_schedule s LEFT JOIN cases c ON c.case_no = s.case_no
    WHERE s.due_at <= $1 ${caseNos ? 'AND s.case_no = ANY($3::text[])' : ''}
    ORDER BY s.due_at, s.case_no LIMIT $2
    FOR UPDATE OF s SKIP LOCKED`, caseNos ? [at, limit, [...caseNos]] : [at, limit]);
}

/** Every event of the cases with the instant it was received, by case. */
export async function loadReceivedEvents(em: EntityManager, caseNos: readonly string[]): Promise<Map<string, ReceivedEvent[]>> {
  const byCase = new Map<string, ReceivedEvent[]>();
  if (caseNos.length === 0) return byCase;
  // One index lookup per case (see case-store loadCaseEvents for why the lateral OFFSET 0).
  const rows = await query<{ payload: StoredEvent; received_at: string }>(em, `SELECT e.payload, ${isoSql('e.received_at')} AS received_at
    FROM unnest($1::text[]) AS c(case_no)
    CROSS JOIN LATERAL (SELECT payload, received_at, seq FROM case_events WHERE case_no = c.case_no OFFSET 0) AS e
    ORDER BY e.seq`, [[...caseNos]]);
  for (const row of rows) {
    const entry: ReceivedEvent = { event: row.payload, receivedAt: row.received_at };
    const list = byCase.get(row.payload.caseNo);
    if (list) list.push(entry);
    else byCase.set(row.payload.caseNo, [entry]);
  }
  return byCase;
}

/** What the rules need of the items, by item code. */
export async function loadRuleItems(em: EntityManager, itemCodes: readonly string[]): Promise<Map<string, RuleItem>> {
  if (itemCodes.length === 0) return new Map();
  const rows = await query<{ item_code: string; department_code: string; fees: ItemFee[]; stages: Stage[] }>(em,
    'SELECT item_code, department_code, fees, stages FROM items WHERE item_code = ANY($1::text[])', [[...itemCodes]]);
  return new Map(rows.map((row) => [row.item_code, { itemCode: row.item_code, departmentCode: row.department_code, fees: row.fees, stages: row.stages }]));
}

export interface HeldAlert {
  id: number;
  case_no: string;
  rule: string;
  status: AlertStatus;
  revoked_by: string | null;
  notice_no: string | null;
}

export async function loadAlertsOfCases(em: EntityManager, caseNos: readonly string[]): Promise<HeldAlert[]> {
  if (caseNos.length === 0) return [];
  const rows = await query<HeldAlert & { id: string }>(em, `SELECT id::text, case_no, rule, status, revoked_by, notice_no
    FROM alerts WHERE case_no = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[...caseNos]]);
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
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

/** Inserts alerts raised at `at`; answers the new rows' ids by case and rule. */
export async function insertAlerts(em: EntityManager, rows: readonly NewAlertRow[], at: Date): Promise<{ id: number; case_no: string; rule: string; status: AlertStatus }[]> {
  if (rows.length === 0) return [];
  const inserted = await query<{ id: string; case_no: string; rule: string; status: AlertStatus }>(em, `INSERT INTO alerts
      (case_no, rule, rule_version, department_code, item_code, status, found_at, raised_at, message, details,
       appeal_due_on, notice_no, notice_demand, notice_issued_at, notice_due_on, updated_at)
    SELECT r.case_no, r.rule, r.rule_version, r.department_code, r.item_code, r.status, r.found_at, $2, r.message, r.details,
       r.appeal_due_on, r.notice_no, r.notice_demand, CASE WHEN r.notice_no IS NULL THEN NULL ELSE $2::timestamptz END, r.notice_due_on, $2
    FROM json_to_recordset($1::json) AS r(case_no text, rule text, rule_version int, department_code text, item_code text,
      status text, found_at timestamptz, message text, details jsonb, appeal_due_on date, notice_no text, notice_demand text, notice_due_on date)
    ON CONFLICT (case_no, rule) DO NOTHING
    RETURNING id::text, case_no, rule, status`, [JSON.stringify(rows), at]);
  return inserted.map((row) => ({ ...row, id: Number(row.id) }));
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
    FROM json_to_recordset($1::json) AS r(alert_id bigint, from_status text, to_status text, action text, actor text,
      reason text, data jsonb, request_id text)`, [JSON.stringify(rows), at]);
}

/** Sets the status (and revocation fields) of alerts; closedAt follows the status. */
export async function updateAlertStatuses(em: EntityManager, rows: readonly { id: number; status: AlertStatus; revoked_by: string | null; revoked_reason: string | null }[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await execute(em, `UPDATE alerts AS a SET status = r.status, revoked_by = r.revoked_by, revoked_reason = r.revoked_reason,
      closed_at = CASE WHEN r.status IN ('accepted', 'rejected', 'revoked') THEN $2::timestamptz ELSE NULL END, updated_at = $2
    FROM json_to_recordset($1::json) AS r(id bigint, status text, revoked_by text, revoked_reason text)
    WHERE a.id = r.id`, [JSON.stringify(rows), at]);
}

/** Sets each swept case's next due instant, or removes it from the schedule when nothing lies ahead. */
export async function reschedule(em: EntityManager, next: readonly { case_no: string; due_at: string | null }[]): Promise<void> {
  const later = next.filter((row) => row.due_at !== null);
  const done = next.filter((row) => row.due_at === null).map((row) => row.case_no);
  if (later.length > 0) {
    await execute(em, `UPDATE sweep_schedule AS s SET due_at = r.due_at, reason = NULL
      FROM json_to_recordset($1::json) AS r(case_no text, due_at timestamptz) WHERE s.case_no = r.case_no`, [JSON.stringify(later)]);
  }
  if (done.length > 0) await execute(em, 'DELETE FROM sweep_schedule WHERE case_no = ANY($1::text[])', [done]);
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

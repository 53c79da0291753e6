/**
 * Marking cases due for the sweep. Whatever changes what a case's findings could be (its events,
 * the calendar, the policy, its item) calls a hook of node/core/hooks.ts in the transaction that
 * makes the change; the sweep subscribes here and marks the cases due now with the reason, in that
 * same transaction (a list of cases through `sweep_marks`, which each sweep first moves into the
 * schedule; an item's cases or every case straight into the schedule). The sweep then evaluates them and sets the next due instant, or drops the row
 * when nothing lies ahead. A reason already pending is kept beside the new one.
 *
 * A change makes a case due at '-infinity': due for the next sweep whatever instant that sweep
 * judges at (a sweep may run at an explicit instant before the wall clock).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../core/db.ts';
import { allCasesChanged, casesChanged, itemRulesChanged, type CaseChangeReason } from '../core/hooks.ts';

/** Why a case is due: the change that made it so. */
export type DueReason = CaseChangeReason;

/** Chinese (and English) words for the reasons, used in revocations. */
export const DUE_REASON_LABELS: Readonly<Record<DueReason, string>> = {
  events: '收到新事件 (new events)',
  calendar: '日历变更 (calendar changed)',
  policy: '策略变更 (policy changed)',
  catalog: '事项变更 (item changed)',
  restDayDeadline: '时限规则变更: 以自然日计的期限最后一日为休息日的, 顺延至其后第一个工作日 (民法典第二百零三条) '
    + '(time rule changed: a calendar-day deadline on a rest day moves to the next working day, Civil Code art. 203)',
};

const UPSERT = `ON CONFLICT (case_no) DO UPDATE SET due_at = LEAST(sweep_schedule.due_at, EXCLUDED.due_at),
  reason = CASE
    WHEN sweep_schedule.reason IS NULL THEN EXCLUDED.reason
    WHEN position(EXCLUDED.reason IN sweep_schedule.reason) > 0 THEN sweep_schedule.reason
    ELSE left(sweep_schedule.reason || ',' || EXCLUDED.reason, 100) END`;

/**
 * Marks `caseNos` due for `reason`: appended to `sweep_marks`, which locks nothing, so the batch of
 * events making the change never waits for a sweep that holds the cases' schedule rows.
 */
async function markCasesDue(em: EntityManager, caseNos: readonly string[], reason: DueReason): Promise<void> {
  if (caseNos.length === 0) return;
  await execute(em, 'INSERT INTO sweep_marks (case_no, reason) SELECT c, $2 FROM unnest($1::text[]) AS c', [[...caseNos], reason]);
}

/**
 * Moves every committed mark into the schedule: its case becomes due now, its reasons joining
 * those already pending (each once, in the order they came). One statement, so a mark is either
 * still a mark or in the schedule; marks committed meanwhile wait for the next sweep. Every sweep
 * runs this first; answers the cases it made due.
 */
export async function drainSweepMarks(em: EntityManager): Promise<number> {
  return execute(em, `WITH drained AS (DELETE FROM sweep_marks RETURNING id, case_no, reason),
    per_reason AS (SELECT case_no, reason, min(id) AS first FROM drained GROUP BY case_no, reason),
    per_case AS (SELECT case_no, string_agg(reason, ',' ORDER BY first) AS reason FROM per_reason GROUP BY case_no)
    INSERT INTO sweep_schedule (case_no, due_at, reason) SELECT case_no, '-infinity', reason FROM per_case ORDER BY case_no
    ON CONFLICT (case_no) DO UPDATE SET due_at = '-infinity', reason = CASE
      WHEN sweep_schedule.reason IS NULL THEN EXCLUDED.reason
      ELSE left((SELECT string_agg(r, ',' ORDER BY o) FROM (
        SELECT r, min(o) AS o FROM unnest(string_to_array(sweep_schedule.reason || ',' || EXCLUDED.reason, ',')) WITH ORDINALITY AS t(r, o)
        GROUP BY r) AS u), 100) END`);
}

/** Marks every case of `itemCode` due (its fees or stages changed). */
async function markItemCasesDue(em: EntityManager, itemCode: string): Promise<void> {
  await execute(em, `INSERT INTO sweep_schedule (case_no, due_at, reason)
    SELECT case_no, '-infinity', 'catalog' FROM cases WHERE item_code = $1 ORDER BY case_no ${UPSERT}`, [itemCode]);
}

/** Marks every case that has an intake due (e.g. the reporting deadlines of the policy changed). */
async function markAllCasesDue(em: EntityManager, reason: DueReason): Promise<void> {
  await execute(em, `INSERT INTO sweep_schedule (case_no, due_at, reason)
    SELECT case_no, '-infinity', $1 FROM cases WHERE status <> 'pending' ORDER BY case_no ${UPSERT}`, [reason]);
}

/**
 * The sweep's subscriptions: whatever changes what a case's findings could be marks it due, in
 * the transaction of the change. The wiring calls this once at start (node/hook-wiring.ts).
 */
export function subscribeSweepSchedule(): void {
  casesChanged.subscribe(markCasesDue);
  itemRulesChanged.subscribe(markItemCasesDue);
  allCasesChanged.subscribe(markAllCasesDue);
}

/**
 * Recomputes the cached timelines after the calendar or the policy changed, in keyset chunks, and
 * writes back only the rows whose dates moved, telling `casesChanged` about those cases. Runs inside the caller's transaction so the new
 * rules and the cases judged by them become visible together.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { isoFromDay, type DayNumber } from '../calendar/local-date.ts';
import type { LimitUnit } from '../cases/case-event.ts';
import { execute, query } from '../core/db.ts';
import { casesChanged, type CaseChangeReason } from '../core/hooks.ts';
import type { CaseFacts } from './case-facts.ts';
import { computeTimeline } from './timeline.ts';
import type { TimeRulesSnapshot } from './time-rules.ts';

const CHUNK = 5000;

interface TimelineRow {
  case_no: string;
  limit_days: number;
  limit_unit: LimitUnit;
  facts: CaseFacts;
  deadline: string | null;
  yellow_from: string | null;
  yellow_card_on: string | null;
  red_card_on: string | null;
}

export interface RecomputeScope {
  /** Only cases whose timeline can touch one of these years; all timed cases when omitted. */
  years?: number[];
  /** Only cases counted in this unit; every unit when omitted. */
  limitUnit?: LimitUnit;
  /** What the sweep is told changed; by default a calendar year (with `years`) or the policy. */
  reason?: CaseChangeReason;
}

/** Why timelines are recomputed: what the scope says, else a calendar year changed, or the policy. */
const reasonOf = (scope: RecomputeScope): CaseChangeReason => scope.reason ?? (scope.years ? 'calendar' : 'policy');

const iso = (day: DayNumber | null): string | null => (day === null ? null : isoFromDay(day));

/** Answers how many cases were checked and how many changed. */
export async function recomputeTimelines(em: EntityManager, rules: TimeRulesSnapshot, scope: RecomputeScope = {}): Promise<{ checked: number; changed: number }> {
  // $1 is the keyset position; the scope's parameters follow it.
  const params: unknown[] = [];
  const conditions: string[] = [];
  if (scope.years && scope.years.length > 0) {
    // A timeline spans from the acceptance day to the red-card day (null while paused: recheck it).
    const first = Math.min(...scope.years);
    const last = Math.max(...scope.years);
    params.push(`${first}-01-01`, `${last}-12-31`);
    conditions.push(`AND accepted_day <= $${params.length + 1}::date AND (red_card_on IS NULL OR red_card_on >= $${params.length}::date)`);
  }
  if (scope.limitUnit) {
    params.push(scope.limitUnit);
    conditions.push(`AND limit_unit = $${params.length + 1}`);
  }
  const scopeCondition = conditions.join(' ');
  let checked = 0;
  let changed = 0;
  let after = '';
  for (;;) {
    const rows = await query<TimelineRow>(em, `SELECT case_no, limit_days, limit_unit, facts,
        deadline::text, yellow_from::text, yellow_card_on::text, red_card_on::text
      FROM cases WHERE case_no > $1 AND status IN ('open', 'paused', 'concluded') AND limit_days IS NOT NULL ${scopeCondition}
      ORDER BY case_no LIMIT ${CHUNK}`, [after, ...params]);
    if (rows.length === 0) break;
    checked += rows.length;
    const updates = [];
    for (const row of rows) {
      const timeline = computeTimeline(row.facts, row.limit_days, row.limit_unit, rules.calendar, rules.policy);
      const next = {
        case_no: row.case_no, deadline: iso(timeline.deadline), yellow_from: iso(timeline.yellowFrom),
        yellow_card_on: iso(timeline.yellowCardOn), red_card_on: iso(timeline.redCardOn),
      };
      if (next.deadline !== row.deadline || next.yellow_from !== row.yellow_from
        || next.yellow_card_on !== row.yellow_card_on || next.red_card_on !== row.red_card_on) updates.push(next);
    }
    if (updates.length > 0) {
      changed += await execute(em, `UPDATE cases AS c SET deadline = r.deadline, yellow_from = r.yellow_from,
          yellow_card_on = r.yellow_card_on, red_card_on = r.red_card_on, updated_at = now()
        FROM json_to_recordset($1::json) AS r(case_no text, deadline date, yellow_from date, yellow_card_on date, red_card_on date)
        WHERE c.case_no = r.case_no`, [JSON.stringify(updates)]);
      // Their findings may have moved with their dates: the sweep re-evaluates them (and revokes what became wrong).
      await casesChanged(em, updates.map((update) => update.case_no), reasonOf(scope));
    }
    after = rows.at(-1)!.case_no;
  }
  return { checked, changed };
}

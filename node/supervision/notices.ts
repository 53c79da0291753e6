/**
 * Supervision notices (督办单): numbers, demands and due dates. A number is the node's code, the
 * year and a sequence within the year ('610203-2026-000001'), drawn from `notice_counters` in the
 * transaction that issues the notice, so numbers are never reused or skipped by a rollback.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { isoFromDay, localDayOf, yearOf, type DayNumber } from '../calendar/local-date.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';
import { query } from '../core/db.ts';
import type { RuleCode } from './rules/rule-types.ts';

/** Reserves `count` consecutive notice numbers of the year of `at` (local). */
export async function reserveNoticeNumbers(em: EntityManager, nodeCode: string, at: Date, count: number): Promise<string[]> {
  if (count === 0) return [];
  const year = yearOf(localDayOf(at));
  const [row] = await query<{ last: number }>(em, `INSERT INTO notice_counters (year, last) VALUES ($1, $2)
    ON CONFLICT (year) DO UPDATE SET last = notice_counters.last + EXCLUDED.last RETURNING last`, [year, count]);
  const last = row!.last;
  return Array.from({ length: count }, (_, i) => `${nodeCode}-${year}-${String(last - count + 1 + i).padStart(6, '0')}`);
}

/** The last day to answer a notice issued at `at`: the n-th working day after the issue day. */
export function noticeDueOn(calendar: WorkCalendar, at: Date, workingDays: number): string {
  return isoFromDay(calendar.nthWorkingDayAfter(localDayOf(at), workingDays));
}

/** The last day to appeal an alert raised on `raisedDay`. */
export function appealDueOn(calendar: WorkCalendar, raisedDay: DayNumber, workingDays: number): string {
  return isoFromDay(calendar.nthWorkingDayAfter(raisedDay, workingDays));
}

const DEMANDS: Partial<Record<RuleCode, string>> = {
  YELLOW_CARD: '该办件已超过承诺时限, 被亮黄牌。请于 {due} 前说明超期理由, 尽快办结并报送整改情况。',
  RED_CARD: '该办件超期后仍未办结, 被亮红牌。请于 {due} 前说明理由, 立即办结, 并报送整改措施和责任人处理意见。',
};

/** The default demand (要求) of a notice on an alert of `rule` due on `due`. */
export function defaultDemand(rule: RuleCode, due: string): string {
  const template = DEMANDS[rule] ?? '请于 {due} 前就该预警说明理由, 并报送整改情况。';
  return template.replace('{due}', due);
}

/**
 * Folds a case's events into the cached row the lists and the board filter on: the facts, the
 * committed limit fixed at acceptance, and the timeline dates (deadline, yellow from, card days)
 * computed by the shared time-limit rules.
 */
import { isoFromDay, type DayNumber } from '../calendar/local-date.ts';
import { foldCaseEvents, type CaseFacts } from '../timelimits/case-facts.ts';
import { computeTimeline } from '../timelimits/timeline.ts';
import type { TimeRulesSnapshot } from '../timelimits/time-rules.ts';
import type { CaseEvent, LimitUnit } from './case-event.ts';
import type { CaseStateRow } from './case-store.ts';

export interface CommittedLimit {
  limitDays: number;
  limitUnit: LimitUnit;
}

const iso = (day: DayNumber | null): string | null => (day === null ? null : isoFromDay(day));

export function firstOccurredAt(events: readonly CaseEvent[]): string | null {
  let first: string | null = null;
  let firstMs = Infinity;
  for (const event of events) {
    const ms = Date.parse(event.occurredAt);
    if (ms < firstMs) {
      firstMs = ms;
      first = event.occurredAt;
    }
  }
  return first;
}

/** The cached state of one case from all its events (as of now). */
export function computeCaseStateRow(caseNo: string, events: readonly CaseEvent[], limit: CommittedLimit | null, rules: TimeRulesSnapshot): CaseStateRow {
  return caseStateRowOf(caseNo, foldCaseEvents(events), firstOccurredAt(events), limit, rules);
}

/** The cached state of one case from its folded facts (of every event) and its earliest occurredAt. */
export function caseStateRowOf(caseNo: string, facts: CaseFacts, firstOccurred: string | null, limit: CommittedLimit | null, rules: TimeRulesSnapshot): CaseStateRow {
  const timed = limit !== null && (facts.status === 'open' || facts.status === 'paused' || facts.status === 'concluded');
  const timeline = timed ? computeTimeline(facts, limit.limitDays, limit.limitUnit, rules.calendar, rules.policy) : null;
  return {
    case_no: caseNo,
    status: facts.status,
    item_code: facts.itemCode,
    department_code: facts.departmentCode,
    limit_days: limit?.limitDays ?? null,
    limit_unit: limit?.limitUnit ?? null,
    facts,
    first_occurred_at: firstOccurred,
    last_occurred_at: facts.lastOccurredAt,
    accepted_day: iso(facts.acceptedDay),
    concluded_day: iso(facts.concludedDay),
    deadline: iso(timeline?.deadline ?? null),
    yellow_from: iso(timeline?.yellowFrom ?? null),
    yellow_card_on: iso(timeline?.yellowCardOn ?? null),
    red_card_on: iso(timeline?.redCardOn ?? null),
  };
}

/** Shared fixtures of the time-limit tests: the real calendars and terse event builders. */
import type {
  AcceptedEvent,
  CaseEvent,
  ConcludedEvent,
  ConclusionResult,
  FeeEvent,
  LimitUnit,
  NotAcceptedEvent,
  ResumedEvent,
  Stage,
  StageEvent,
  SuspendedEvent,
  SuspensionProcedure,
} from '../../../node/cases/case-event.ts';
import { loadCalendarFiles } from '../../../node/calendar/calendar-files.ts';
import { dayFromIso, isoFromDay, type DayNumber } from '../../../node/calendar/local-date.ts';
import { WorkCalendar, type CalendarYear } from '../../../node/calendar/work-calendar.ts';
import { DEFAULT_TIME_POLICY, type TimePolicy } from '../../../node/timelimits/policy.ts';
import { evaluateCase, type ItemTimeLimit, type Verdict } from '../../../node/timelimits/verdict.ts';

/** The calendars shipped in config/calendars (2024, 2025, 2026). */
export const CALENDAR_DIR = new URL('../../../config/calendars/', import.meta.url);
export const CALENDAR_YEARS: CalendarYear[] = await loadCalendarFiles(CALENDAR_DIR);
export const CALENDAR = new WorkCalendar(CALENDAR_YEARS);

/** 'YYYY-MM-DD' → day number. */
export const d = (date: string): DayNumber => dayFromIso(date);
/** Day number → 'YYYY-MM-DD', or null. */
export const iso = (day: DayNumber | null): string | null => (day === null ? null : isoFromDay(day));

export const CASE_NO = 'CASE-0001';
let sequence = 0;
const nextId = (): string => `ev-${String(++sequence).padStart(5, '0')}`;
const base = (occurredAt: string, eventId?: string) => ({ eventId: eventId ?? nextId(), caseNo: CASE_NO, occurredAt });

export function accepted(occurredAt: string, extra: Partial<AcceptedEvent> = {}): AcceptedEvent {
  return {
    ...base(occurredAt),
    type: 'accepted',
    itemCode: 'ITEM-1',
    departmentCode: 'DEPT-1',
    applicant: { name: '张三' },
    ...extra,
  };
}

export function notAccepted(occurredAt: string, extra: Partial<NotAcceptedEvent> = {}): NotAcceptedEvent {
  return {
    ...base(occurredAt),
    type: 'notAccepted',
    itemCode: 'ITEM-1',
    departmentCode: 'DEPT-1',
    applicant: { name: '张三' },
    reason: '材料不属于本机关职权范围',
    ...extra,
  };
}

export function stage(occurredAt: string, name: Stage, eventId?: string): StageEvent {
  return { ...base(occurredAt, eventId), type: 'stage', stage: name, action: 'pass' };
}

export function fee(occurredAt: string, amountFen = 5000): FeeEvent {
  return { ...base(occurredAt), type: 'fee', feeCode: 'FEE-1', amountFen };
}

export function suspended(
  occurredAt: string,
  procedure: SuspensionProcedure = 'special',
  extra: Partial<SuspendedEvent> = {},
): SuspendedEvent {
  return { ...base(occurredAt), type: 'suspended', procedure, ...extra };
}

export function resumed(occurredAt: string): ResumedEvent {
  return { ...base(occurredAt), type: 'resumed' };
}

export function concluded(occurredAt: string, result: ConclusionResult = 'approved'): ConcludedEvent {
  return { ...base(occurredAt), type: 'concluded', result };
}

/** An item with a committed limit. */
export function item(promisedLimitDays: number, limitUnit: LimitUnit = 'workday'): ItemTimeLimit {
  return { itemCode: 'ITEM-1', departmentCode: 'DEPT-1', promisedLimitDays, limitUnit };
}

/** evaluateCase with the shipped calendar and, unless given, the default policy. */
export function verdictAt(
  events: readonly CaseEvent[],
  limit: ItemTimeLimit | null,
  at: string,
  policy: TimePolicy = DEFAULT_TIME_POLICY,
): Verdict {
  return evaluateCase({ caseNo: CASE_NO, events, item: limit, calendar: CALENDAR, policy, at: new Date(at) });
}

/** Deterministic PRNG (mulberry32) so that randomized tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

import type { LimitUnit } from '../cases/case-event.ts';
import type { DayNumber } from '../calendar/local-date.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';
import type { CaseFacts, Suspension } from './case-facts.ts';
import type { TimePolicy } from './policy.ts';

/**
 * The dates at which a case's light and cards change, computed once per change of its facts. With
 * them a date-only comparison (in SQL too) gives the light and cards at any date t; see
 * {@link lightOn} and {@link cardsDueOn}.
 */
export interface Timeline {
  /**
   * The N-th counting day (A itself for N = 0), moved to the next working day when a calendar-day
   * item's falls on a rest day; null while an open suspension leaves fewer than N.
   */
  deadline: DayNumber | null;
  /** The first date whose remaining days are <= policy.yellowAtRemainingDays; null with no deadline. */
  yellowFrom: DayNumber | null;
  /** The working day on which overdue days reach policy.yellowCardOverdueDays. */
  yellowCardOn: DayNumber | null;
  /** The working day on which overdue days reach policy.redCardOverdueDays. */
  redCardOn: DayNumber | null;
}

/** A case's light at a date: green, yellow (last days), red (overdue), paused (deadline pending). */
export type Light = 'green' | 'yellow' | 'red' | 'paused';

const NO_TIMELINE: Readonly<Timeline> = Object.freeze({ deadline: null, yellowFrom: null, yellowCardOn: null, redCardOn: null });

/** Counting days of the unit D with from < D <= to, before removing pauses. */
function countUnits(unit: LimitUnit, calendar: WorkCalendar, from: DayNumber, to: DayNumber): number {
  if (to <= from) return 0;
  return unit === 'calendarDay' ? to - from : calendar.countWorkingDays(from, to);
}

/** The n-th (n >= 1) day of the unit after `from`, before removing pauses. */
function nthUnit(unit: LimitUnit, calendar: WorkCalendar, from: DayNumber, n: number): DayNumber {
  return unit === 'calendarDay' ? from + n : calendar.nthWorkingDayAfter(from, n);
}

/**
 * The k-th counting day after acceptance day `acceptedDay` (A itself for k <= 0), skipping pauses;
 * null when an open suspension leaves fewer than k. `suspensions` are sorted and disjoint, as
 * {@link foldCaseEvents} produces them.
 */
export function nthCountingDay(
  acceptedDay: DayNumber,
  suspensions: readonly Suspension[],
  unit: LimitUnit,
  calendar: WorkCalendar,
  k: number,
): DayNumber | null {
  if (k <= 0) return acceptedDay;
  let pos = acceptedDay;
  let need = k;
  for (const s of suspensions) {
    if (s.endDay !== null && s.endDay <= pos) continue;
    // Counting days up to the pause start (S itself still counts: the pause removes S < D <= E).
    if (s.startDay > pos) {
      const available = countUnits(unit, calendar, pos, s.startDay);
      if (available >= need) return nthUnit(unit, calendar, pos, need);
      need -= available;
    }
    if (s.endDay === null) return null;
    pos = s.endDay;
  }
  return nthUnit(unit, calendar, pos, need);
}

/**
 * The deadline of a case accepted on `acceptedDay` with a committed limit of `limitDays`: the
 * limitDays-th counting day (A itself for 0), null while an open suspension leaves fewer. For a
 * calendar-day item a deadline on a rest day (weekend or holiday, as the calendar says) moves to
 * the next working day: 民法典 第二百零三条, a period whose last day is a statutory rest day ends
 * on the day after the rest. A working-day deadline is a working day already, and an immediate
 * item (limit 0) has no period to end: it is due the day it was accepted, whatever day that is.
 */
export function deadlineDay(
  acceptedDay: DayNumber,
  suspensions: readonly Suspension[],
  unit: LimitUnit,
  calendar: WorkCalendar,
  limitDays: number,
): DayNumber | null {
  const last = nthCountingDay(acceptedDay, suspensions, unit, calendar, limitDays);
  if (last === null || limitDays <= 0 || unit !== 'calendarDay' || calendar.isWorkingDay(last)) return last;
  return calendar.nthWorkingDayAfter(last, 1);
}

/**
 * Counting days up to the deadline: the limit itself, unless a calendar-day item's deadline moved
 * off a rest day, when the rest days it moved over (counting days of such an item) add to it.
 */
function countingDaysToDeadline(
  acceptedDay: DayNumber,
  suspensions: readonly Suspension[],
  unit: LimitUnit,
  calendar: WorkCalendar,
  limitDays: number,
  deadline: DayNumber,
): number {
  if (unit !== 'calendarDay' || limitDays <= 0) return limitDays;
  return countCountingDays(acceptedDay, suspensions, unit, calendar, acceptedDay, deadline);
}

/**
 * The first date t whose remaining days (counting days D with t < D <= deadline) are at most
 * `yellowAtRemainingDays` (Y). Remaining days only drop on counting days, so with K counting days
 * up to the deadline it is the (K - Y)-th counting day, or A when K - Y <= 0. K is the limit N
 * unless the deadline moved off a rest day; then the days it moved over count too, and the light
 * turns yellow on the moved deadline (Y = 0), not on the rest day before it.
 */
export function yellowFromDay(
  acceptedDay: DayNumber,
  suspensions: readonly Suspension[],
  unit: LimitUnit,
  calendar: WorkCalendar,
  limitDays: number,
  deadline: DayNumber,
  yellowAtRemainingDays: number,
): DayNumber | null {
  const k = countingDaysToDeadline(acceptedDay, suspensions, unit, calendar, limitDays, deadline) - yellowAtRemainingDays;
  return k <= 0 ? acceptedDay : nthCountingDay(acceptedDay, suspensions, unit, calendar, k);
}

/**
 * The day a case turned yellow before a suspension that is still open and leaves its deadline
 * pending: {@link yellowFromDay} against the deadline the case had before that pause began (the
 * one its closed suspensions give), when that day came before the pause; null when it did not.
 * A yellow light once shown stays a fact; the open pause does not undo it.
 */
export function yellowFromBeforeOpenPause(
  acceptedDay: DayNumber,
  suspensions: readonly Suspension[],
  unit: LimitUnit,
  calendar: WorkCalendar,
  limitDays: number,
  yellowAtRemainingDays: number,
): DayNumber | null {
  const closed = suspensions.filter((s) => s.endDay !== null);
  const before = deadlineDay(acceptedDay, closed, unit, calendar, limitDays);
  if (before === null) return null; // cannot happen: closed pauses leave every day after them
  const k = countingDaysToDeadline(acceptedDay, closed, unit, calendar, limitDays, before) - yellowAtRemainingDays;
  return k <= 0 ? acceptedDay : nthCountingDay(acceptedDay, suspensions, unit, calendar, k);
}

/**
 * Counting days D with from < D <= to for a case accepted on `acceptedDay`: days of the unit after
 * acceptance, minus those inside pauses. `suspensions` are sorted and disjoint.
 */
export function countCountingDays(
  acceptedDay: DayNumber,
  suspensions: readonly Suspension[],
  unit: LimitUnit,
  calendar: WorkCalendar,
  from: DayNumber,
  to: DayNumber,
): number {
  const lo = from > acceptedDay ? from : acceptedDay;
  let total = countUnits(unit, calendar, lo, to);
  if (total === 0) return 0;
  for (const s of suspensions) {
    const pausedFrom = s.startDay > lo ? s.startDay : lo;
    const pausedTo = s.endDay === null || s.endDay > to ? to : s.endDay;
    total -= countUnits(unit, calendar, pausedFrom, pausedTo);
  }
  return total;
}

/**
 * The timeline of an accepted case under the time rules (README, 时限规则). A case that was never accepted
 * (pending, notAccepted) has an all-null timeline.
 *
 * - counting days: working days (every date for a calendarDay item) D > A not removed by a pause;
 * - deadline: the N-th counting day, A when N = 0, null while an open suspension leaves fewer;
 *   a calendar-day item's moves off a rest day to the next working day ({@link deadlineDay});
 * - yellowFrom: the first t with remaining(t) <= Y ({@link yellowFromDay}): the (N - Y)-th
 *   counting day (A when N - Y <= 0), later when the deadline moved;
 * - yellowCardOn / redCardOn: the policy's n-th working day after the deadline (overdue days count
 *   working days whatever the unit, and pauses do not reduce them).
 *
 * @throws RangeError when limitDays is not a non-negative integer.
 */
export function computeTimeline(
  facts: CaseFacts,
  limitDays: number,
  limitUnit: LimitUnit,
  calendar: WorkCalendar,
  policy: TimePolicy,
): Timeline {
  if (!Number.isSafeInteger(limitDays) || limitDays < 0) {
    throw new RangeError(`limitDays must be a non-negative integer, got ${limitDays}`);
  }
  const accepted = facts.acceptedDay;
  if (accepted === null) return { ...NO_TIMELINE };
  const deadline = deadlineDay(accepted, facts.suspensions, limitUnit, calendar, limitDays);
  if (deadline === null) return { ...NO_TIMELINE };
  const yellowFrom = yellowFromDay(accepted, facts.suspensions, limitUnit, calendar, limitDays, deadline, policy.yellowAtRemainingDays);
  return {
    deadline,
    yellowFrom,
    yellowCardOn: calendar.nthWorkingDayAfter(deadline, policy.yellowCardOverdueDays),
    redCardOn: calendar.nthWorkingDayAfter(deadline, policy.redCardOverdueDays),
  };
}

/**
 * The light of an open case at date t from its timeline alone: paused while the deadline is
 * pending, red after the deadline, yellow from yellowFrom, else green. (Concluded and not-accepted
 * cases have no light; the caller decides that.)
 */
export function lightOn(timeline: Timeline, t: DayNumber): Light {
  if (timeline.deadline === null) return 'paused';
  if (t > timeline.deadline) return 'red';
  if (timeline.yellowFrom !== null && t >= timeline.yellowFrom) return 'yellow';
  return 'green';
}

/**
 * The cards due at date t (for a concluded case pass its conclusion date), each with the working
 * day its threshold was reached.
 */
export function cardsDueOn(timeline: Timeline, t: DayNumber): { color: 'yellow' | 'red'; day: DayNumber }[] {
  const cards: { color: 'yellow' | 'red'; day: DayNumber }[] = [];
  if (timeline.yellowCardOn !== null && t >= timeline.yellowCardOn) cards.push({ color: 'yellow', day: timeline.yellowCardOn });
  if (timeline.redCardOn !== null && t >= timeline.redCardOn) cards.push({ color: 'red', day: timeline.redCardOn });
  return cards;
}

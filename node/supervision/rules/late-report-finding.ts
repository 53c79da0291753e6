/**
 * The reporting rule: departments report each case event to the node on the day it happens (by
 * policy.reportByTime), or, for an event of a non-working day or after that time, on the next
 * working day.
 */
import { isoFromDay, localDayOfMs, parseInstant, type DayNumber } from '../../calendar/local-date.ts';
import { finding, type CountedEvent, type RuleContext } from './rule-context.ts';
import type { Finding } from './rule-types.ts';

/** A report-by instant: a local date and a policy time of day 'HH:MM' (Asia/Shanghai, +08:00, no daylight saving). */
interface LocalTime {
  day: DayNumber;
  time: string;
}

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const TIME_OF_DAY = /^(\d{2}):(\d{2})$/;

/** Milliseconds after local midnight of a policy time 'HH:MM'; a RangeError for anything else. */
function timeOfDayMs(time: string): number {
  const known = timesOfDay.get(time);
  if (known !== undefined) return known;
  const m = TIME_OF_DAY.exec(time);
  const hour = m === null ? NaN : Number(m[1]);
  const minute = m === null ? NaN : Number(m[2]);
  if (!(hour <= 23 && minute <= 59)) throw new RangeError(`not a time of day HH:MM: ${JSON.stringify(time)}`);
  const ms = hour * 3_600_000 + minute * 60_000;
  // A policy has two such times, read for every event: keep the few seen.
  if (timesOfDay.size < 16) timesOfDay.set(time, ms);
  return ms;
}
const timesOfDay = new Map<string, number>();

/** The instant of a local time, epoch ms: the same as parsing its ISO text, without the text. */
function localTimeMs({ day, time }: LocalTime): number {
  return day * MS_PER_DAY - SHANGHAI_OFFSET_MS + timeOfDayMs(time);
}

/** 'HH:MM' on a local date as an instant at +08:00. */
function localTimeIso({ day, time }: LocalTime): string {
  return `${isoFromDay(day)}T${time}:00+08:00`;
}

/** The report-by time of an event that occurred at `occurredMs` (see {@link reportDeadline}). */
function reportBy(ctx: RuleContext, occurredMs: number): LocalTime {
  const { calendar, policy } = ctx;
  const day = localDayOfMs(occurredMs);
  if (calendar.isWorkingDay(day)) {
    const sameDay = { day, time: policy.reportByTime };
    // Compared as instants, so an event at 17:00:30 is after a 17:00 report-by time.
    if (occurredMs <= localTimeMs(sameDay)) return sameDay;
    return { day: calendar.nthWorkingDayAfter(day, 1), time: policy.reportByTime };
  }
  return { day: calendar.nthWorkingDayAfter(day, 1), time: policy.nonWorkingDayReportByTime };
}

/**
 * The instant by which an event that occurred at `occurredMs` must be received, ISO 8601 at +08:00.
 * With D its local date: on a working day, at or before D at policy.reportByTime, it is D at
 * reportByTime; on a working day after that time it is the next working day at reportByTime (it
 * could not have been reported earlier); on a non-working day it is the next working day at
 * policy.nonWorkingDayReportByTime.
 */
export function reportDeadline(ctx: RuleContext, occurredMs: number): string {
  return localTimeIso(reportBy(ctx, occurredMs));
}

/**
 * LATE_REPORT: an event (occurredAt <= at) that the node received (receivedAt <= at) after its
 * {@link reportDeadline}; received exactly at the deadline is on time. foundAt = receivedAt of the
 * earliest-received late event (ties in fold order); details { eventId, occurredAt, receivedAt,
 * reportBy, lateEvents (how many events were late) }.
 *
 * @throws RangeError for a receivedAt that is not an ISO 8601 date-time with an offset.
 */
export function lateReportFinding(ctx: RuleContext): Finding | null {
  let first: { counted: CountedEvent; receivedMs: number } | null = null;
  let late = 0;
  for (const counted of ctx.events) {
    const receivedMs = parseInstant(counted.receivedAt);
    if (receivedMs > ctx.atMs) continue; // not yet received at `at`
    // Compared as epoch ms; only the finding's deadline is written out as text.
    if (receivedMs <= localTimeMs(reportBy(ctx, counted.occurredMs))) continue;
    late++;
    if (first === null || receivedMs < first.receivedMs) first = { counted, receivedMs };
  }
  if (first === null) return null;
  const { event, receivedAt } = first.counted;
  const deadline = reportDeadline(ctx, first.counted.occurredMs);
  return finding(
    'LATE_REPORT',
    receivedAt,
    `办件 ${ctx.caseNo} 的事件 ${event.eventId} 应于 ${deadline} 前上报, 实际于 ${receivedAt} 上报` +
      (late > 1 ? `, 共 ${late} 个事件上报不及时` : ''),
    { eventId: event.eventId, occurredAt: event.occurredAt, receivedAt, reportBy: deadline, lateEvents: late },
  );
}

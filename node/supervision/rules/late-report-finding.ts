/**
 * The reporting rule: departments report each case event to the node on the day it happens (by
 * policy.reportByTime), or, for an event of a non-working day or after that time, on the next
 * working day.
 */
import { isoFromDay, localDayOfMs, parseInstant, type DayNumber } from '../../calendar/local-date.ts';
import { finding, type CountedEvent, type RuleContext } from './rule-context.ts';
import type { Finding } from './rule-types.ts';

/** 'HH:MM' on a local date as an instant at +08:00 (Asia/Shanghai has no daylight saving). */
function localTimeIso(day: DayNumber, time: string): string {
  return `${isoFromDay(day)}T${time}:00+08:00`;
}

/**
 * The instant by which an event that occurred at `occurredMs` must be received, ISO 8601 at +08:00.
 * With D its local date: on a working day, at or before D at policy.reportByTime, it is D at
 * reportByTime; on a working day after that time it is the next working day at reportByTime (it
 * could not have been reported earlier); on a non-working day it is the next working day at
 * policy.nonWorkingDayReportByTime.
 */
export function reportDeadline(ctx: RuleContext, occurredMs: number): string {
  const { calendar, policy } = ctx;
  const day = localDayOfMs(occurredMs);
  if (calendar.isWorkingDay(day)) {
    const sameDay = localTimeIso(day, policy.reportByTime);
    // Compared as instants, so an event at 17:00:30 is after a 17:00 report-by time.
    if (occurredMs <= parseInstant(sameDay)) return sameDay;
    return localTimeIso(calendar.nthWorkingDayAfter(day, 1), policy.reportByTime);
  }
  return localTimeIso(calendar.nthWorkingDayAfter(day, 1), policy.nonWorkingDayReportByTime);
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
  let first: { counted: CountedEvent; receivedMs: number; reportBy: string } | null = null;
  let late = 0;
  for (const counted of ctx.events) {
    const receivedMs = parseInstant(counted.receivedAt);
    if (receivedMs > ctx.atMs) continue; // not yet received at `at`
    const reportBy = reportDeadline(ctx, counted.occurredMs);
    if (receivedMs <= parseInstant(reportBy)) continue;
    late++;
    if (first === null || receivedMs < first.receivedMs) first = { counted, receivedMs, reportBy };
  }
  if (first === null) return null;
  const { event, receivedAt } = first.counted;
  return finding(
    'LATE_REPORT',
    receivedAt,
    `办件 ${ctx.caseNo} 的事件 ${event.eventId} 应于 ${first.reportBy} 前上报, 实际于 ${receivedAt} 上报` +
      (late > 1 ? `, 共 ${late} 个事件上报不及时` : ''),
    { eventId: event.eventId, occurredAt: event.occurredAt, receivedAt, reportBy: first.reportBy, lateEvents: late },
  );
}

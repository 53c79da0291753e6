/**
 * The suspension rules: a pause (特别程序 / 补正) must keep to its planned days, and an applicant
 * should be asked to supplement (补正) at most once.
 */
import type { LimitUnit } from '../../cases/case-event.ts';
import { isoFromDay, startOfLocalDayIso, type DayNumber } from '../../calendar/local-date.ts';
import type { Suspension } from '../../timelimits/case-facts.ts';
import { PROCEDURE_LABELS, UNIT_LABELS } from './rule-catalog.ts';
import { finding, type RuleContext } from './rule-context.ts';
import type { Finding } from './rule-types.ts';

/** Days of the unit D with startDay < D <= endDay (the days a pause has lasted). */
function unitsBetween(ctx: RuleContext, unit: LimitUnit, startDay: DayNumber, endDay: DayNumber): number {
  if (endDay <= startDay) return 0;
  return unit === 'calendarDay' ? endDay - startDay : ctx.calendar.countWorkingDays(startDay, endDay);
}

/** The first day on which a pause with `plannedDays` runs over: the (plannedDays + 1)-th day of the unit after its start. */
function overrunDay(ctx: RuleContext, s: Suspension & { plannedDays: number }): DayNumber {
  const unit = s.plannedUnit ?? 'workday';
  return unit === 'calendarDay' ? s.startDay + s.plannedDays + 1 : ctx.calendar.nthWorkingDayAfter(s.startDay, s.plannedDays + 1);
}

function hasPlan(s: Suspension): s is Suspension & { plannedDays: number } {
  return s.plannedDays !== undefined;
}

/**
 * SUSPENSION_OVERRUN: a suspension with plannedDays (unit plannedUnit, default 'workday') lasted
 * longer than planned. Its length up to E' = endDay, or atDay while still open, is the days of the
 * unit D with startDay < D <= E' (working days, or calendar days); it overruns when the length
 * exceeds plannedDays (exactly plannedDays is fine). foundAt = 00:00 local of the overrun day (the
 * (plannedDays + 1)-th day of the unit after the start) of the first overrunning suspension;
 * details { eventId (the suspended event), procedure, startDay, endDay, plannedDays, plannedUnit, days }.
 */
export function suspensionOverrunFinding(ctx: RuleContext): Finding | null {
  const suspensions = ctx.facts.suspensions;
  for (let i = 0; i < suspensions.length; i++) {
    const s = suspensions[i]!;
    if (!hasPlan(s)) continue;
    const unit = s.plannedUnit ?? 'workday';
    const days = unitsBetween(ctx, unit, s.startDay, s.endDay ?? ctx.atDay);
    if (days <= s.plannedDays) continue;
    const start = ctx.lifecycle.suspensionStarts[i]!;
    return finding(
      'SUSPENSION_OVERRUN',
      startOfLocalDayIso(overrunDay(ctx, s)),
      `办件 ${ctx.caseNo} 的${PROCEDURE_LABELS[s.procedure]}暂停计时已达 ${days} 个${UNIT_LABELS[unit]}, 超过计划的 ${s.plannedDays} 个${UNIT_LABELS[unit]}`,
      {
        eventId: start.event.eventId,
        procedure: s.procedure,
        startDay: isoFromDay(s.startDay),
        endDay: s.endDay === null ? null : isoFromDay(s.endDay),
        plannedDays: s.plannedDays,
        plannedUnit: unit,
        days,
      },
    );
  }
  return null;
}

/**
 * The overrun day of the suspension still open, when it has planned days and has not yet run over
 * by atDay; null otherwise. (Closed suspensions can no longer change.) Only while the case is
 * open or paused: a conclusion closes every suspension.
 */
export function overrunDueDay(ctx: RuleContext): DayNumber | null {
  const last = ctx.facts.suspensions[ctx.facts.suspensions.length - 1];
  if (last === undefined || last.endDay !== null || ctx.facts.status !== 'paused' || !hasPlan(last)) return null;
  const day = overrunDay(ctx, last);
  return day > ctx.atDay ? day : null;
}

/**
 * SUPPLEMENT_REPEATED: the case had more than one suspension with procedure 'supplement' (as
 * folded: a suspended event while one is open continues it and does not count). foundAt =
 * occurredAt of the event that started the second; details { count, eventIds } (the starting events).
 */
export function supplementRepeatedFinding(ctx: RuleContext): Finding | null {
  const starts = ctx.lifecycle.suspensionStarts.filter((_, i) => ctx.facts.suspensions[i]!.procedure === 'supplement');
  if (starts.length < 2) return null;
  return finding(
    'SUPPLEMENT_REPEATED',
    starts[1]!.event.occurredAt,
    `办件 ${ctx.caseNo} 已 ${starts.length} 次要求申请人补正材料`,
    { count: starts.length, eventIds: starts.map((s) => s.event.eventId) },
  );
}

/**
 * The time rules (the time rules (README, 时限规则)): lights and cards as findings. They read only the folded
 * facts and the timeline, so they agree with the verdict of the same instant.
 */
import { isoFromDay, startOfLocalDayIso, type DayNumber } from '../../calendar/local-date.ts';
import { cardsDueOn, yellowFromBeforeOpenPause } from '../../timelimits/timeline.ts';
import { finding, isRunning, runningOn, type RuleContext } from './rule-context.ts';
import type { Finding } from './rule-types.ts';

/**
 * TIME_YELLOW_LIGHT: the case entered a day with a yellow light while still running. Found when
 * timeline.yellowFrom is known, yellowFrom > acceptedDay (a case on its last day from acceptance,
 * e.g. an immediate item, gets no yellow-light alert), yellowFrom <= atDay, and the case is open or
 * paused or was concluded on or after yellowFrom. foundAt = 00:00 local of yellowFrom;
 * details { yellowFrom, deadline } as 'YYYY-MM-DD'.
 */
export function yellowLightFinding(ctx: RuleContext): Finding | null {
  const yellowFrom = yellowDay(ctx);
  const deadline = ctx.timeline?.deadline ?? null;
  const accepted = ctx.facts.acceptedDay;
  if (yellowFrom === null || accepted === null) return null;
  if (yellowFrom <= accepted || yellowFrom > ctx.atDay || !runningOn(ctx, yellowFrom)) return null;
  return finding(
    'TIME_YELLOW_LIGHT',
    startOfLocalDayIso(yellowFrom),
    deadline === null ? `办件 ${ctx.caseNo} 临近办结期限, 亮黄灯` : `办件 ${ctx.caseNo} 临近办结期限 ${isoFromDay(deadline)}, 亮黄灯`,
    { yellowFrom: isoFromDay(yellowFrom), deadline: deadline === null ? null : isoFromDay(deadline) },
  );
}

/**
 * The day the light turned yellow. A suspension begun on the last days leaves the deadline (and so
 * timeline.yellowFrom) pending, but the case did turn yellow before it: a yellow light once shown
 * stays found, or a later pause would revoke a true alert.
 */
function yellowDay(ctx: RuleContext): DayNumber | null {
  const timeline = ctx.timeline;
  if (timeline === null) return null;
  if (timeline.deadline !== null || ctx.limit === null || ctx.facts.acceptedDay === null) return timeline.yellowFrom;
  return yellowFromBeforeOpenPause(ctx.facts.acceptedDay, ctx.facts.suspensions, ctx.limit.limitUnit, ctx.calendar, ctx.limit.limitDays, ctx.policy.yellowAtRemainingDays);
}

/**
 * TIME_RED_LIGHT: the case was still running on day R = deadline + 1 (a calendar day), with
 * R <= atDay: open or paused, or concluded on or after R. foundAt = 00:00 local of R;
 * details { deadline }.
 */
export function redLightFinding(ctx: RuleContext): Finding | null {
  const deadline = ctx.timeline?.deadline ?? null;
  if (deadline === null) return null;
  const redDay = deadline + 1;
  if (redDay > ctx.atDay || !runningOn(ctx, redDay)) return null;
  return finding(
    'TIME_RED_LIGHT',
    startOfLocalDayIso(redDay),
    `办件 ${ctx.caseNo} 已超过办结期限 ${isoFromDay(deadline)}, 亮红灯`,
    { deadline: isoFromDay(deadline) },
  );
}

/** The date cards are judged at, as verdict.ts does: the conclusion date of a concluded case, else atDay. */
function cardDate(ctx: RuleContext): DayNumber | null {
  const { status, concludedDay } = ctx.facts;
  if (status === 'concluded') return concludedDay;
  return isRunning(ctx) ? ctx.atDay : null;
}

function cardFinding(ctx: RuleContext, color: 'yellow' | 'red'): Finding | null {
  const timeline = ctx.timeline;
  const t = cardDate(ctx);
  if (timeline === null || timeline.deadline === null || t === null) return null;
  const card = cardsDueOn(timeline, t).find((c) => c.color === color);
  if (card === undefined) return null;
  const overdueDays = ctx.calendar.countWorkingDays(timeline.deadline, t);
  return finding(
    color === 'yellow' ? 'YELLOW_CARD' : 'RED_CARD',
    startOfLocalDayIso(card.day),
    `办件 ${ctx.caseNo} 已超期 ${overdueDays} 个工作日, 亮${color === 'yellow' ? '黄' : '红'}牌`,
    { deadline: isoFromDay(timeline.deadline), overdueDays, cardDay: isoFromDay(card.day) },
  );
}

/**
 * YELLOW_CARD: overdue working days reached policy.yellowCardOverdueDays, per
 * {@link cardsDueOn} at t = the conclusion date of a concluded case, else atDay (as the verdict).
 * foundAt = the card's issuedAt (00:00 local of the card day); details { deadline, overdueDays
 * (at t), cardDay }.
 */
export function yellowCardFinding(ctx: RuleContext): Finding | null {
  return cardFinding(ctx, 'yellow');
}

/** RED_CARD: as {@link yellowCardFinding}, with policy.redCardOverdueDays. */
export function redCardFinding(ctx: RuleContext): Finding | null {
  return cardFinding(ctx, 'red');
}

/**
 * The days after atDay on which a time finding would newly appear with no new event: yellowFrom
 * (when it can raise a yellow light), deadline + 1, yellowCardOn and redCardOn. Empty unless the
 * case is open or paused.
 */
export function timeDueDays(ctx: RuleContext): DayNumber[] {
  const timeline = ctx.timeline;
  const accepted = ctx.facts.acceptedDay;
  if (timeline === null || timeline.deadline === null || accepted === null || !isRunning(ctx)) return [];
  const days: DayNumber[] = [];
  if (timeline.yellowFrom !== null && timeline.yellowFrom > accepted) days.push(timeline.yellowFrom);
  days.push(timeline.deadline + 1);
  if (timeline.yellowCardOn !== null) days.push(timeline.yellowCardOn);
  if (timeline.redCardOn !== null) days.push(timeline.redCardOn);
  return days.filter((day) => day > ctx.atDay);
}

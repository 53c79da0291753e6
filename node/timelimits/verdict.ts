import type { CaseEvent, ConclusionResult, LimitUnit, Stage } from '../cases/case-event.ts';
import { isoFromDay, localDayOf, startOfLocalDayIso, type DayNumber } from '../calendar/local-date.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';
import { foldCaseEvents, type CaseFacts, type CaseStatus } from './case-facts.ts';
import type { TimePolicy } from './policy.ts';
import { cardsDueOn, computeTimeline, countCountingDays, lightOn, type Light, type Timeline } from './timeline.ts';

/** What a verdict needs of an item (政务服务事项): its committed limit. */
export interface ItemTimeLimit {
  itemCode: string;
  departmentCode: string;
  /** 承诺办结时限; 0 for an immediate item (即办件). */
  promisedLimitDays: number;
  limitUnit: LimitUnit;
}

/** The limit a case runs against. */
export interface CaseLimit {
  limitDays: number;
  limitUnit: LimitUnit;
}

/** A yellow card (黄牌) or red card (红牌). */
export interface Card {
  color: 'yellow' | 'red';
  /** 00:00 local of the working day the threshold was reached, e.g. '2025-02-08T00:00:00+08:00'. */
  issuedAt: string;
}

/** The supervision verdict on one case at one instant (wire shape, JSON-ready; events are added by the caller). */
export interface Verdict {
  caseNo: string;
  itemCode: string | null;
  departmentCode: string | null;
  status: CaseStatus;
  stage: Stage | null;
  acceptedAt: string | null;
  limitDays: number | null;
  limitUnit: LimitUnit | null;
  /** 'YYYY-MM-DD'. */
  deadline: string | null;
  remainingDays: number | null;
  overdueDays: number | null;
  light: Light | null;
  cards: Card[];
  concludedAt: string | null;
  result: ConclusionResult | null;
  onTime: boolean | null;
  early: boolean | null;
}

/** Input of {@link evaluateCase}. */
export interface EvaluateCaseInput {
  caseNo: string;
  events: readonly CaseEvent[];
  /** The item of the folded itemCode, looked up by the caller; null when unknown or still pending. */
  item: ItemTimeLimit | null;
  calendar: WorkCalendar;
  policy: TimePolicy;
  at: Date;
}

/**
 * The supervision verdict on a case at instant `at`: a pure function of its events, item,
 * calendar and policy (the time rules (README, 时限规则)), so any node can recompute it.
 *
 * @throws RangeError for events of another case, a malformed occurredAt, or a bad limit.
 */
export function evaluateCase(input: EvaluateCaseInput): Verdict {
  const facts = foldCaseEvents(input.events, input.at);
  if (input.events.length > 0 && facts.caseNo !== input.caseNo) {
    throw new RangeError(`events belong to case ${facts.caseNo}, not ${input.caseNo}`);
  }
  facts.caseNo = input.caseNo;
  return verdictFromFacts(facts, input.item, input.calendar, input.policy, localDayOf(input.at));
}

/**
 * The limit a case runs against: the accepted event's promisedLimitDays, else the item's. A case
 * with an override but no known item counts in working days (工作日, the usual unit). Null when
 * neither is known.
 */
export function resolveLimit(facts: CaseFacts, item: ItemTimeLimit | null): CaseLimit | null {
  const limitUnit = item?.limitUnit ?? 'workday';
  if (facts.limitOverride !== null) return { limitDays: facts.limitOverride, limitUnit };
  if (item !== null) return { limitDays: item.promisedLimitDays, limitUnit };
  return null;
}

/** {@link evaluateCase} from already folded facts, at local date `atDay`. */
export function verdictFromFacts(
  facts: CaseFacts,
  item: ItemTimeLimit | null,
  calendar: WorkCalendar,
  policy: TimePolicy,
  atDay: DayNumber,
): Verdict {
  const started = facts.status !== 'pending' && facts.status !== 'notAccepted';
  const limit = started ? resolveLimit(facts, item) : null;
  const timeline = limit === null ? null : computeTimeline(facts, limit.limitDays, limit.limitUnit, calendar, policy);
  return verdictFromTimeline(facts, item, limit, timeline, calendar, atDay);
}

/**
 * The verdict from facts and an already computed timeline (e.g. cached in the database) at local
 * date `atDay`. `limit` and `timeline` are null when the case never started or its limit is unknown.
 *
 * - concluded: t = the conclusion date for overdue days and cards; no light, no remaining days;
 *   onTime = concluded <= deadline, early = concluded < deadline;
 * - open / paused: light per {@link lightOn}; remaining and overdue days are null while the deadline
 *   is pending;
 * - pending / notAccepted, or no known limit: every time-related field null, no cards.
 */
export function verdictFromTimeline(
  facts: CaseFacts,
  item: ItemTimeLimit | null,
  limit: CaseLimit | null,
  timeline: Timeline | null,
  calendar: WorkCalendar,
  atDay: DayNumber,
): Verdict {
  const started = facts.status !== 'pending' && facts.status !== 'notAccepted';
  const verdict: Verdict = {
    caseNo: facts.caseNo,
    itemCode: facts.itemCode ?? item?.itemCode ?? null,
    departmentCode: facts.departmentCode ?? item?.departmentCode ?? null,
    status: facts.status,
    stage: facts.stage,
    acceptedAt: facts.acceptedAt,
    limitDays: null,
    limitUnit: null,
    deadline: null,
    remainingDays: null,
    overdueDays: null,
    light: null,
    cards: [],
    // A refusal at intake is not a conclusion: it has no time-related fields.
    concludedAt: facts.status === 'concluded' ? facts.concludedAt : null,
    result: facts.result,
    onTime: null,
    early: null,
  };
  if (!started || limit === null || timeline === null || facts.acceptedDay === null) return verdict;
  verdict.limitDays = limit.limitDays;
  verdict.limitUnit = limit.limitUnit;

  const deadline = timeline.deadline;
  if (facts.status === 'concluded' && facts.concludedDay !== null) {
    const t = facts.concludedDay;
    if (deadline === null) return verdict; // cannot happen: a conclusion closes every pause
    verdict.deadline = isoFromDay(deadline);
    verdict.overdueDays = calendar.countWorkingDays(deadline, t);
    verdict.cards = issuedCards(timeline, t);
    verdict.onTime = t <= deadline;
    verdict.early = t < deadline;
    return verdict;
  }

  verdict.light = lightOn(timeline, atDay);
  if (deadline === null) return verdict;
  verdict.deadline = isoFromDay(deadline);
  verdict.remainingDays = countCountingDays(
    facts.acceptedDay,
    facts.suspensions,
    limit.limitUnit,
    calendar,
    atDay,
    deadline,
  );
  verdict.overdueDays = calendar.countWorkingDays(deadline, atDay);
  verdict.cards = issuedCards(timeline, atDay);
  return verdict;
}

function issuedCards(timeline: Timeline, t: DayNumber): Card[] {
  return cardsDueOn(timeline, t).map((card) => ({ color: card.color, issuedAt: startOfLocalDayIso(card.day) }));
}

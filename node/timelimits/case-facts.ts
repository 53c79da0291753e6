import type {
  CaseEvent,
  CaseEventType,
  ConclusionResult,
  LimitUnit,
  Stage,
  SuspensionProcedure,
} from '../cases/case-event.ts';
import { localDayOfMs, parseInstant, type DayNumber } from '../calendar/local-date.ts';

/** Where a case stands: before intake, running, clock stopped, concluded, or refused at intake. */
export const CASE_STATUSES = ['pending', 'open', 'paused', 'concluded', 'notAccepted'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** One stop of the clock: it removes counting days D with startDay < D <= endDay (every D > startDay while open). */
export interface Suspension {
  startDay: DayNumber;
  /** null while the suspension is still open. */
  endDay: DayNumber | null;
  procedure: SuspensionProcedure;
  plannedDays?: number;
  plannedUnit?: LimitUnit;
}

/**
 * What a case's events establish, as far as time limits care. Plain JSON-ready data: with the
 * item, the calendar, the policy and a date it determines the verdict.
 */
export interface CaseFacts {
  caseNo: string;
  status: CaseStatus;
  /** From the accepted (or notAccepted) event. */
  itemCode: string | null;
  departmentCode: string | null;
  /** The accepted event's occurredAt, as sent. */
  acceptedAt: string | null;
  acceptedDay: DayNumber | null;
  /** The accepted event's promisedLimitDays, overriding the item's limit. */
  limitOverride: number | null;
  /** The stage of the latest stage event. */
  stage: Stage | null;
  /** In time order and disjoint: each starts on or after the previous one's end. */
  suspensions: Suspension[];
  /** When the case ended: the concluded event, or the notAccepted event for a refused case. */
  concludedAt: string | null;
  concludedDay: DayNumber | null;
  result: ConclusionResult | null;
  /** occurredAt, as sent, of the latest event counted (occurredAt <= at). */
  lastOccurredAt: string | null;
}

// Order of events sharing an instant: intake first, conclusion last, so that an immediate item
// accepted and concluded in the same second folds the natural way.
const TYPE_RANK: Readonly<Record<CaseEventType, number>> = {
  accepted: 0,
  notAccepted: 0,
  stage: 1,
  fee: 1,
  suspended: 2,
  resumed: 3,
  concluded: 4,
};

/**
 * Folds a case's events, as of the instant `at` (all events when omitted), into its {@link CaseFacts}.
 *
 * Events are taken in order of occurredAt instant, then type rank (accepted/notAccepted, stage/fee,
 * suspended, resumed, concluded), then eventId; the input is not modified, and its order does not
 * matter. Only events with occurredAt <= at count. Interpretation:
 * - the first accepted or notAccepted event decides intake; later ones are ignored;
 * - before intake and after a terminal event (concluded, notAccepted) other events are ignored;
 * - a suspended event while one is open continues it; a resumed event with none open is ignored;
 * - a conclusion closes an open suspension on its date.
 *
 * @throws RangeError for an occurredAt that is not an ISO 8601 date-time with an offset, or for
 *   events of more than one caseNo.
 */
export function foldCaseEvents(events: readonly CaseEvent[], at?: Date): CaseFacts {
  const until = at === undefined ? Number.POSITIVE_INFINITY : at.getTime();
  if (Number.isNaN(until)) throw new RangeError('invalid Date for at');
  const count = events.length;
  const first = events[0];
  const caseNo = first === undefined ? '' : first.caseNo;

  const times = new Array<number>(count);
  const order = new Array<number>(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    const event = events[i]!;
    if (event.caseNo !== caseNo) {
      throw new RangeError(`event ${event.eventId} belongs to case ${event.caseNo}, not ${caseNo}`);
    }
    times[i] = parseInstant(event.occurredAt);
    order[i] = i;
    if (sorted && i > 0 && compare(events, times, i - 1, i) > 0) sorted = false;
  }
  // Events usually arrive in order; skip the sort then.
  if (!sorted) order.sort((a, b) => compare(events, times, a, b));

  const facts: CaseFacts = {
    caseNo,
    status: 'pending',
    itemCode: null,
    departmentCode: null,
    acceptedAt: null,
    acceptedDay: null,
    limitOverride: null,
    stage: null,
    suspensions: [],
    concludedAt: null,
    concludedDay: null,
    result: null,
    lastOccurredAt: null,
  };
  return applyInOrder(facts, null, events, times, order, until);
}

/**
 * Continues a fold: the facts `folded` holds (of every event up to its lastOccurredAt, as
 * {@link foldCaseEvents} made them without `at`) followed by `later` events, each of which occurred
 * strictly after that instant, so they fold after all the earlier ones whatever their order. Gives
 * what folding every event would give, reading only the new ones. `folded` is not modified.
 *
 * @throws RangeError when a later event is not strictly after `folded.lastOccurredAt`, belongs to
 *   another case, or has a malformed occurredAt.
 */
export function continueFold(folded: CaseFacts, later: readonly CaseEvent[]): CaseFacts {
  const facts = copyFacts(folded);
  const after = facts.lastOccurredAt === null ? Number.NEGATIVE_INFINITY : parseInstant(facts.lastOccurredAt);
  const count = later.length;
  const times = new Array<number>(count);
  const order = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const event = later[i]!;
    if (facts.caseNo !== '' && event.caseNo !== facts.caseNo) throw new RangeError(`event ${event.eventId} belongs to case ${event.caseNo}, not ${facts.caseNo}`);
    times[i] = parseInstant(event.occurredAt);
    if (times[i]! <= after) throw new RangeError(`event ${event.eventId} is not after the folded ${facts.lastOccurredAt}`);
    order[i] = i;
  }
  order.sort((a, b) => compare(later, times, a, b));
  if (facts.caseNo === '' && count > 0) facts.caseNo = later[0]!.caseNo;
  const last = facts.suspensions.at(-1);
  return applyInOrder(facts, last !== undefined && last.endDay === null ? last : null, later, times, order, Number.POSITIVE_INFINITY);
}

/** A copy of `facts` that a fold may change (its suspensions are the only nested objects). */
function copyFacts(facts: CaseFacts): CaseFacts {
  return { ...facts, suspensions: facts.suspensions.map((suspension) => ({ ...suspension })) };
}

/** The fold's state machine: `events` taken in `order` (fold order) while their time is <= `until`. */
function applyInOrder(facts: CaseFacts, openSuspension: Suspension | null, events: readonly CaseEvent[], times: readonly number[], order: readonly number[], until: number): CaseFacts {
  const count = order.length;
  let open = openSuspension;

  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const time = times[i]!;
    if (time > until) break;
    const event = events[i]!;
    facts.lastOccurredAt = event.occurredAt;
    const status = facts.status;
    const running = status === 'open' || status === 'paused';
    switch (event.type) {
      case 'accepted':
        if (status !== 'pending') break;
        facts.status = 'open';
        facts.itemCode = event.itemCode;
        facts.departmentCode = event.departmentCode;
        facts.acceptedAt = event.occurredAt;
        facts.acceptedDay = localDayOfMs(time);
        facts.limitOverride = event.promisedLimitDays ?? null;
        break;
      case 'notAccepted':
        if (status !== 'pending') break;
        facts.status = 'notAccepted';
        facts.itemCode = event.itemCode;
        facts.departmentCode = event.departmentCode;
        facts.concludedAt = event.occurredAt;
        facts.concludedDay = localDayOfMs(time);
        break;
      case 'stage':
        if (running) facts.stage = event.stage;
        break;
      case 'fee':
        // Fees do not move the clock; the fee checks read the events themselves.
        break;
      case 'suspended': {
        if (status !== 'open') break;
        const suspension: Suspension = { startDay: localDayOfMs(time), endDay: null, procedure: event.procedure };
        if (event.plannedDays !== undefined) suspension.plannedDays = event.plannedDays;
        if (event.plannedUnit !== undefined) suspension.plannedUnit = event.plannedUnit;
        facts.suspensions.push(suspension);
        open = suspension;
        facts.status = 'paused';
        break;
      }
      case 'resumed':
        if (open === null) break;
        open.endDay = localDayOfMs(time);
        open = null;
        facts.status = 'open';
        break;
      case 'concluded':
        if (!running) break;
        facts.concludedDay = localDayOfMs(time);
        if (open !== null) {
          open.endDay = facts.concludedDay;
          open = null;
        }
        facts.status = 'concluded';
        facts.concludedAt = event.occurredAt;
        facts.result = event.result;
        break;
    }
  }
  return facts;
}

function compare(events: readonly CaseEvent[], times: readonly number[], a: number, b: number): number {
  return compareFoldOrder(events[a]!, times[a]!, events[b]!, times[b]!);
}

/**
 * The order {@link foldCaseEvents} takes events in: occurredAt instant (epoch ms given), then type
 * rank (intake first, conclusion last), then eventId. Exported so that passes mirroring the fold
 * (the supervision rules) see events in the very same order.
 */
export function compareFoldOrder(a: CaseEvent, aMs: number, b: CaseEvent, bMs: number): number {
  const dt = aMs - bMs;
  if (dt !== 0) return dt;
  const dr = TYPE_RANK[a.type] - TYPE_RANK[b.type];
  if (dr !== 0) return dr;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * What every rule reads, computed once per evaluation: the counted events in fold order, the
 * folded facts, the case's lifecycle events and its timeline.
 */
import { localDayOfMs, parseInstant, type DayNumber } from '../../calendar/local-date.ts';
import type { WorkCalendar } from '../../calendar/work-calendar.ts';
import { compareFoldOrder, foldCaseEvents, type CaseFacts } from '../../timelimits/case-facts.ts';
import type { TimePolicy } from '../../timelimits/policy.ts';
import { computeTimeline, type Timeline } from '../../timelimits/timeline.ts';
import type { CaseLimit } from '../../timelimits/verdict.ts';
import { ruleInfo } from './rule-catalog.ts';
import type { Finding, ReceivedEvent, RuleCode, RuleInput, RuleItem } from './rule-types.ts';

/** A received event that counts (occurredAt <= at), with its occurredAt as epoch milliseconds. */
export interface CountedEvent extends ReceivedEvent {
  occurredMs: number;
}

/**
 * The events that shaped the case's life as {@link foldCaseEvents} reads them: the same rules,
 * kept as events because the rules cite them as evidence.
 */
export interface Lifecycle {
  /** The first accepted or notAccepted event; null while the case is pending. */
  intake: CountedEvent | null;
  /** The concluded event that ended the running case; null while it runs (or never ran). */
  conclusion: CountedEvent | null;
  /** Stage events of the running case (after intake, before the conclusion), in fold order. */
  stages: CountedEvent[];
  /** The event that started each of facts.suspensions, index for index. */
  suspensionStarts: CountedEvent[];
}

/** The shared, precomputed input of the rule families. */
export interface RuleContext {
  caseNo: string;
  at: Date;
  atMs: number;
  /** The local date of `at`. */
  atDay: DayNumber;
  /** Events with occurredAt <= at, in fold order (occurredAt, type rank, eventId). */
  events: readonly CountedEvent[];
  facts: CaseFacts;
  lifecycle: Lifecycle;
  /** Computed when the limit is known; all-null fields for a case that never started. */
  timeline: Timeline | null;
  item: RuleItem | null;
  limit: CaseLimit | null;
  calendar: WorkCalendar;
  policy: TimePolicy;
}

// foldCaseEvents' own order: the lifecycle pass must see events exactly as the fold does.
function compareCounted(a: CountedEvent, b: CountedEvent): number {
  return compareFoldOrder(a.event, a.occurredMs, b.event, b.occurredMs);
}

/**
 * Mirrors the state machine of {@link foldCaseEvents} over events already in fold order: the
 * first intake decides; events before intake or after a terminal event are ignored; a suspended
 * event while one is open continues it; a resumed event with none open is ignored.
 */
function traceLifecycle(events: readonly CountedEvent[]): Lifecycle {
  const lifecycle: Lifecycle = { intake: null, conclusion: null, stages: [], suspensionStarts: [] };
  let status: 'pending' | 'open' | 'paused' | 'ended' = 'pending';
  for (const counted of events) {
    const running = status === 'open' || status === 'paused';
    switch (counted.event.type) {
      case 'accepted':
      case 'notAccepted':
        if (status !== 'pending') break;
        lifecycle.intake = counted;
        status = counted.event.type === 'accepted' ? 'open' : 'ended';
        break;
      case 'stage':
        if (running) lifecycle.stages.push(counted);
        break;
      case 'suspended':
        if (status !== 'open') break;
        lifecycle.suspensionStarts.push(counted);
        status = 'paused';
        break;
      case 'resumed':
        if (status === 'paused') status = 'open';
        break;
      case 'concluded':
        if (!running) break;
        lifecycle.conclusion = counted;
        status = 'ended';
        break;
      case 'fee':
        break;
    }
  }
  return lifecycle;
}

/**
 * Builds the context of {@link evaluateRules}: sorts and filters the events once, folds them once
 * and computes the timeline once (when the limit is known).
 *
 * @throws RangeError for a malformed occurredAt, an invalid `at`, events of another case, or a bad limit.
 */
export function buildRuleContext(input: RuleInput): RuleContext {
  const atMs = input.at.getTime();
  if (Number.isNaN(atMs)) throw new RangeError('invalid Date for at');
  const events: CountedEvent[] = [];
  for (const received of input.events) {
    if (received.event.caseNo !== input.caseNo) {
      throw new RangeError(`event ${received.event.eventId} belongs to case ${received.event.caseNo}, not ${input.caseNo}`);
    }
    const occurredMs = parseInstant(received.event.occurredAt);
    if (occurredMs <= atMs) events.push({ event: received.event, receivedAt: received.receivedAt, occurredMs });
  }
  events.sort(compareCounted);

  // Already sorted and filtered, so the fold skips its own sort.
  const facts = foldCaseEvents(
    events.map((counted) => counted.event),
    input.at,
  );
  facts.caseNo = input.caseNo;
  const lifecycle = traceLifecycle(events);
  if (lifecycle.suspensionStarts.length !== facts.suspensions.length) {
    throw new Error('internal: lifecycle trace disagrees with foldCaseEvents');
  }
  const timeline =
    input.limit === null
      ? null
      : computeTimeline(facts, input.limit.limitDays, input.limit.limitUnit, input.calendar, input.policy);
  return {
    caseNo: input.caseNo,
    at: input.at,
    atMs,
    atDay: localDayOfMs(atMs),
    events,
    facts,
    lifecycle,
    timeline,
    item: input.item,
    limit: input.limit,
    calendar: input.calendar,
    policy: input.policy,
  };
}

/** A finding of rule `rule`, stamped with the rule's current version from the catalog. */
export function finding(rule: RuleCode, foundAt: string, message: string, details: Record<string, unknown>): Finding {
  return { rule, ruleVersion: ruleInfo(rule).version, foundAt, message, details };
}

/** Whether the case was still running on day `day`: open or paused now, or concluded on or after it. */
export function runningOn(ctx: RuleContext, day: DayNumber): boolean {
  const { status, concludedDay } = ctx.facts;
  if (status === 'open' || status === 'paused') return true;
  return status === 'concluded' && concludedDay !== null && concludedDay >= day;
}

/** Whether the case is open or paused, the only states in which time alone can raise a finding. */
export function isRunning(ctx: RuleContext): boolean {
  return ctx.facts.status === 'open' || ctx.facts.status === 'paused';
}

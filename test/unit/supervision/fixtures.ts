/** Shared fixtures of the rule tests: received events, items and one call of evaluateRules. */
import type { CaseEvent, FeeEvent, LimitUnit, Stage } from '../../../node/cases/case-event.ts';
import type { ItemFee } from '../../../node/catalog/item.entity.ts';
import { evaluateRules } from '../../../node/supervision/rules/evaluate-rules.ts';
import type { Finding, ReceivedEvent, RuleCode, RuleItem, RuleOutcome } from '../../../node/supervision/rules/rule-types.ts';
import { DEFAULT_TIME_POLICY, type TimePolicy } from '../../../node/timelimits/policy.ts';
import type { CaseLimit } from '../../../node/timelimits/verdict.ts';
import { CALENDAR, CASE_NO } from '../timelimits/fixtures.ts';

export { accepted, CALENDAR, CASE_NO, concluded, notAccepted, resumed, stage, suspended } from '../timelimits/fixtures.ts';

/** An event received when it occurred, unless `receivedAt` says otherwise. */
export function rx(event: CaseEvent, receivedAt: string = event.occurredAt): ReceivedEvent {
  return { event, receivedAt };
}

let feeSequence = 0;
/** A fee event with its own code and amount. */
export function charge(occurredAt: string, feeCode: string, amountFen: number): FeeEvent {
  return { eventId: `fee-${String(++feeSequence).padStart(4, '0')}`, caseNo: CASE_NO, type: 'fee', occurredAt, feeCode, amountFen };
}

/** The three stages in procedural order. */
export const ALL_STAGES: readonly Stage[] = ['undertake', 'review', 'approve'];

/** An item; by default free and without stages. */
export function ruleItem(extra: { fees?: ItemFee[]; stages?: readonly Stage[] } = {}): RuleItem {
  return { itemCode: 'ITEM-1', departmentCode: 'DEPT-1', fees: extra.fees ?? [], stages: extra.stages ?? [] };
}

export const limit = (limitDays: number, limitUnit: LimitUnit = 'workday'): CaseLimit => ({ limitDays, limitUnit });

export interface RunOptions {
  item?: RuleItem | null;
  limit?: CaseLimit | null;
  policy?: TimePolicy;
}

/** evaluateRules on the shipped calendar; by default a free item without stages, 5 working days, the default policy. */
export function run(events: readonly (ReceivedEvent | CaseEvent)[], at: string, options: RunOptions = {}): RuleOutcome {
  return evaluateRules({
    caseNo: CASE_NO,
    events: events.map((e) => ('event' in e ? e : rx(e))),
    item: options.item === undefined ? ruleItem() : options.item,
    limit: options.limit === undefined ? limit(5) : options.limit,
    calendar: CALENDAR,
    policy: options.policy ?? DEFAULT_TIME_POLICY,
    at: new Date(at),
  });
}

/** The finding of one rule, or undefined. */
export function findingOf(outcome: RuleOutcome, rule: RuleCode): Finding | undefined {
  return outcome.findings.find((f) => f.rule === rule);
}

/** The codes of the findings, in order. */
export function codes(outcome: RuleOutcome): RuleCode[] {
  return outcome.findings.map((f) => f.rule);
}

/** A policy with some fields changed. */
export function policyWith(extra: Partial<TimePolicy>): TimePolicy {
  return { ...DEFAULT_TIME_POLICY, ...extra };
}

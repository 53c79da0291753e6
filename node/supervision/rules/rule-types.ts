/**
 * The contract of the supervision rules (issue 4): what a rule reads and what it finds. Like a
 * verdict, a rule's findings are a pure function of the case's events (with the instant each was
 * received), the catalog item, the committed limit, the calendar, the policy and an instant, so
 * any node, and a parent re-supervising, gets the same answer.
 */
import type { CaseEvent, Stage } from '../../cases/case-event.ts';
import type { ItemFee } from '../../catalog/item.entity.ts';
import type { WorkCalendar } from '../../calendar/work-calendar.ts';
import type { TimePolicy } from '../../timelimits/policy.ts';
import type { CaseLimit } from '../../timelimits/verdict.ts';

/** Every rule code, stable across versions: alerts, summaries and re-supervision name rules by them. */
export const RULE_CODES = [
  'TIME_YELLOW_LIGHT',
  'TIME_RED_LIGHT',
  'YELLOW_CARD',
  'RED_CARD',
  'PROCESS_ORDER',
  'PROCESS_MISSING_STAGE',
  'SUSPENSION_OVERRUN',
  'SUPPLEMENT_REPEATED',
  'FEE_NOT_IN_STANDARD',
  'FEE_AMOUNT_MISMATCH',
  'FEE_ON_FREE_ITEM',
  'ABNORMAL_OUTCOME',
  'LATE_REPORT',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** The rules whose alert is a card and so carries a supervision notice (督办单) from the start. */
export const CARD_RULES: readonly RuleCode[] = ['YELLOW_CARD', 'RED_CARD'];

/** An event as the node holds it: the event and when the node received it (ISO 8601). */
export interface ReceivedEvent {
  event: CaseEvent;
  receivedAt: string;
}

/** What the rules need of the case's item (政务服务事项). */
export interface RuleItem {
  itemCode: string;
  departmentCode: string;
  /** 收费标准; empty for a free item. */
  fees: readonly ItemFee[];
  /** The stages a case must pass, in procedural order (承办 → 审核 → 批准); empty when none. */
  stages: readonly Stage[];
}

/** Input of `evaluateRules`. */
export interface RuleInput {
  caseNo: string;
  /** All the case's events, in any order; those that occurred after `at` are not counted. */
  events: readonly ReceivedEvent[];
  /** The item of the case's intake; null when unknown (the catalog rules then find nothing). */
  item: RuleItem | null;
  /** The limit fixed at acceptance (the accepted event's override, else the item's); null when unknown. */
  limit: CaseLimit | null;
  calendar: WorkCalendar;
  policy: TimePolicy;
  at: Date;
}

/** One irregularity a rule found on a case. */
export interface Finding {
  rule: RuleCode;
  /** The version of the rule that found it. */
  ruleVersion: number;
  /** When the irregularity arose, ISO 8601 (e.g. 00:00 local of a card's day, a late event's receipt). */
  foundAt: string;
  /** One line in Chinese for the people who read alerts. */
  message: string;
  /** Evidence: event ids, amounts, days, as JSON. */
  details: Record<string, unknown>;
}

/** What the rules found on a case at `at`, and when they must look again without new events. */
export interface RuleOutcome {
  /** At most one finding per rule, in the order of RULE_CODES. */
  findings: Finding[];
  /**
   * The earliest instant after `at` at which a finding may appear or change with no new event
   * (a light or card day beginning, a suspension running over its planned days), ISO 8601; null
   * when nothing lies ahead (e.g. the case is concluded).
   */
  nextDueAt: string | null;
}

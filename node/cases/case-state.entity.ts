import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The folded state of one case with its computed timeline: a cache with provenance, recomputed
 * from `case_events` whenever the events, the calendar or the policy change. Lists filter on these
 * columns and the board sums `open_timeline_counts`, which triggers on this table keep (migration
 * Migration20261204050000_open_timeline_counts); a single case's verdict is always recomputed from its events.
 */
export const CaseState = defineEntity({
  name: 'CaseState',
  tableName: 'cases',
  properties: {
    // Collation C: keyset pages compare case numbers byte-wise, the same order JavaScript uses.
    caseNo: p.string().primary().length(50).collation('C'),
    status: p.string().length(16),
    itemCode: p.string().length(64).nullable(),
    departmentCode: p.string().length(64).nullable(),
    /** Committed limit fixed at acceptance (the accepted event's override, else the item's). */
    limitDays: p.integer().nullable(),
    limitUnit: p.string().length(16).nullable(),
    /** CaseFacts as JSON: everything a verdict needs besides calendar, policy and instant. */
    facts: p.json<Record<string, unknown>>(),
    firstOccurredAt: p.datetime().nullable(),
    lastOccurredAt: p.datetime().nullable(),
    acceptedDay: p.date().nullable(),
    concludedDay: p.date().nullable(),
    deadline: p.date().nullable(),
    yellowFrom: p.date().nullable(),
    yellowCardOn: p.date().nullable(),
    redCardOn: p.date().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [
    { properties: ['departmentCode', 'caseNo'] },
    { properties: ['itemCode', 'caseNo'] },
    { properties: ['status', 'caseNo'] },
    { properties: ['lastOccurredAt'] },
    { properties: ['deadline'] },
    // Light-filtered lists walk open cases in case-number order and test these dates on the way.
    {
      name: 'cases_open_case_no_index',
      expression: `create index "cases_open_case_no_index" on "cases" ("case_no") include ("department_code", "item_code", "deadline", "yellow_from", "last_occurred_at") where "status" in ('open', 'paused')`,
    },
    // Light lists look up open cases by department and timeline, the page's case numbers in order
    // within each (open_timeline_counts, kept by triggers, names the timelines; see case-verdicts.ts).
    {
      name: 'cases_open_timeline_key_index',
      expression: `create index "cases_open_timeline_key_index" on "cases" ("department_code", "deadline", "yellow_from", "case_no") include ("item_code", "last_occurred_at") where "status" in ('open', 'paused')`,
    },
    // Paused (no deadline while a suspension is open): few, listed in case-number order.
    {
      name: 'cases_open_paused_index',
      expression: `create index "cases_open_paused_index" on "cases" ("case_no") include ("department_code", "item_code", "last_occurred_at") where "status" in ('open', 'paused') and "deadline" is null`,
    },
  ],
});
export type CaseState = InferEntity<typeof CaseState>;

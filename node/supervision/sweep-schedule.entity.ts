import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * When each case must next be swept: at `dueAt`, a time-based finding may start to hold (a light,
 * a card, a suspension running over), or, with a `reason`, something it depends on changed (its
 * events, the calendar, the policy, its item). A case with nothing ahead has no row, so the
 * scheduled sweep reads only the due ones through the index on dueAt.
 */
export const SweepSchedule = defineEntity({
  name: 'SweepSchedule',
  tableName: 'sweep_schedule',
  properties: {
    caseNo: p.string().primary().length(50).collation('C'),
    dueAt: p.datetime(),
    /** Why the case is due besides time: 'events', 'calendar', 'policy', 'catalog', 'restDayDeadline' (comma-separated); null when only time. */
    reason: p.string().length(100).nullable(),
  },
  // The claim takes due rows in (due_at, case_no) order: many share one instant (a day's start,
  // or '-infinity' after a change), so the index must give that whole order to stop at a chunk.
  indexes: [{ name: 'sweep_schedule_due_index', properties: ['dueAt', 'caseNo'] }],
});
export type SweepSchedule = InferEntity<typeof SweepSchedule>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Every event a node accepted, as received. Append-only: `seq` is the order of acceptance
 * (the order the log sequencer appends them to the Merkle log in), `contentHash` (SHA-256 of
 * the RFC 8785 form) tells a duplicate from a conflicting resend.
 */
export const CaseEventRecord = defineEntity({
  name: 'CaseEventRecord',
  tableName: 'case_events',
  properties: {
    seq: p.bigint('number').primary().autoincrement(),
    eventId: p.string().length(64).unique(),
    caseNo: p.string().length(50).index(),
    type: p.string().length(16),
    occurredAt: p.datetime(),
    payload: p.json<Record<string, unknown>>(),
    contentHash: p.string().length(64),
    source: p.string().length(80),
    receivedAt: p.datetime(),
    /** Leaf of the node's Merkle event log, set by the log sequencer once appended. */
    logIndex: p.bigint('number').nullable().unique(),
  },
  indexes: [
    // The sequencer's work list: events not yet in the log.
    { name: 'case_events_unlogged_index', expression: 'create index "case_events_unlogged_index" on "case_events" ("seq") where "log_index" is null' },
  ],
});
export type CaseEventRecord = InferEntity<typeof CaseEventRecord>;

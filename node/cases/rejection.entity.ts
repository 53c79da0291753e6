import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * An event the node refused, kept with its reason and payload so nothing is silently dropped.
 * `resolvedAt` is set when the same eventId is later accepted (the sender fixed the cause).
 */
export const Rejection = defineEntity({
  name: 'Rejection',
  tableName: 'rejections',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    eventId: p.string().length(200).nullable().index(),
    caseNo: p.string().length(200).nullable(),
    code: p.string().length(40),
    message: p.string().length(500),
    details: p.json<Record<string, unknown>>(),
    payload: p.json<unknown>(),
    /** 'api' or 'import:<id>'. */
    source: p.string().length(80).index(),
    /** 1-based line of the import body, for rejected import rows. */
    line: p.integer().nullable(),
    receivedAt: p.datetime().index(),
    resolvedAt: p.datetime().nullable(),
  },
});
export type Rejection = InferEntity<typeof Rejection>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One step of an alert's workflow: who did what, when, from which state to which, and why. Append-only. */
export const AlertTransition = defineEntity({
  name: 'AlertTransition',
  tableName: 'alert_transitions',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    alertId: p.bigint('number').index(),
    /** null for the raise itself. */
    fromStatus: p.string().length(16).nullable(),
    toStatus: p.string().length(16),
    /** raise, notify, explain, accept, reject, escalate, appeal, revoke, uphold, reinstate, accountability. */
    action: p.string().length(24),
    /** 'system' for the sweep; otherwise the acting credential. */
    actor: p.string().length(100),
    reason: p.string().length(2000).nullable(),
    /** Action-specific content: the explanation and correction, the demand, the accountability record. */
    data: p.json<Record<string, unknown>>().nullable(),
    requestId: p.string().length(64).nullable(),
    at: p.datetime(),
  },
});
export type AlertTransition = InferEntity<typeof AlertTransition>;

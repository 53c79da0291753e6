import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One message to one contact about one alert, written in the transaction that issued the notice
 * or escalated it (so it is never lost), then delivered by the notification job with retries.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    alertId: p.bigint('number').index(),
    contactId: p.bigint('number'),
    /** notice, escalation. */
    kind: p.string().length(24),
    channel: p.string().length(16),
    address: p.string().length(500),
    subject: p.string().length(200),
    /** The text for e-mail and SMS. */
    text: p.text(),
    /** The JSON document a webhook receives. */
    payload: p.json<Record<string, unknown>>(),
    /** pending, sent, failed (every retry used up). */
    status: p.string().length(16),
    attempts: p.integer().default(0),
    lastError: p.string().length(1000).nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['status', 'id'] }],
});
export type Notification = InferEntity<typeof Notification>;

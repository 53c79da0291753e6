import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One try at delivering a notification, successful or not. */
export const NotificationAttempt = defineEntity({
  name: 'NotificationAttempt',
  tableName: 'notification_attempts',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    notificationId: p.bigint('number').index(),
    attempt: p.integer(),
    at: p.datetime(),
    ok: p.boolean(),
    /** The HTTP status or SMTP response. */
    response: p.string().length(1000).nullable(),
    error: p.string().length(1000).nullable(),
  },
});
export type NotificationAttempt = InferEntity<typeof NotificationAttempt>;

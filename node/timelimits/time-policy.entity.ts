import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The node's time-limit policy (one row, key 'time'); absent means the defaults. */
export const TimePolicyRecord = defineEntity({
  name: 'TimePolicyRecord',
  tableName: 'time_policies',
  properties: {
    key: p.string().primary().length(32),
    yellowAtRemainingDays: p.integer(),
    yellowCardOverdueDays: p.integer(),
    redCardOverdueDays: p.integer(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type TimePolicyRecord = InferEntity<typeof TimePolicyRecord>;
